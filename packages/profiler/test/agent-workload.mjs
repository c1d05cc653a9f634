// A real workload whose hot function changes halfway through: phase A hashes in a loop, phase B scans an array
// that keeps growing (the shape of an unindexed frontier query). Run with the agent by the profiler's tests.
// argv: total run time in ms (default 4000). Prints `done` when it finishes normally, and `started` once its first
// slice has run when WORKLOAD_ANNOUNCE=1 (so a test can signal it only once the agent and the work are under way).
const totalMs = Number(process.argv[2] ?? 4000);

function hashLoop(ms) {
  const end = Date.now() + ms;
  let h = 0;
  while (Date.now() < end) for (let i = 0; i < 2000; i++) h = (h * 31 + i) | 0;
  return h;
}

const growing = [];
function scanGrowingArray(ms) {
  const end = Date.now() + ms;
  let hits = 0;
  while (Date.now() < end) {
    growing.push(growing.length);
    for (let i = 0; i < growing.length; i++) if (growing[i] === -1) hits++;
  }
  return hits;
}

const started = Date.now();
let announced = process.env.WORKLOAD_ANNOUNCE !== '1';
// Short slices on a timer, not one long loop: the agent's window timer must get its turn, as in a real server.
const timer = setInterval(() => {
  const elapsed = Date.now() - started;
  if (elapsed >= totalMs) {
    clearInterval(timer);
    process.stdout.write('done\n');
    return;
  }
  if (elapsed < totalMs / 2) hashLoop(30);
  else scanGrowingArray(30);
  if (!announced) {
    announced = true;
    process.stdout.write('started\n');
  }
}, 1);
