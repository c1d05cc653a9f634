// The measuring loop of the wait workloads (agent-wait-workload.mjs, agent-wait-mongo-workload.mjs): a warm-up,
// then as many operations as fit in the run, one after another; the throughput and the process's CPU time per
// operation (user + system), which a busy machine disturbs less than the throughput.
export async function measureOps(op, runMs, warmupMs) {
  const warmEnd = Date.now() + Number(warmupMs);
  while (Date.now() < warmEnd) await op();
  let ops = 0;
  const cpuStart = process.cpuUsage();
  const start = process.hrtime.bigint();
  const end = Date.now() + Number(runMs);
  while (Date.now() < end) {
    await op();
    ops++;
  }
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  const cpu = process.cpuUsage(cpuStart);
  return { opsPerSec: ops / seconds, cpuUsPerOp: (cpu.user + cpu.system) / ops };
}
