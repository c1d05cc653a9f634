"""Writes a crawler log as the original crawler did, through Python's own logging module (a FileHandler that appends
and flushes each record), while another process reads it: a simulated 30-minute crawl whose rate of "will be
crawled" lines falls from about 20/s to 7/s, written one simulated minute at a time with a pause in between, so the
file grows over a few seconds of real time. The clock is simulated (each record's `created` is set) so the run is
deterministic; everything else is the standard library's.

    python3 decaying-crawl.py LOG_FILE [PAUSE_SECONDS]
"""
import logging
import random
import sys
import time

path = sys.argv[1]
pause = float(sys.argv[2]) if len(sys.argv) > 2 else 0.1
START = 1_482_244_160.0  # 2016-12-20 14:29:20 UTC
MINUTES = 30

clock = [START]


class SimulatedClock(logging.Filter):
    def filter(self, record):
        record.created = clock[0]
        record.msecs = (clock[0] - int(clock[0])) * 1000
        return True


handler = logging.FileHandler(path)
formatter = logging.Formatter('%(asctime)s - %(name)s - %(levelname)s - %(message)s')
formatter.converter = time.gmtime
handler.setFormatter(formatter)
handler.addFilter(SimulatedClock())
log = logging.getLogger('crawlers.web.multi_worker_web_crawler')
log.setLevel(logging.DEBUG)
log.addHandler(handler)

rng = random.Random(7)
n = 0
for minute in range(MINUTES):
    rate = 20.0 * (1 - 0.65 * minute / MINUTES)  # URLs per second
    end = START + (minute + 1) * 60
    while True:
        clock[0] += rng.expovariate(rate)
        if clock[0] >= end:
            break
        n += 1
        url = f'http://www.perdu.com/page/{n}'
        if rng.random() < 0.15:
            log.debug("The URL '%s' was postponed.", url)
            continue
        log.debug("The URL '%s' will be crawled.", url)
        log.info("Crawling URL '%s'", url)
        if rng.random() < 0.01:
            try:
                raise ConnectionError(f'timed out reading {url}')
            except ConnectionError:
                log.exception("Could not retrieve content for URL '%s'", url)
    clock[0] = end
    time.sleep(pause)
