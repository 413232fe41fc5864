/**
 * Benchmark: how fast the judge decides, over the judge's test corpus and over hostile patterns filled up to
 * 1,024 characters (issue 9). Prints figures; asserts nothing. Run with `npm run bench`.
 *
 * Times are also given as ratios to a trivial pattern judged in the same run, and next to the start of a node
 * process measured in the same run, so that the figures read the same on a slower or busier machine: the goal is
 * that no pattern costs more than about half a node start.
 */
import { spawnSync } from 'node:child_process';
import { CONTROLS, floorOf } from '../rule/controls/catalogue';
import { NEWEST_CIS_VERSION } from '../rule/controls/control';
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

/**
 * The family (issue 11): each control's published texts judged against their control, and per control the worst of
 * generated hostile patterns up to 1,024 characters (its CIS text widened by unknown names, a long || of unknown
 * fields, its name list as wildcards), each as a share of the node start measured above.
 */
function upTo(limit: number, head: string, term: (i: number) => string, joiner: string, tail: string): string {
  let body = '';
  for (let i = 0; head.length + body.length + tail.length + joiner.length + term(i).length <= limit; i++) body += (body ? joiner : '') + term(i);
  return `${head}${body}${tail}`;
}

function hostileFor(control: (typeof CONTROLS)[number]): string[] {
  const cis = control.patterns.find((p) => p.source === 'cis' && p.broken === undefined)!.text;
  const inner = cis.trim().replace(/^\{/, '').replace(/\}$/, '');
  const names = [...new Set([...floorOf(control, NEWEST_CIS_VERSION).matchAll(/\$\.eventName = "([^"*]+)"/g)].map((m) => m[1]!))];
  return [
    upTo(1024, `{ (${inner}) || `, (i) => `($.eventName = "Unknown${i}")`, ' || ', ' }'),
    upTo(1024, '{ ', (i) => `$.field${i} = "v${i}"`, ' || ', ' }'),
    upTo(1024, `{ (${inner}) && `, (i) => `$.userIdentity.userName != "u${i}"`, ' && ', ' }'),
    `{ ${names.map((n) => `$.eventName = "${n.slice(0, 4)}*"`).join(' || ')} }`,
  ];
}

console.log('');
console.log(`the CIS Monitoring family (best of ${ADVERSARIAL_ROUNDS} runs each; share of the node start, ${nodeStart.toFixed(1)} ms)`);
console.log(`  ${'control'.padEnd(36)}${'texts'.padStart(6)}${'worst text ms'.padStart(15)}${'/ node'.padStart(8)}${'worst hostile ms'.padStart(18)}${'/ node'.padStart(8)}  verdicts of texts`);
for (const control of CONTROLS) {
  let worstText = 0;
  const verdicts = new Set<string>();
  for (const p of control.patterns) {
    const version = p.versions[p.versions.length - 1] ?? '1.2';
    worstText = Math.max(worstText, best(ADVERSARIAL_ROUNDS, () => judgePattern(p.text, { control, cisVersion: version })));
    const verdict = judgePattern(p.text, { control, cisVersion: version });
    verdicts.add(`${p.broken === undefined ? 'correct' : 'broken'} ${verdict.unverified ? 'not verified' : verdict.accepted ? 'accepted' : 'rejected'}`);
  }
  const worstHostile = Math.max(...hostileFor(control).map((h) => best(ADVERSARIAL_ROUNDS, () => judgePattern(h, { control }))));
  console.log(
    `  ${control.id.padEnd(36)}${String(control.patterns.length).padStart(6)}${worstText.toFixed(1).padStart(15)}${(worstText / nodeStart).toFixed(2).padStart(8)}${worstHostile.toFixed(1).padStart(18)}${(worstHostile / nodeStart).toFixed(2).padStart(8)}  ${[...verdicts].join(', ')}`,
  );
}
