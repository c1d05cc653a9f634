// The seeded link graph of the simulated web: sites of Zipf-like sizes, a link tree per site so every page is
// reachable from its index, random same-site and cross-site links, a webring of index pages, broken links,
// non-HTML resources, nofollow-only pages and robots.txt variants. Everything the server answers comes from here.
import type { ResolvedSimWebOptions, RobotsVariant } from './options.js';
import { randomInt, seededRandom, weightedChoice, type Random } from './random.js';

/** A link as written in a page. */
export interface SimLink {
  /** The href attribute as written (absolute, root-relative or relative, sometimes with a fragment or odd case). */
  href: string;
  /** The canonical absolute URL it points to (what a correct normaliser turns `href` into). */
  target: string;
  nofollow: boolean;
}

export type SimResource =
  | { type: 'html'; title: string; links: SimLink[] }
  | { type: 'binary'; contentType: string; bytes: number };

export interface SimSite {
  host: string;
  rank: number;
  large: boolean;
  robots: RobotsVariant;
  /** Canonical paths of the site's HTML pages reachable through links (index first). */
  pagePaths: string[];
  /** Every path the site answers with 200 (pages, hidden pages, non-HTML resources). */
  resources: Map<string, SimResource>;
}

export interface SimGraph {
  sites: SimSite[];
  byHost: Map<string, SimSite>;
  seeds: string[];
}

const LARGE_WORDS = ['perdu', 'daily-planet', 'encyclopedia', 'marketplace', 'videotube', 'socialhub', 'searchy', 'mailbox'];
const SMALL_WORDS = ['news', 'blog', 'shop', 'wiki', 'forum', 'docs', 'photos', 'recipes', 'travel', 'music', 'garden', 'chess'];

function hostFor(rank: number, large: boolean): string {
  if (large) {
    const word = LARGE_WORDS[(rank - 1) % LARGE_WORDS.length];
    const suffix = rank > LARGE_WORDS.length ? `-${rank}` : '';
    return `www.${word}${suffix}-sim.test`;
  }
  return `${SMALL_WORDS[rank % SMALL_WORDS.length]}-${rank}.sim.test`;
}

function pageCount(rank: number, opts: ResolvedSimWebOptions): number {
  return Math.max(opts.minPagesPerSite, Math.round(opts.maxPagesPerSite / Math.pow(rank, opts.zipfExponent)));
}

function dirOf(path: string): string {
  return path.slice(0, path.lastIndexOf('/') + 1);
}

/** Writes a link to `target` the way real pages do: in one of several spellings that all mean the same URL. */
function spell(random: Random, fromPath: string, target: string, sameHost: boolean): string {
  const url = new URL(target);
  const style = randomInt(random, sameHost ? 6 : 3);
  switch (style) {
    case 0:
      return target;
    case 1:
      return `${target}#section-${randomInt(random, 5)}`;
    case 2:
      return `http://${url.hostname.toUpperCase()}:80${url.pathname}`;
    case 3:
      return url.pathname;
    case 4: {
      // Relative to the page's directory when possible, else via `..`.
      const dir = dirOf(fromPath);
      if (url.pathname.startsWith(dir) && url.pathname !== dir) return url.pathname.slice(dir.length);
      return dir === '/' ? `.${url.pathname}` : `..${url.pathname}`;
    }
    default:
      return `//${url.hostname}${url.pathname}`; // protocol-relative
  }
}

export function buildGraph(opts: ResolvedSimWebOptions): SimGraph {
  const random = seededRandom(opts.seed);
  const sites: SimSite[] = [];
  for (let rank = 1; rank <= opts.sites; rank++) {
    const large = rank <= opts.largeSites;
    const host = hostFor(rank, large);
    const isSeed = rank <= opts.seedSites;
    // Seed sites always answer robots.txt, so a crawl that respects robots has somewhere to start.
    const mix = isSeed
      ? { 'allow-all': 1, disallow: 1, 'not-found': 1 }
      : opts.robotsMix;
    const robots = opts.robotsOverrides[host] ?? weightedChoice(random, mix as Record<RobotsVariant, number>);
    const n = pageCount(rank, opts);
    const pagePaths = ['/'];
    for (let i = 1; i < n; i++) pagePaths.push(random() < opts.privatePageRatio ? `/private/${i}.html` : `/p/${i}.html`);
    sites.push({ host, rank, large, robots, pagePaths, resources: new Map() });
  }
  const urlOf = (site: SimSite, path: string) => `http://${site.host}${path}`;

  for (const site of sites) {
    const n = site.pagePaths.length;
    for (let i = 0; i < n; i++) {
      const path = site.pagePaths[i];
      const links: SimLink[] = [];
      const add = (target: string, nofollow = false) => {
        const sameHost = new URL(target).hostname === site.host;
        links.push({ href: spell(random, path, target, sameHost), target, nofollow });
      };
      // Tree links: page i links to its children, so the whole site hangs off its index.
      for (let c = i * opts.fanout + 1; c <= i * opts.fanout + opts.fanout && c < n; c++) add(urlOf(site, site.pagePaths[c]));
      for (let k = 0; k < opts.linksPerPage; k++) {
        if (sites.length > 1 && random() < opts.crossSiteLinkRatio) {
          let other = sites[randomInt(random, sites.length)];
          if (other === site) other = sites[(site.rank % sites.length)];
          const targetPath = random() < 0.5 ? '/' : other.pagePaths[randomInt(random, other.pagePaths.length)];
          add(urlOf(other, targetPath));
        } else {
          add(urlOf(site, site.pagePaths[randomInt(random, n)]));
        }
      }
      if (i === 0 && sites.length > 1) add(urlOf(sites[site.rank % sites.length], '/')); // the webring
      if (random() < opts.brokenLinkRatio) add(urlOf(site, `/missing/${i}-${randomInt(random, 1000)}.html`));
      if (random() < opts.nonHtmlRatio) {
        const pdf = random() < 0.5;
        const resPath = pdf ? `/files/${i}.pdf` : `/img/${i}.png`;
        site.resources.set(resPath, { type: 'binary', contentType: pdf ? 'application/pdf' : 'image/png', bytes: 512 + randomInt(random, 4096) });
        add(urlOf(site, resPath));
      }
      if (random() < opts.nofollowRatio) {
        const hiddenPath = `/hidden/${i}.html`;
        site.resources.set(hiddenPath, { type: 'html', title: `${site.host} hidden ${i}`, links: [] });
        add(urlOf(site, hiddenPath), true);
      }
      site.resources.set(path, { type: 'html', title: `${site.host} page ${i}`, links });
    }
  }
  const byHost = new Map(sites.map((s) => [s.host, s]));
  const seeds = sites.slice(0, opts.seedSites).map((s) => urlOf(s, '/'));
  return { sites, byHost, seeds };
}
