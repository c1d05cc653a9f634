# Scrapy settings for crawling the simulated web, chosen the way an operator would and written down here; the bench's
# runner overrides a few per scenario with `-s NAME=VALUE` (the ones marked below).
BOT_NAME = "simcrawl"
SPIDER_MODULES = ["simcrawl.spiders"]
NEWSPIDER_MODULE = "simcrawl.spiders"

# Closed loop: at most 8 requests in flight, and as many per site (a lower per-site limit binds on a breadth-first
# crawl, whose next requests are mostly on one site). The verdict scenarios' web has 40 large sites, so the rate is
# 8 / latency (about 29 pages/s at the scenarios' 250–300 ms).
# The concentration scenario sets CONCURRENT_REQUESTS_PER_DOMAIN=1 and DOWNLOAD_DELAY=1 (per site politeness).
CONCURRENT_REQUESTS = 8
CONCURRENT_REQUESTS_PER_DOMAIN = 8
DOWNLOAD_DELAY = 0
DOWNLOAD_TIMEOUT = 30

# Scrapy's own defaults for a polite crawler: obey robots.txt, retry 429/5xx twice ("Retrying <GET …> (failed N
# times)", then "Gave up retrying …"). AutoThrottle stays off: it would adapt to the server and hide what it did.
ROBOTSTXT_OBEY = True
RETRY_ENABLED = True
RETRY_TIMES = 2
RETRY_HTTP_CODES = [500, 502, 503, 504, 522, 524, 408, 429]
# A retry goes ahead of the queued pages. With Scrapy's default (-1) and the breadth-first order below, a retry waits
# behind the whole next depth level, thousands of pages on this web: within a run no retry was ever sent again
# (833 "failed 1 times", no second failure, no "Gave up retrying").
RETRY_PRIORITY_ADJUST = 2
AUTOTHROTTLE_ENABLED = False

# Its own logging, as shipped: per-request "Crawled (200) <GET …>" lines at DEBUG, LogStats every 10 s, memusage.
LOG_LEVEL = "DEBUG"
LOGSTATS_INTERVAL = 10
MEMUSAGE_ENABLED = True
MEMUSAGE_CHECK_INTERVAL_SECONDS = 10
MEMUSAGE_WARNING_MB = 2048
# No consoles or control servers: the crawler opens no port of its own.
TELNETCONSOLE_ENABLED = False
REMOTE_CONTROL_ENABLED = False

# Every request goes to the simulated web on loopback, used as an HTTP proxy (set SIMWEB_PROXY); any host outside the
# simulated web's .test domain is refused before a connection is made. See middlewares.py.
SIMWEB_PROXY = ""
SIMWEB_HOST_SUFFIX = ".test"
DOWNLOADER_MIDDLEWARES = {
    "simcrawl.middlewares.LoopbackProxyMiddleware": 100,
}

# The unindexed-store scenario turns on the pipeline (SIMWEB_STORE=path/to/pages.sqlite): items are written to a
# SQLite table with no index, checked for a duplicate url or body first, so each write scans the whole table.
SIMWEB_STORE = ""
LOG_FORMATTER = "simcrawl.logformatter.UrlOnlyItemsLogFormatter"
ITEM_PIPELINES = {
    "simcrawl.pipelines.UnindexedSqlitePipeline": 300,
}

# Breadth-first, like the other crawlers of the bench (Scrapy's default is depth-first).
DEPTH_PRIORITY = 1
SCHEDULER_DISK_QUEUE = "scrapy.squeues.PickleFifoDiskQueue"
SCHEDULER_MEMORY_QUEUE = "scrapy.squeues.FifoMemoryQueue"

# The runner ends a run with CLOSESPIDER_TIMEOUT (seconds); Scrapy then closes the spider and dumps its stats.
CLOSESPIDER_TIMEOUT = 0
