/**
 * Benchmark: how fast the judge decides, over the judge's test corpus and over hostile patterns filled up to
 * 1,024 characters (issue 9). Prints figures; asserts nothing. Run with `npm run bench`.
 *
 * Times are also given as ratios to a trivial pattern judged in the same run, and next to the start of a node
 * process measured in the same run, so that the figures read the same on a slower or busier machine: the goal is
 * that no pattern costs more than about half a node start.
 */
import { spawnSync } from 'node:child_process';
import { judgePattern } from '../rule/pattern/judge';
import { ACCEPTED, ADVERSARIAL_FAMILIES, REJECTED } from '../test/fixtures/judge-cases';

const corpus = [...ACCEPTED, ...REJECTED];
const WARMUP_ROUNDS = 3;
const MIN_SECONDS = 2;
const ADVERSARIAL_ROUNDS = 5;
const TRIVIAL = '{ $.errorCode = "x" }';

function millis(run: () => unknown): number {
  const t0 = process.hrtime.bigint();
  run();
  return Number(process.hrtime.bigint() - t0) / 1e6;
}

/** The best of `rounds` runs: the cost of the work itself, without a garbage collection or a busy neighbour. */
function best(rounds: number, run: () => unknown): number {
  return Math.min(...Array.from({ length: rounds }, () => millis(run)));
}

for (let i = 0; i < WARMUP_ROUNDS; i++) for (const c of corpus) judgePattern(c.pattern);

const perPattern = new Map<string, number>();
let judged = 0;
const start = process.hrtime.bigint();
let elapsed = 0;
while (elapsed < MIN_SECONDS) {
  for (const c of corpus) {
    const ms = millis(() => judgePattern(c.pattern));
    perPattern.set(c.name, Math.max(perPattern.get(c.name) ?? 0, ms));
    judged++;
  }
  elapsed = Number(process.hrtime.bigint() - start) / 1e9;
}

const [slowestName, slowestMs] = [...perPattern.entries()].sort((a, b) => b[1] - a[1])[0]!;
console.log(`pattern judge over the test corpus (${corpus.length} patterns, node ${process.version})`);
console.log(`  patterns judged:      ${judged}`);
console.log(`  patterns per second:  ${(judged / elapsed).toFixed(0)}`);
console.log(`  mean per pattern:     ${((elapsed * 1000) / judged).toFixed(2)} ms`);
console.log(`  slowest (worst run):  ${slowestMs.toFixed(2)} ms  ${slowestName}`);

const nodeStart = best(3, () => spawnSync(process.execPath, ['-e', '0']));
const trivial = best(50, () => judgePattern(TRIVIAL));
console.log('');
console.log(`hostile patterns up to 1,024 characters (best of ${ADVERSARIAL_ROUNDS} runs each)`);
console.log(`  node process start:   ${nodeStart.toFixed(1)} ms (goal: every pattern under half of it, ${(nodeStart / 2).toFixed(1)} ms)`);
console.log(`  trivial pattern:      ${trivial.toFixed(3)} ms  ${TRIVIAL}`);
console.log(`  ${'family'.padEnd(32)}${'worst ms'.padStart(10)}${'x trivial'.padStart(11)}${'/ node start'.padStart(14)}  verdicts`);
for (const [family, patterns] of Object.entries(ADVERSARIAL_FAMILIES)) {
  let worst = 0;
  const verdicts = new Set<string>();
  for (const pattern of patterns) {
    worst = Math.max(worst, best(ADVERSARIAL_ROUNDS, () => judgePattern(pattern)));
    const verdict = judgePattern(pattern);
    verdicts.add(!verdict.valid ? 'invalid' : verdict.unverified ? `not verified (${verdict.unverified})` : verdict.accepted ? 'accepted' : 'rejected');
  }
  const ratio = (worst / trivial).toFixed(0);
  console.log(`  ${family.padEnd(32)}${worst.toFixed(1).padStart(10)}${ratio.padStart(11)}${(worst / nodeStart).toFixed(2).padStart(14)}  ${[...verdicts].join(', ')}`);
}
