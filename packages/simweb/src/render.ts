// What the simulated web answers: HTML pages with their links and filler text, robots.txt per variant.
import type { RobotsVariant } from './options.js';
import type { SimResource } from './site-graph.js';

const FILLER =
  'Le site que vous cherchez est perdu. Rien ne sert de chercher plus loin: la page a ete deplacee, ' +
  'ou bien elle n a jamais existe. The quick brown fox jumps over the lazy dog while the crawler waits politely. ';

function escapeAttr(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
}

export function renderPage(resource: Extract<SimResource, { type: 'html' }>, pageBytes: number): string {
  const links = resource.links
    .map((l, i) => `<li><a href="${escapeAttr(l.href)}"${l.nofollow ? ' rel="nofollow"' : ''}>link ${i}</a></li>`)
    .join('\n');
  const head = `<!doctype html>\n<html><head><meta charset="utf-8"><title>${resource.title}</title></head>\n<body><h1>${resource.title}</h1>\n<ul>\n${links}\n</ul>\n`;
  let body = '';
  while (head.length + body.length < pageBytes) body += `<p>${FILLER}</p>\n`;
  return `${head}${body}</body></html>\n`;
}

/** robots.txt text for a variant that answers 200. */
export function renderRobots(variant: RobotsVariant, crawlDelaySeconds: number): string {
  switch (variant) {
    case 'disallow':
      return 'User-agent: *\nDisallow: /private/\n';
    case 'crawl-delay':
      return `User-agent: *\nCrawl-delay: ${crawlDelaySeconds}\nDisallow:\n`;
    default:
      return 'User-agent: *\nDisallow:\n';
  }
}
