// The seeded link graph of the simulated web: sites of Zipf-like sizes, a link tree per site so every page is
// reachable from its index, random same-site and cross-site links, a webring of index pages, broken links,
// non-HTML resources, nofollow-only pages and robots.txt variants. Everything the server answers comes from here.
//
// Pages are generated when asked for, each from its own seeded generator (seed, site, page): the same seed gives the
// same web, and a web of a million links costs no memory and no start-up time (building every page up front took
// 45 s and 1.1 GB for 120 000 pages of 40 links).
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
  /** HTML pages reachable through links (index included). */
  pages: number;
}

export interface SimGraph {
  sites: SimSite[];
  byHost: Map<string, SimSite>;
  seeds: string[];
  /** What `path` on `site` answers with 200 (a page, a hidden page, a non-HTML resource), or undefined (404). */
  resource(site: SimSite, path: string): SimResource | undefined;
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
  if (opts.sitePages) return opts.sitePages[rank - 1];
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

/** A seed for page `page` of the site of rank `rank`, for one purpose (`salt`): a 32-bit mix of the four. */
function pageSeed(seed: number, rank: number, page: number, salt: number): number {
  let h = (seed ^ 0x9e3779b9) >>> 0;
  for (const v of [rank, page, salt]) {
    h = Math.imul(h ^ v, 0x85ebca6b) >>> 0;
    h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35) >>> 0;
    h = (h ^ (h >>> 16)) >>> 0;
  }
  return h;
}

const SALT_PRIVATE = 1;
const SALT_LINKS = 2;

/** A page as generated: its links and the extra resources only it links to. */
interface GeneratedPage {
  links: SimLink[];
  binary?: { path: string; contentType: string; bytes: number };
  hidden?: string;
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
    sites.push({ host, rank, large, robots, pages: pageCount(rank, opts) });
  }
  const urlOf = (site: SimSite, path: string) => `http://${site.host}${path}`;
  const isPrivate = (site: SimSite, i: number) =>
    i > 0 && seededRandom(pageSeed(opts.seed, site.rank, i, SALT_PRIVATE))() < opts.privatePageRatio;
  const pathOf = (site: SimSite, i: number) => (i === 0 ? '/' : isPrivate(site, i) ? `/private/${i}.html` : `/p/${i}.html`);
  /** The page index a canonical page path names, or undefined. */
  const pageIndexOf = (site: SimSite, path: string): number | undefined => {
    if (path === '/') return 0;
    const m = /^\/(p|private)\/([1-9][0-9]*)\.html$/.exec(path);
    if (!m) return undefined;
    const i = Number(m[2]);
    if (i >= site.pages || isPrivate(site, i) !== (m[1] === 'private')) return undefined;
    return i;
  };

  const generate = (site: SimSite, i: number): GeneratedPage => {
    const rnd = seededRandom(pageSeed(opts.seed, site.rank, i, SALT_LINKS));
    const path = pathOf(site, i);
    const n = site.pages;
    const page: GeneratedPage = { links: [] };
    const add = (target: string, nofollow = false) => {
      const sameHost = new URL(target).hostname === site.host;
      page.links.push({ href: spell(rnd, path, target, sameHost), target, nofollow });
    };
    // Tree links: page i links to its children, so the whole site hangs off its index.
    for (let c = i * opts.fanout + 1; c <= i * opts.fanout + opts.fanout && c < n; c++) add(urlOf(site, pathOf(site, c)));
    for (let k = 0; k < opts.linksPerPage; k++) {
      if (sites.length > 1 && rnd() < opts.crossSiteLinkRatio) {
        let other = sites[randomInt(rnd, sites.length)];
        if (other === site) other = sites[site.rank % sites.length];
        const targetPath = rnd() < 0.5 ? '/' : pathOf(other, randomInt(rnd, other.pages));
        add(urlOf(other, targetPath));
      } else {
        add(urlOf(site, pathOf(site, randomInt(rnd, n))));
      }
    }
    if (i === 0 && sites.length > 1) add(urlOf(sites[site.rank % sites.length], '/')); // the webring
    if (rnd() < opts.brokenLinkRatio) add(urlOf(site, `/missing/${i}-${randomInt(rnd, 1000)}.html`));
    if (rnd() < opts.nonHtmlRatio) {
      const pdf = rnd() < 0.5;
      page.binary = {
        path: pdf ? `/files/${i}.pdf` : `/img/${i}.png`,
        contentType: pdf ? 'application/pdf' : 'image/png',
        bytes: 512 + randomInt(rnd, 4096),
      };
      add(urlOf(site, page.binary.path));
    }
    if (rnd() < opts.nofollowRatio) {
      page.hidden = `/hidden/${i}.html`;
      add(urlOf(site, page.hidden), true);
    }
    return page;
  };

  const resource = (site: SimSite, path: string): SimResource | undefined => {
    const i = pageIndexOf(site, path);
    if (i !== undefined) return { type: 'html', title: `${site.host} page ${i}`, links: generate(site, i).links };
    // A non-HTML resource or a hidden page exists when the page of its number links to it.
    const extra = /^\/(files|img|hidden)\/([1-9][0-9]*|0)\.(pdf|png|html)$/.exec(path);
    if (!extra) return undefined;
    const owner = Number(extra[2]);
    if (owner >= site.pages) return undefined;
    const page = generate(site, owner);
    if (page.binary?.path === path) return { type: 'binary', contentType: page.binary.contentType, bytes: page.binary.bytes };
    if (page.hidden === path) return { type: 'html', title: `${site.host} hidden ${owner}`, links: [] };
    return undefined;
  };

  const byHost = new Map(sites.map((s) => [s.host, s]));
  const seeds = sites.slice(0, opts.seedSites).map((s) => urlOf(s, '/'));
  return { sites, byHost, seeds, resource };
}
