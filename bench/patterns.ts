/**
 * Benchmark: how fast the judge decides, over the judge's test corpus. Prints figures; asserts nothing.
 * Run with `npm run bench`.
 */
import { judgePattern } from '../rule/pattern/judge';
import { ACCEPTED, REJECTED } from '../test/fixtures/judge-cases';

const corpus = [...ACCEPTED, ...REJECTED];
const WARMUP_ROUNDS = 3;
const MIN_SECONDS = 2;

for (let i = 0; i < WARMUP_ROUNDS; i++) for (const c of corpus) judgePattern(c.pattern);

const perPattern = new Map<string, number>();
let judged = 0;
const start = process.hrtime.bigint();
let elapsed = 0;
while (elapsed < MIN_SECONDS) {
  for (const c of corpus) {
    const t0 = process.hrtime.bigint();
    judgePattern(c.pattern);
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
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
