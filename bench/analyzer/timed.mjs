// Timing a shell command for the benches (analyzer, vlogs): wall seconds, CPU seconds of the command and its
// children (user + system, from /usr/bin/time -v) and peak RSS.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';

const TIME_BIN = existsSync('/usr/bin/time') ? '/usr/bin/time' : null;

/**
 * Runs a shell command; returns wall seconds, CPU seconds (user + system, children included; needs
 * /usr/bin/time) and peak RSS (KB) when asked. CPU time is the fairer comparison on a busy machine.
 */
export function timed(command, { rss = false } = {}) {
  return new Promise((resolveRun, reject) => {
    const wrapped = TIME_BIN ? `${TIME_BIN} -v sh -c '${command.replace(/'/g, `'\\''`)}'` : command;
    const started = process.hrtime.bigint();
    const child = spawn('sh', ['-c', wrapped], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let polledKb = 0;
    const poll = rss && !TIME_BIN ? setInterval(() => (polledKb = Math.max(polledKb, treeRssKb(child.pid))), 50) : null;
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => {
      if (poll) clearInterval(poll);
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      if (code !== 0) return reject(new Error(`${command} exited ${code}: ${stderr.slice(-500)}`));
      const m = /Maximum resident set size \(kbytes\): (\d+)/.exec(stderr);
      const user = /User time \(seconds\): ([\d.]+)/.exec(stderr);
      const sys = /System time \(seconds\): ([\d.]+)/.exec(stderr);
      const cpuSeconds = user && sys ? Number(user[1]) + Number(sys[1]) : null;
      resolveRun({ seconds, cpuSeconds, stdout, rssKb: m ? Number(m[1]) : polledKb || null });
    });
  });
}

/** Fallback without /usr/bin/time: resident memory of a process and its children, from /proc. */
function treeRssKb(pid) {
  let total = 0;
  const visit = (p) => {
    try {
      const status = readFileSync(`/proc/${p}/status`, 'utf8');
      total += Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
      const children = readFileSync(`/proc/${p}/task/${p}/children`, 'utf8').trim().split(/\s+/).filter(Boolean);
      children.forEach(visit);
    } catch {
      // the process ended between two reads
    }
  };
  visit(pid);
  return total;
}

