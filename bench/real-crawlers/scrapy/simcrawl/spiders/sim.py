# A link-following spider: starts from the seeds, follows every link of every HTML page (Scrapy's duplicate filter
# drops URLs already seen), and yields an item per page only when a store is configured (SIMWEB_STORE).
from scrapy import Request, Spider
from scrapy.http import TextResponse


class SimSpider(Spider):
    name = "sim"

    def __init__(self, seeds_file: str = "", *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not seeds_file:
            raise ValueError("give the seed URLs with -a seeds_file=FILE (one URL a line)")
        with open(seeds_file, encoding="utf-8") as f:
            self.seeds = [line.strip() for line in f if line.strip()]

    async def start(self):
        for url in self.seeds:
            yield Request(url)

    def parse(self, response):
        if not isinstance(response, TextResponse):
            return
        if self.settings.get("SIMWEB_STORE"):
            yield {"url": response.url, "status": response.status, "body": response.text}
        for href in response.css("a::attr(href)").getall():
            yield response.follow(href)
