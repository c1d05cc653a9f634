# Sends every request to the simulated web on loopback, used as an HTTP proxy: Scrapy then writes the request line
# in absolute form (`GET http://www.perdu-sim.test/p/1.html`), the simulated web answers as that host, and no host
# name is ever looked up. Requests for hosts outside the simulated web's domain are refused here, before any
# connection, so a page linking to the real web cannot send the crawler there.
from urllib.parse import urlsplit

from scrapy.exceptions import IgnoreRequest, NotConfigured


class LoopbackProxyMiddleware:
    def __init__(self, proxy: str, suffix: str):
        self.proxy = proxy
        self.suffix = suffix

    @classmethod
    def from_crawler(cls, crawler):
        proxy = crawler.settings.get("SIMWEB_PROXY")
        if not proxy:
            raise NotConfigured("SIMWEB_PROXY is not set")
        host = urlsplit(proxy).hostname or ""
        if not (host.startswith("127.") or host == "::1"):
            raise ValueError(f"SIMWEB_PROXY must be a loopback address, got {proxy!r}")
        return cls(proxy, crawler.settings.get("SIMWEB_HOST_SUFFIX"))

    def process_request(self, request):
        parts = urlsplit(request.url)
        if parts.scheme != "http" or not (parts.hostname or "").endswith(self.suffix):
            raise IgnoreRequest(f"outside the simulated web: {request.url}")
        request.meta["proxy"] = self.proxy
        return None
