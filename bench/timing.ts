export interface Timing {
  wall: number;
  /** This process's user + system CPU time: moves far less than wall time with other processes' load. */
  cpu: number;
}

/**
 * Times one run as it comes, in the steady state of an editor analysing a document again and again: no forced
 * collection before it. A forced full collection frees the previous run's syntax trees, and V8 then drops the
 * optimised code that embedded objects of that run ("weak objects" in `--trace-deopt`): the parser's converter
 * among others. The runs after it measured recompiling (a raw parse of the 2,000-line input: about 230, 170, 110,
 * then 80 ms of wall time, single-threaded), which no editor sees on every keystroke. Collections V8 starts by itself are timed
 * in whichever run triggers them; the figures alternate what they compare, so each pays its share.
 */
export function measure(work: () => unknown): Timing {
  const cpu = process.cpuUsage();
  const start = performance.now();
  work();
  const wall = performance.now() - start;
  const used = process.cpuUsage(cpu);
  return { wall, cpu: (used.user + used.system) / 1000 };
}
