# A store that slows as it grows, the way real ones do: pages go into a SQLite table with no index, and each item is
# first checked for a duplicate URL or duplicate content (SELECT … WHERE url = ? OR body = ?), which reads the whole
# table, bodies included. It runs in the reactor thread as a plain synchronous pipeline, as many do, so its time is
# the crawler's time.
import sqlite3

from scrapy.exceptions import DropItem, NotConfigured


class UnindexedSqlitePipeline:
    def __init__(self, path: str):
        self.path = path
        self.db = None
        self.pending = 0

    @classmethod
    def from_crawler(cls, crawler):
        path = crawler.settings.get("SIMWEB_STORE")
        if not path:
            raise NotConfigured("SIMWEB_STORE is not set")
        return cls(path)

    def open_spider(self):
        self.db = sqlite3.connect(self.path)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("CREATE TABLE IF NOT EXISTS pages (url TEXT, status INTEGER, body TEXT)")

    def close_spider(self):
        self.db.commit()
        self.db.close()

    def process_item(self, item):
        if self.db.execute("SELECT 1 FROM pages WHERE url = ? OR body = ?", (item["url"], item["body"])).fetchone():
            raise DropItem(f"already stored: {item['url']}")
        self.db.execute("INSERT INTO pages (url, status, body) VALUES (?, ?, ?)", (item["url"], item["status"], item["body"]))
        self.pending += 1
        if self.pending >= 50:
            self.db.commit()
            self.pending = 0
        return item
