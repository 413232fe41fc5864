/**
 * The fifteen CIS monitoring controls end to end, on the local AWS: the Lambda bundle (built for this file by
 * test/support/lambda-bundle.ts, so a stale dist/ cannot pass) invoked once per control with the rule parameter
 * `Control`, as each control's Config rule invokes the one function; and the CLI's `evaluate --control <id>` and
 * `--control all`. The worlds are the bundled sample accounts (examples/accounts), so this also holds `npm start`'s
 * matrix to what the rule says of each sample.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CallLogEntry } from '../../devtools/local-aws/server';
import { CONTROLS, controlById } from '../../rule/controls/catalogue';
import type { ControlId } from '../../rule/controls/control';
import { lambdaBundle } from '../support/lambda-bundle';
import type { World } from '../support/world';
import { ROOT, explain, run, runRuleCli, scheduledEvent, sdkEnv, withLocalAws, type ChildResult } from './harness';

jest.setTimeout(60_000);

/** A sample of examples/accounts, and the account it is about (an organization sample's member). */
function sample(name: string): { world: World; accountId: string } {
  const world = JSON.parse(readFileSync(join(ROOT, 'examples', 'accounts', `${name}.json`), 'utf8')) as World;
  return { world, accountId: world.organization?.memberAccountIds[0] ?? world.accounts[0]!.accountId };
}

const bundle = lambdaBundle('family-bundle-');

/**
 * Requires the bundle once, as a warm Lambda, and calls its handler with each event in turn; prints one marked line
 * with every result (or the first error).
 */
const SCRIPT = `
const { handler } = require(process.argv[1]);
const events = JSON.parse(process.argv[2]);
(async () => {
  const results = [];
  for (const event of events) {
    const context = { invokedFunctionArn: 'arn:aws:lambda:us-east-1:' + event.accountId + ':function:unauthorized-api-calls-monitored', awsRequestId: 'family-' + results.length, getRemainingTimeInMillis: () => 60000 };
    results.push(await handler(event, context));
  }
  process.stdout.write('\\nFAMILY_RESULTS ' + JSON.stringify(results) + '\\n');
})().catch((error) => { process.stdout.write('\\nFAMILY_ERROR ' + error.name + ': ' + error.message + '\\n'); process.exitCode = 1; });
`;

interface Evaluated {
  complianceType: string;
  annotation: string;
}

interface BundleOutcome {
  child: ChildResult;
  results: Evaluated[];
  /** What AWS Config received, in order. */
  written: Array<{ complianceType: string; annotation?: string; resultToken: string }>;
  log: CallLogEntry[];
}

/** The Config event of `control`'s rule (`<id>-monitored`): the scheduled event with `Control` among its parameters. */
function ruleEvent(accountId: string, control: ControlId, parameters: Record<string, string> = {}): Record<string, unknown> {
  return {
    ...scheduledEvent({ accountId, resultToken: `token-${control}`, ruleParameters: { Control: control, ...parameters } }),
    configRuleName: controlById(control).names.configRule,
  };
}

/** Serves `world` and runs the bundle's handler for each control's rule, in one warm process. */
async function invokeBundle(world: World, accountId: string, controls: readonly ControlId[], parameters: Record<string, string> = {}): Promise<BundleOutcome> {
  return withLocalAws(world, async (local) => {
    const events = controls.map((c) => ruleEvent(accountId, c, parameters));
    const child = await run(process.execPath, ['-e', SCRIPT, bundle(), JSON.stringify(events)], sdkEnv(local, accountId));
    const line = child.stdout.split('\n').find((l) => l.startsWith('FAMILY_RESULTS '));
    if (child.code !== 0 || line === undefined) throw new Error(explain(child));
    return { child, results: JSON.parse(line.slice('FAMILY_RESULTS '.length)) as Evaluated[], written: local.world.evaluations ?? [], log: local.log };
  });
}

const ALL = CONTROLS.map((c) => c.id);
const SHORT: Record<string, string> = { COMPLIANT: 'ok', NON_COMPLIANT: 'NO', NOT_APPLICABLE: 'n/a' };
/** A row of the matrix: each control's CIS v1.3-v5.0 number and the short verdict, as `npm start` prints it. */
const row = (results: Evaluated[]): string => results.map((r, i) => `${CONTROLS[i]!.cisNumbers['v1.3-v5.0']} ${SHORT[r.complianceType] ?? r.complianceType}`).join(', ');

/** Expected rows: every control `ok` but those listed, which read `NO`. */
function expected(failing: string[], otherwise = 'ok', failed = 'NO'): string {
  return CONTROLS.map((c) => `${c.cisNumbers['v1.3-v5.0']} ${failing.includes(c.cisNumbers['v1.3-v5.0']) ? failed : otherwise}`).join(', ');
}

describe('the Lambda bundle, one invocation per control rule', () => {
  it.each([
    // Every control on one shared topic.
    ['compliant', expected([])],
    // A 4.1-only sample: the other fourteen have no filter.
    ['no-alarm', expected([], 'NO')],
    // The organization trail is owned by the management account: not applicable, for every control.
    ['organization-member', expected([], 'n/a')],
    // terraform-aws-modules cis-alarms: the 6-name 4.10 misses ModifySecurityGroupRules; its example disables 4.7 and 4.14.
    ['terraform-aws-modules-cis-alarms', expected(['4.7', '4.10', '4.14'])],
    // FAMILY.md's traps: IS NULL, a userName exclusion, "Failedauthentication", a trail without KMS events, a missing
    // PutConfigurationRecorder, no 4.15; MFAUsed = "No" and 4.13's audit text are correct.
    ['common-mistakes', expected(['4.3', '4.4', '4.6', '4.7', '4.9', '4.15'])],
  ])('%s: each control evaluated as the matrix says, and written to its own rule', async (name, matrix) => {
    const { world, accountId } = sample(name);
    const { results, written } = await invokeBundle(world, accountId, ALL);
    expect(row(results)).toBe(matrix);
    // Each control's rule received its own evaluation, under its own result token, in order.
    expect(written.map((w) => [w.resultToken, w.complianceType, w.annotation])).toEqual(results.map((r, i) => [`token-${ALL[i]}`, r.complianceType, r.annotation]));
  });

  it('cmk-disable-or-scheduled-deletion: a trail that excludes kms.amazonaws.com cannot serve it, although its filter is the CIS text', async () => {
    const { world, accountId } = sample('common-mistakes');
    const { results } = await invokeBundle(world, accountId, ['cmk-disable-or-scheduled-deletion', 'unauthorized-api-calls']);
    expect(results[0]).toEqual({ accountId, complianceType: 'NON_COMPLIANT', annotation: expect.stringContaining('kms.amazonaws.com') });
    // The same trail still serves the controls that read every service.
    expect(results[1]!.complianceType).toBe('COMPLIANT');
  });

  it('root-usage: IS NULL instead of NOT EXISTS matches no real record (invokedBy is absent, never null), and says so', async () => {
    const { world, accountId } = sample('common-mistakes');
    const { results } = await invokeBundle(world, accountId, ['root-usage']);
    expect(results[0]).toEqual({ accountId, complianceType: 'NON_COMPLIANT', annotation: expect.stringContaining("filter 'root-usage' never matches any CloudTrail record") });
  });

  it('security-group-changes: the 6-name list fails under the newest CIS version, and passes with CisVersion 4.0', async () => {
    const { world, accountId } = sample('terraform-aws-modules-cis-alarms');
    const newest = await invokeBundle(world, accountId, ['security-group-changes']);
    expect(newest.results[0]!.complianceType).toBe('NON_COMPLIANT');
    const v4 = await invokeBundle(world, accountId, ['security-group-changes'], { CisVersion: '4.0' });
    expect(v4.results[0]).toEqual({ accountId, complianceType: 'COMPLIANT', annotation: expect.stringContaining("filter 'SecurityGroupChanges' -> alarm 'SecurityGroupChanges'") });
  });

  // Among filters that all fail, the closest to the control is named: not 'AWSConfigChanges' beside it.
  it('security-group-changes: the annotation names the 6-name filter and the one name it lacks', async () => {
    const { world, accountId } = sample('terraform-aws-modules-cis-alarms');
    const { results } = await invokeBundle(world, accountId, ['security-group-changes']);
    expect(results[0]!.annotation).toMatch(/filter 'SecurityGroupChanges' .*ModifySecurityGroupRules/);
  });

  it('console-signin-without-mfa and organizations-changes: the CIS texts pass, chain named to the shared topic', async () => {
    const { world, accountId } = sample('compliant');
    const { results } = await invokeBundle(world, accountId, ['console-signin-without-mfa', 'organizations-changes']);
    expect(results).toEqual([
      {
        accountId,
        complianceType: 'COMPLIANT',
        annotation: "Trail management-events (us-east-1): filter 'console-signin-without-mfa' -> alarm 'console-signin-without-mfa-alarm' -> topic security-alerts (1 confirmed subscription)",
      },
      {
        accountId,
        complianceType: 'COMPLIANT',
        annotation: "Trail management-events (us-east-1): filter 'organizations-changes' -> alarm 'organizations-changes-alarm' -> topic security-alerts (1 confirmed subscription)",
      },
    ]);
  });

  it('a Control that names no control is refused before anything is read or written', async () => {
    const { world, accountId } = sample('compliant');
    await withLocalAws(world, async (local) => {
      const child = await run(process.execPath, ['-e', SCRIPT, bundle(), JSON.stringify([ruleEvent(accountId, 'root-usage', { Control: 'root-usag' })])], sdkEnv(local, accountId));
      expect(child.code).toBe(1);
      expect(child.stdout).toMatch(/FAMILY_ERROR \w+: .*Control.*root-usag/);
      expect(local.world.evaluations ?? []).toEqual([]);
    });
  });
});

describe('the CLI, evaluate --control', () => {
  async function evaluate(name: string, args: string[], pageSize?: number): Promise<{ child: ChildResult; log: CallLogEntry[] }> {
    const { world, accountId } = sample(name);
    return withLocalAws(world, async (local) => ({ child: await runRuleCli(['evaluate', ...args], sdkEnv(local, accountId)), log: local.log }), pageSize);
  }

  it('--control root-usage on the compliant sample: exit 0, one evaluation naming the root-usage chain', async () => {
    const { child } = await evaluate('compliant', ['--control', 'root-usage', '--format', 'json']);
    if (child.code !== 0) throw new Error(explain(child));
    expect(JSON.parse(child.stdout)).toEqual([
      expect.objectContaining({
        ComplianceResourceType: 'AWS::::Account',
        ComplianceResourceId: '111111111111',
        ComplianceType: 'COMPLIANT',
        Annotation: "Trail management-events (us-east-1): filter 'root-usage' -> alarm 'root-usage-alarm' -> topic security-alerts (1 confirmed subscription)",
      }),
    ]);
  });

  it('--control CloudWatch.7 (the Security Hub id) on a trail without KMS events: exit 1, naming kms.amazonaws.com', async () => {
    const { child } = await evaluate('common-mistakes', ['--control', 'CloudWatch.7', '--format', 'json']);
    expect(child.code).toBe(1);
    expect(JSON.parse(child.stdout)).toEqual([expect.objectContaining({ ComplianceType: 'NON_COMPLIANT', Annotation: expect.stringContaining('kms.amazonaws.com') })]);
  });

  it('--control all: one evaluation per control, as the bundle says, from one read of each trail, log group and topic', async () => {
    // Pages of 50, so that the thirteen filters come in one DescribeMetricFilters page.
    const { child, log } = await evaluate('terraform-aws-modules-cis-alarms', ['--control', 'all', '--format', 'json'], 50);
    expect(child.code).toBe(1);
    const rows = JSON.parse(child.stdout) as Array<{ ComplianceType: string; Annotation: string }>;
    expect(row(rows.map((r) => ({ complianceType: r.ComplianceType, annotation: r.Annotation })))).toBe(expected(['4.7', '4.10', '4.14']));
    const count = (action: string) => log.filter((e) => e.action === action).length;
    // One trail, one log group, one topic: each read once for all fifteen controls.
    expect(['cloudtrail:DescribeTrails', 'cloudtrail:GetTrailStatus', 'cloudtrail:GetEventSelectors', 'logs:DescribeMetricFilters', 'sns:ListSubscriptionsByTopic'].map((a) => [a, count(a)])).toEqual([
      ['cloudtrail:DescribeTrails', 1],
      ['cloudtrail:GetTrailStatus', 1],
      ['cloudtrail:GetEventSelectors', 1],
      ['logs:DescribeMetricFilters', 1],
      ['sns:ListSubscriptionsByTopic', 1],
    ]);
  });

  it('--control with an unknown id: exit 2, one line naming the option', async () => {
    const { child, log } = await evaluate('compliant', ['--control', 'root-usag']);
    expect(child.code).toBe(2);
    expect(child.stderr).toMatch(/control.*root-usag/i);
    expect(log.filter((e) => e.action !== 'sts:GetCallerIdentity')).toEqual([]);
  });
});
