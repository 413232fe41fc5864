/**
 * Benchmark of the rule: API calls per evaluation (read from the local AWS's own log), the calls of evaluating all
 * fifteen controls of an account at once (the in-memory fake AWS's call log), an evaluation with a hostile
 * metric filter beside the good one (verdict and time as a ratio to the plain evaluation, in the same run), the
 * Lambda bundle's size, and its cold init time beside importing the same SDK clients unbundled.
 * Prints figures; asserts nothing. Needs `npm run build` first (the bench script does it).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { lambdaBudget } from '../rule/budget';
import { collectAccountSnapshot } from '../rule/collect/account';
import { CONTROLS } from '../rule/controls/catalogue';
import { evaluateAccount, evaluateControls } from '../rule/evaluate-account';
import { SdkAwsReader } from '../rule/collect/sdk-reader';
import { DEFAULT_PARAMETERS } from '../rule/parameters';
import { startLocalAws } from '../devtools/local-aws/server';
import { HOSTILE_FILTERS } from '../test/fixtures/hostile-filters';
import { FakeAwsReader } from '../test/support/fake-reader';
import { familyWorld, SHARED_TOPIC_ARN } from '../test/collect/family-world';
import { ACCOUNT_ID, REGION, TOPIC_NAME, accountIn, cisAlarm, cisFilter, compliantWorld, topicArn, type World } from '../test/support/world';

const TOPIC_ARN = topicArn(ACCOUNT_ID, REGION, TOPIC_NAME);

/** API calls of one evaluation, as the local AWS logs them (the rule's real SDK reader over HTTP). */
async function callsFor(world: World): Promise<number> {
  const local = await startLocalAws({ world, pageSize: 100 });
  // As a developer points the unmodified rule at the local AWS: the SDK's own endpoint setting.
  process.env.AWS_ENDPOINT_URL = local.endpoint;
  try {
    const reader = new SdkAwsReader({ accountId: ACCOUNT_ID, defaultRegion: REGION, credentials: local.credentialsFor(ACCOUNT_ID) });
    await collectAccountSnapshot(reader, { accountId: ACCOUNT_ID, region: REGION, parameters: DEFAULT_PARAMETERS });
    return local.log.length;
  } finally {
    await local.close();
  }
}

async function timedEvaluation(world: World): Promise<{ ms: number; complianceType: string; annotation: string }> {
  const local = await startLocalAws({ world, pageSize: 100 });
  process.env.AWS_ENDPOINT_URL = local.endpoint;
  try {
    const reader = new SdkAwsReader({ accountId: ACCOUNT_ID, defaultRegion: REGION, credentials: local.credentialsFor(ACCOUNT_ID) });
    const start = process.hrtime.bigint();
    // As the Lambda gives it: a 120 s function timeout less the write reserve.
    const budget = lambdaBudget(120_000);
    const decision = await evaluateAccount(reader, { accountId: ACCOUNT_ID, region: REGION, parameters: DEFAULT_PARAMETERS, budget });
    return { ms: Number(process.hrtime.bigint() - start) / 1e6, ...decision };
  } finally {
    await local.close();
  }
}

/** Calls of `evaluate --control all` on the account, by action, and whether every control came out COMPLIANT. */
async function familyCalls(world: World): Promise<{ calls: number; byAction: Map<string, number>; compliant: number }> {
  const reader = new FakeAwsReader(world, ACCOUNT_ID);
  const decisions = await evaluateControls(reader, { accountId: ACCOUNT_ID, region: REGION, parameters: DEFAULT_PARAMETERS }, CONTROLS);
  const byAction = new Map<string, number>();
  for (const action of reader.actions) byAction.set(action, (byAction.get(action) ?? 0) + 1);
  return { calls: reader.calls.length, byAction, compliant: decisions.filter((d) => d.complianceType === 'COMPLIANT').length };
}

function withUnrelatedAlarms(world: World): World {
  const account = accountIn(world, ACCOUNT_ID);
  for (let i = 0; i < 10_000; i++) account.alarms.push(cisAlarm(ACCOUNT_ID, REGION, SHARED_TOPIC_ARN, { alarmName: `other-${i}`, metricName: `OtherMetric${i % 100}` }));
  return world;
}

function withFilter(pattern: string): World {
  const world = compliantWorld();
  const logGroup = accountIn(world, ACCOUNT_ID).logGroups[0]!;
  // Named to sort first, so that it is judged before the good filter.
  logGroup.metricFilters.unshift(cisFilter({ filterName: 'a-hostile-filter', filterPattern: pattern, metricTransformations: [{ metricNamespace: 'Other', metricName: 'Other', metricValue: '1' }] }));
  return world;
}

function crowded(): World {
  const world = compliantWorld();
  const account = accountIn(world, ACCOUNT_ID);
  for (let i = 0; i < 10_000; i++) account.alarms.push(cisAlarm(ACCOUNT_ID, REGION, TOPIC_ARN, { alarmName: `other-${i}`, metricName: `OtherMetric${i % 100}` }));
  for (let i = 0; i < 50; i++) account.logGroups.push({ name: `/aws/lambda/fn-${i}`, region: REGION, metricFilters: [cisFilter({ filterName: `errors-${i}` })] });
  return world;
}

/** Median wall time, in ms, of `require(target)` in fresh node processes. */
function coldRequire(target: string, runs: number): number {
  const script = `const t=process.hrtime.bigint();${target};process.stdout.write(String(Number(process.hrtime.bigint()-t)/1e6))`;
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const r = spawnSync(process.execPath, ['-e', script], {
      encoding: 'utf8',
      env: { ...process.env, AWS_REGION: 'us-east-1', AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    });
    if (r.status !== 0) throw new Error(`cold start probe failed: ${r.stderr}`);
    times.push(Number(r.stdout));
  }
  return times.sort((a, b) => a - b)[Math.floor(runs / 2)]!;
}

async function main(): Promise<void> {
  const plain = await callsFor(compliantWorld());
  const busy = await callsFor(crowded());
  const family = await familyCalls(familyWorld());
  const familyBusy = await familyCalls(withUnrelatedAlarms(familyWorld()));
  const goal = 4 + 2 * CONTROLS.length + 1;
  // Warm up the engine and the SDK once, so that the plain run and the hostile ones are compared alike.
  await timedEvaluation(compliantWorld());
  const good = await timedEvaluation(compliantWorld());
  const hostile = [];
  for (const [name, pattern] of Object.entries(HOSTILE_FILTERS)) hostile.push({ name, ...(await timedEvaluation(withFilter(pattern))) });
  const bundle = statSync('dist/index.js').size;
  const runs = 11;
  const bundled = coldRequire(`require(${JSON.stringify(`${process.cwd()}/dist/index.js`)})`, runs);
  const clients = ['@aws-sdk/client-cloudtrail', '@aws-sdk/client-cloudwatch-logs', '@aws-sdk/client-cloudwatch', '@aws-sdk/client-sns', '@aws-sdk/client-sts', '@aws-sdk/client-config-service', '@aws-lambda-powertools/logger'];
  const unbundled = coldRequire(clients.map((c) => `require(${JSON.stringify(require.resolve(c))})`).join(';'), runs);
  console.log(`rule (node ${process.version})`);
  console.log(`  API calls, compliant one-trail account:                       ${plain}`);
  console.log(`  API calls, same with 10,000 unrelated alarms, 50 log groups:  ${busy}`);
  console.log(`  evaluate --control all (${CONTROLS.length} controls), all compliant, one shared topic (in-memory AWS):`);
  console.log(`    COMPLIANT controls:                                         ${family.compliant} of ${CONTROLS.length}`);
  console.log(`    API calls:                                                  ${family.calls} (goal at most ${goal}; ${(family.calls / goal).toFixed(2)} of it)`);
  console.log(`    by action:                                                  ${[...family.byAction].map(([a, n]) => `${a.split(':')[1]} ${n}`).join(', ')}`);
  console.log(`    API calls with 10,000 unrelated alarms:                     ${familyBusy.calls} (${(familyBusy.calls / family.calls).toFixed(2)}x)`);
  console.log(`  evaluation of the compliant account:                          ${good.complianceType}, ${good.ms.toFixed(0)} ms`);
  console.log('  the same with one hostile filter beside the good one (verdict, time as a ratio to the above):');
  for (const h of hostile) console.log(`    ${h.name.padEnd(28)} ${h.complianceType.padEnd(14)} ${(h.ms / good.ms).toFixed(2)}x  (${h.ms.toFixed(0)} ms)`);
  console.log(`  Lambda bundle dist/index.js:                                  ${(bundle / 1024).toFixed(0)} KiB`);
  console.log(`  cold init, bundled handler (median of ${runs}):                   ${bundled.toFixed(0)} ms`);
  console.log(`  cold init, the same SDK clients unbundled (median of ${runs}):    ${unbundled.toFixed(0)} ms`);
  // The figure to compare between changes: both timed in this run, so the machine's speed cancels out.
  console.log(`  cold init, bundled / unbundled:                               ${(bundled / unbundled).toFixed(2)}`);
  console.log('  the bundle by package (largest first):');
  for (const line of bundleContents().slice(0, 12)) console.log(`    ${line}`);
}

/** What the Lambda bundle is made of, as scripts/build.mjs --analyze prints it (built into a scratch directory). */
function bundleContents(): string[] {
  const scratch = mkdtempSync(join(tmpdir(), 'bench-bundle-'));
  try {
    const r = spawnSync(process.execPath, ['scripts/build.mjs', '--lambda-only', '--analyze', '--outdir', scratch], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`bundle analysis failed: ${r.stderr}`);
    return r.stdout.trimEnd().split('\n');
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

void main();
