# Scrapy's log lines as shipped, but an item is named by its URL instead of printed whole: the items of the store
# scenario carry the page body (tens of KB), which Scrapy's default "Scraped from <200 …>" and "Dropped: …" lines
# would write into the log for every page. Many projects set a LOG_FORMATTER like this for the same reason.
from scrapy import logformatter


def _url_only(entry, item):
    return {**entry, "args": {**entry["args"], "item": {"url": item.get("url")}}}


class UrlOnlyItemsLogFormatter(logformatter.LogFormatter):
    def scraped(self, item, *args, **kwargs):
        return _url_only(super().scraped(item, *args, **kwargs), item)

    def dropped(self, item, *args, **kwargs):
        return _url_only(super().dropped(item, *args, **kwargs), item)
