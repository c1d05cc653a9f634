// The Python logging text format of the original crawler, `%(asctime)s - %(name)s - %(levelname)s - %(message)s`:
// `2016-12-20 14:29:20,135 - crawlers.web.multi_worker_web_crawler - DEBUG - The URL 'http://www.perdu.com/' will be crawled.`
// asctime is local time with comma milliseconds, as Python's default Formatter writes it.

/** pino level numbers → Python level names (pino's trace has no Python twin; DEBUG is the closest). */
export function pythonLevelName(level: number): string {
  if (level >= 60) return 'CRITICAL';
  if (level >= 50) return 'ERROR';
  if (level >= 40) return 'WARNING';
  if (level >= 30) return 'INFO';
  return 'DEBUG';
}

const pad2 = (n: number) => (n < 10 ? `0${n}` : String(n));
const pad3 = (n: number) => (n < 10 ? `00${n}` : n < 100 ? `0${n}` : String(n));

let cachedSecond = -1;
let cachedPrefix = '';

/** `YYYY-MM-DD HH:MM:SS,mmm` in local time; the part up to the second is cached, since lines come in bursts. */
export function pythonAsctime(epochMs: number): string {
  const second = Math.floor(epochMs / 1000);
  if (second !== cachedSecond) {
    const d = new Date(second * 1000);
    cachedPrefix =
      `${d.getFullYear()}-${pad2(d.getMonth() + 1)}-${pad2(d.getDate())} ` +
      `${pad2(d.getHours())}:${pad2(d.getMinutes())}:${pad2(d.getSeconds())},`;
    cachedSecond = second;
  }
  return cachedPrefix + pad3(epochMs - second * 1000);
}

/** One Python logging line, newline included. Line breaks inside the message are escaped to keep one line. */
export function pythonLogLine(epochMs: number, name: string, level: number, message: string): string {
  const msg = message.includes('\n') ? message.replace(/\r?\n/g, '\\n') : message;
  return `${pythonAsctime(epochMs)} - ${name} - ${pythonLevelName(level)} - ${msg}\n`;
}
