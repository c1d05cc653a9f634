#!/usr/bin/env python3
"""A hand-written multi-process web crawler, as people write them: requests for HTTP, sqlite3 (or pymongo) for the
frontier, robots.txt and per-domain politeness, N worker processes sharing one database.

It is deliberately naive in the ways real ones are, and that is its ground truth (see README.md):
- the frontier is an unindexed table (collection) that only grows: every pick scans it, so picking a URL slows as
  the crawl goes on;
- every worker writes to the one database: with sqlite3 each write waits for the file's single write lock, with
  pymongo each query waits on the server.

It logs in the original crawler's format, one log per worker:
  2016-12-20 14:29:20,135 - crawlers.web.multi_worker_web_crawler - DEBUG - The URL 'http://…/' will be crawled.

Network: only `--resolve HOST=ADDR:PORT` targets are fetched (`*` matches any host), and ADDR must be loopback; any
other URL is refused and logged as not retrieved. The crawler never connects anywhere else.

  python3 crawler.py --seeds seeds.txt --resolve '*=127.0.0.1:8080' --workers 4 --duration 60 \\
      --store sqlite --db crawl.sqlite --log-dir logs
  python3 crawler.py ... --store mongo --db mongodb://127.0.0.1:27017/crawl
"""
import argparse
import ipaddress
import json
import logging
import multiprocessing
import os
import re
import signal
import sqlite3
import sys
import time
import urllib.robotparser
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit, urldefrag

import requests

LOGGER_NAME = 'crawlers.web.multi_worker_web_crawler'
QUEUED, CRAWLING, DONE, FAILED = 0, 1, 2, 3


class LinkParser(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links = []

    def handle_starttag(self, tag, attrs):
        if tag != 'a':
            return
        attributes = dict(attrs)
        href = attributes.get('href')
        if href and 'nofollow' not in (attributes.get('rel') or ''):
            self.links.append(href)


def parse_resolve(rules):
    """`HOST=ADDR:PORT` rules; ADDR must be a loopback address."""
    mapping = {}
    for rule in rules:
        m = re.fullmatch(r'([^=]+)=\[?([0-9a-fA-F.:]+?)\]?:(\d+)', rule)
        if not m:
            raise SystemExit(f"crawler.py: --resolve '{rule}' is not HOST=ADDR:PORT (e.g. '*=127.0.0.1:8080')")
        host, addr, port = m.group(1).lower(), m.group(2), int(m.group(3))
        if not ipaddress.ip_address(addr).is_loopback:
            raise SystemExit(f"crawler.py: --resolve '{rule}': only loopback addresses may be crawled, not {addr}")
        mapping[host] = (addr, port)
    return mapping


class Fetcher:
    """HTTP GET through requests, every host sent to its `--resolve` target with the Host header kept."""

    def __init__(self, resolve, timeout):
        self.resolve = resolve
        self.timeout = timeout
        self.session = requests.Session()
        self.session.trust_env = False  # no proxies from the environment: loopback only

    def get(self, url):
        parts = urlsplit(url)
        host = (parts.hostname or '').lower()
        target = self.resolve.get(host) or self.resolve.get('*')
        if parts.scheme != 'http' or target is None:
            raise requests.exceptions.InvalidURL(f'{url} is not mapped by --resolve')
        addr, port = target
        netloc = f'[{addr}]:{port}' if ':' in addr else f'{addr}:{port}'
        path = parts.path or '/'
        if parts.query:
            path += '?' + parts.query
        return self.session.get(f'http://{netloc}{path}', headers={'Host': parts.netloc}, timeout=self.timeout, allow_redirects=False)


class SqliteStore:
    """Frontier, pages and domains in one SQLite file shared by every worker."""

    def __init__(self, path):
        # 60 s busy timeout: a worker waits for the write lock rather than fail.
        self.db = sqlite3.connect(path, timeout=60)

    def create(self):
        self.db.executescript(
            'CREATE TABLE IF NOT EXISTS frontier (url TEXT, domain TEXT, status INTEGER, added REAL);'
            'CREATE TABLE IF NOT EXISTS pages (url TEXT PRIMARY KEY, status INTEGER, html TEXT, fetched REAL);'
            'CREATE TABLE IF NOT EXISTS domains (domain TEXT PRIMARY KEY, robots TEXT, last_crawled REAL);'
        )
        self.db.commit()

    def add_urls(self, urls, now):
        self.db.executemany('INSERT INTO frontier (url, domain, status, added) VALUES (?, ?, ?, ?)', [(u, urlsplit(u).netloc, QUEUED, now) for u in urls])
        self.db.commit()

    def next_url(self):
        row = self.db.execute('SELECT rowid, url, domain FROM frontier WHERE status = ? ORDER BY added LIMIT 1', (QUEUED,)).fetchone()
        if row is None:
            return None
        claimed = self.db.execute('UPDATE frontier SET status = ? WHERE rowid = ? AND status = ?', (CRAWLING, row[0], QUEUED)).rowcount
        self.db.commit()
        return (row[0], row[1], row[2]) if claimed else False

    def seen(self, url):
        return self.db.execute('SELECT 1 FROM pages WHERE url = ?', (url,)).fetchone() is not None

    def domain(self, domain):
        row = self.db.execute('SELECT robots, last_crawled FROM domains WHERE domain = ?', (domain,)).fetchone()
        return (row[0], row[1]) if row else None

    def set_domain(self, domain, robots, last_crawled):
        self.db.execute('INSERT OR REPLACE INTO domains (domain, robots, last_crawled) VALUES (?, ?, ?)', (domain, robots, last_crawled))
        self.db.commit()

    def postpone(self, key, until):
        self.db.execute('UPDATE frontier SET status = ?, added = ? WHERE rowid = ?', (QUEUED, until, key))
        self.db.commit()

    def finish(self, key, url, status, html, links, now):
        self.db.execute('INSERT OR REPLACE INTO pages (url, status, html, fetched) VALUES (?, ?, ?, ?)', (url, status, html, now))
        self.db.executemany('INSERT INTO frontier (url, domain, status, added) VALUES (?, ?, ?, ?)', [(u, urlsplit(u).netloc, QUEUED, now) for u in links])
        self.db.execute('UPDATE frontier SET status = ? WHERE rowid = ?', (DONE if status == 200 else FAILED, key))
        self.db.commit()

    def close(self):
        self.db.close()

    def requeue_claimed(self):
        self.db.execute('UPDATE frontier SET status = ? WHERE status = ?', (QUEUED, CRAWLING))
        self.db.commit()

    def counts(self):
        frontier = self.db.execute('SELECT COUNT(*) FROM frontier').fetchone()[0]
        queued = self.db.execute('SELECT COUNT(*) FROM frontier WHERE status = ?', (QUEUED,)).fetchone()[0]
        pages = self.db.execute('SELECT COUNT(*) FROM pages').fetchone()[0]
        return {'frontier': frontier, 'queued': queued, 'pages': pages}


class MongoStore:
    """The same three collections in MongoDB (FerretDB in the tests), through pymongo; the frontier has no index."""

    def __init__(self, uri):
        import pymongo  # only needed for --store mongo

        self.pymongo = pymongo
        self.client = pymongo.MongoClient(uri, serverSelectionTimeoutMS=10_000)
        self.db = self.client.get_default_database('crawl')

    def create(self):
        self.db.pages.create_index('url', unique=True)
        self.db.domains.create_index('domain', unique=True)

    def add_urls(self, urls, now):
        if urls:
            self.db.frontier.insert_many([{'url': u, 'domain': urlsplit(u).netloc, 'status': QUEUED, 'added': now} for u in urls], ordered=False)

    def next_url(self):
        doc = self.db.frontier.find_one_and_update({'status': QUEUED}, {'$set': {'status': CRAWLING}}, sort=[('added', 1)])
        return (doc['_id'], doc['url'], doc['domain']) if doc else None

    def seen(self, url):
        return self.db.pages.find_one({'url': url}, {'_id': 1}) is not None

    def domain(self, domain):
        doc = self.db.domains.find_one({'domain': domain})
        return (doc.get('robots'), doc.get('last_crawled')) if doc else None

    def upsert(self, collection, query, fields):
        # Two workers upserting one key race on the unique index; the loser retries, then finds the document.
        for attempt in range(3):
            try:
                return collection.update_one(query, {'$set': fields}, upsert=True)
            except self.pymongo.errors.DuplicateKeyError:
                if attempt == 2:
                    raise

    def set_domain(self, domain, robots, last_crawled):
        self.upsert(self.db.domains, {'domain': domain}, {'robots': robots, 'last_crawled': last_crawled})

    def postpone(self, key, until):
        self.db.frontier.update_one({'_id': key}, {'$set': {'status': QUEUED, 'added': until}})

    def finish(self, key, url, status, html, links, now):
        self.upsert(self.db.pages, {'url': url}, {'status': status, 'html': html, 'fetched': now})
        self.add_urls(links, now)
        self.db.frontier.update_one({'_id': key}, {'$set': {'status': DONE if status == 200 else FAILED}})

    def close(self):
        self.client.close()

    def requeue_claimed(self):
        self.db.frontier.update_many({'status': CRAWLING}, {'$set': {'status': QUEUED}})

    def counts(self):
        return {
            'frontier': self.db.frontier.count_documents({}),
            'queued': self.db.frontier.count_documents({'status': QUEUED}),
            'pages': self.db.pages.count_documents({}),
        }


def open_store(kind, where):
    return SqliteStore(where) if kind == 'sqlite' else MongoStore(where)


def worker_logger(log_dir, index):
    log = logging.getLogger(LOGGER_NAME)
    log.setLevel(logging.DEBUG)
    handler = logging.FileHandler(os.path.join(log_dir, f'crawler-{index}.log'))
    handler.setFormatter(logging.Formatter('%(asctime)s - %(name)s - %(levelname)s - %(message)s'))
    log.handlers[:] = [handler]
    log.propagate = False
    return log


def robots_for(store, fetcher, domain, log, url):
    """The domain's robots.txt (cached in the store); None when it cannot be read."""
    known = store.domain(domain)
    if known is not None and known[0] is not None:
        return known
    try:
        response = fetcher.get(f'http://{domain}/robots.txt')
        if response.status_code == 200:
            robots = response.text
        elif 400 <= response.status_code < 500:
            robots = ''  # no robots.txt: everything allowed
        else:
            raise requests.exceptions.HTTPError(f'HTTP {response.status_code}')
    except requests.exceptions.RequestException:
        log.warning(f"Unable to determine if the URL '{url}' is allowed to be crawled.")
        return None
    store.set_domain(domain, robots, known[1] if known else None)
    return robots, known[1] if known else None


class Stopped(Exception):
    """SIGTERM: raised out of whatever the process was blocked in (a lock wait, a fetch, the parent's wait)."""


def on_sigterm(*_):
    raise Stopped()


def crawl_worker(index, args, stop):
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent stops the workers through `stop`
    signal.signal(signal.SIGTERM, on_sigterm)
    try:
        crawl_loop(index, args, stop)
    except Stopped:
        pass  # a URL claimed but not finished goes back to the queue when the parent stops


def crawl_loop(index, args, stop):
    log = worker_logger(args.log_dir, index)
    store = open_store(args.store, args.db)
    fetcher = Fetcher(parse_resolve(args.resolve), args.timeout)
    queued = set()
    while not stop.is_set():
        picked = store.next_url()
        if picked is None:
            time.sleep(0.2)  # frontier empty for now: other workers are still adding links
            continue
        if picked is False:
            continue  # another worker claimed it first
        key, url, domain = picked
        try:
            crawl_one(store, fetcher, log, args, queued, key, url, domain)
        except Stopped:
            raise
        except Exception as err:  # one bad page must not end the worker; the URL is kept, marked failed
            log.error(f"Could not retrieve content for URL '{url}' ({type(err).__name__}: {err})")
            store.finish(key, url, 0, None, [], time.time())


def crawl_one(store, fetcher, log, args, queued, key, url, domain):
    """One frontier entry: robots.txt, politeness, fetch, links into the frontier, page into the store."""
    if store.seen(url):
        store.finish(key, url, 200, None, [], time.time())
        return
    robots = robots_for(store, fetcher, domain, log, url)
    if robots is None:
        store.finish(key, url, 0, None, [], time.time())
        return
    rules = urllib.robotparser.RobotFileParser()
    rules.parse(robots[0].splitlines())
    if not rules.can_fetch('*', url):
        store.finish(key, url, 403, None, [], time.time())
        return
    now = time.time()
    last = robots[1]
    if last is not None and now - last < args.politeness:
        log.debug(f"The URL '{url}' was postponed.")
        store.postpone(key, last + args.politeness)
        return
    store.set_domain(domain, robots[0], now)
    log.debug(f"The URL '{url}' will be crawled.")
    try:
        response = fetcher.get(url)
    except requests.exceptions.RequestException:
        log.error(f"Could not retrieve content for URL '{url}'")
        store.finish(key, url, 0, None, [], time.time())
        return
    links = []
    if response.status_code == 200 and 'html' in response.headers.get('content-type', ''):
        parser = LinkParser()
        parser.feed(response.text)
        for href in parser.links:
            link = urldefrag(urljoin(url, href))[0]
            if link.startswith('http://') and link not in queued:
                queued.add(link)
                links.append(link)
    elif response.status_code != 200:
        log.error(f"Could not retrieve content for URL '{url}'")
    store.finish(key, url, response.status_code, response.text if response.status_code == 200 else None, links, time.time())


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split('\n\n')[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--seeds', required=True, help='file of seed URLs, one a line')
    ap.add_argument('--resolve', action='append', default=[], help="HOST=ADDR:PORT (repeatable; HOST '*' matches any); ADDR must be loopback")
    ap.add_argument('--store', choices=['sqlite', 'mongo'], default='sqlite')
    ap.add_argument('--db', required=True, help='SQLite file (--store sqlite) or mongodb:// URI with a database name (--store mongo)')
    ap.add_argument('--workers', type=int, default=4, help='worker processes (default 4)')
    ap.add_argument('--duration', type=float, default=60, help='seconds to crawl (default 60)')
    ap.add_argument('--politeness', type=float, default=0.5, help='seconds between two fetches from one domain (default 0.5)')
    ap.add_argument('--timeout', type=float, default=5, help='HTTP timeout in seconds (default 5)')
    ap.add_argument('--log-dir', default='logs', help='one log per worker, crawler-N.log (default ./logs)')
    args = ap.parse_args(argv)
    if not args.resolve:
        ap.error("give --resolve '*=127.0.0.1:PORT': the crawler fetches only from loopback targets")
    parse_resolve(args.resolve)
    if args.workers < 1:
        ap.error('--workers must be at least 1')
    with open(args.seeds) as f:
        seeds = [line.strip() for line in f if line.strip()]
    if not seeds:
        ap.error(f'{args.seeds} holds no URLs')
    os.makedirs(args.log_dir, exist_ok=True)
    store = open_store(args.store, args.db)
    store.create()
    store.add_urls(seeds, time.time())
    store.close()  # each worker opens its own connection: neither sqlite3 nor pymongo connections survive a fork
    stop = multiprocessing.Event()
    workers = [multiprocessing.Process(target=crawl_worker, args=(i + 1, args, stop), name=f'crawler-{i + 1}') for i in range(args.workers)]
    for w in workers:
        w.start()
    print(json.dumps({'event': 'started', 'pid': os.getpid(), 'workers': [w.pid for w in workers]}), flush=True)
    signal.signal(signal.SIGTERM, on_sigterm)
    try:
        stop.wait(args.duration)
    except (KeyboardInterrupt, Stopped):
        pass
    signal.signal(signal.SIGTERM, signal.SIG_IGN)  # stopping now; a second SIGTERM must not cut the clean-up short
    stop.set()
    for w in workers:
        w.join(30)
        if w.is_alive():
            w.terminate()
    # URLs claimed by a worker that stopped mid-page go back to the queue: nothing is lost.
    store = open_store(args.store, args.db)
    store.requeue_claimed()
    print(json.dumps({'event': 'stopped', **store.counts()}), flush=True)


if __name__ == '__main__':
    sys.exit(main())
