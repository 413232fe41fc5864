/**
 * Runs the real remediation document (remediation/*.yaml) with the local SSM runner (devtools/ssm-runner, boto3)
 * against the local AWS emulator, then evaluates the account with the rule's own reader and decision.
 *
 * The runner is a child process with an explicit environment: the emulator's keys for the account, the region,
 * PATH and an empty HOME (so no ~/.aws file is read), and nothing of the parent's AWS_* variables.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { SdkAwsReader } from '../../rule/collect/sdk-reader';
import type { AccountDecision } from '../../rule/decide';
import { evaluateAccount } from '../../rule/evaluate-account';
import { DEFAULT_PARAMETERS, type RuleParameters } from '../../rule/parameters';
import type { CallLogEntry, LocalAws } from '../../devtools/local-aws/server';
import { startLocalAws } from '../../devtools/local-aws/server';
import { findPython } from '../../devtools/python';
import {
  ACCOUNT_ID,
  LOG_GROUP_NAME,
  REGION,
  accountIn,
  logGroupArn,
  roleArn,
  trail,
  type AccountState,
  type AlarmState,
  type TopicState,
  type World,
} from '../support/world';
import { fastRetry } from '../local-aws/helpers';

/** The Python that runs the runner, as `npm start` finds it (python3 on PATH, then /usr/bin/python3), or why none. */
const PYTHON = findPython(['boto3', 'yaml']);
export const ROOT = path.join(__dirname, '..', '..');
export const RUNNER = path.join(ROOT, 'devtools', 'ssm-runner', 'run_automation.py');
export const DOCUMENT = path.join(ROOT, 'remediation', 'UnauthorizedApiCallsMonitored-Remediation.yaml');

/** Names the document uses by default. */
export const RUNBOOK = {
  filterName: 'unauthorized-api-calls',
  metricNamespace: 'CISBenchmark',
  metricName: 'UnauthorizedAPICalls',
  alarmName: 'unauthorized-api-calls-alarm',
  topicName: 'unauthorized-api-calls-alarms',
  alarmDescription: 'CIS unauthorized API calls (created by UnauthorizedApiCallsMonitored-Remediation)',
  statementId: 'AllowCloudWatchAlarmsToPublish',
  /** The CIS v2.0+ pattern with the parentheses it intends (what the document writes). */
  pattern:
    '{ (($.errorCode = "*UnauthorizedOperation") || ($.errorCode = "AccessDenied*")) && ' +
    '($.sourceIPAddress != "delivery.logs.amazonaws.com") && ($.eventName != "HeadBucket") }',
} as const;

export const EMAIL = 'security@example.com';

/** Why the runner cannot run here (no Python 3 with boto3 and yaml), or undefined. */
export function pythonMissing(): string | undefined {
  return 'missing' in PYTHON ? PYTHON.missing : undefined;
}

/** The interpreter that runs the runner; only suites not skipped for pythonMissing() call it. */
export function python(): string {
  if ('missing' in PYTHON) throw new Error(PYTHON.missing);
  return PYTHON.command;
}

// ---- Running the document ----------------------------------------------------------------------------------------

export interface RunStep {
  name: string;
  action: string;
  status: 'Success' | 'Failed';
}

export interface RunResult {
  status: 'Success' | 'Failed';
  failureMessage: string | null;
  outputs: Record<string, unknown>;
  steps: RunStep[];
}

/** A parameter value as the runner takes it (the JSON given to --parameters). */
export type ParameterValue = string | number | boolean | string[];

const home = mkdtempSync(path.join(tmpdir(), 'remediation-e2e-home-'));

/** The child's whole environment: nothing inherited but PATH. */
export function runnerEnv(local: LocalAws, accountId: string): NodeJS.ProcessEnv {
  const key = local.credentialsFor(accountId);
  return {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: home,
    LANG: 'C.UTF-8',
    PYTHONDONTWRITEBYTECODE: '1',
    AWS_ACCESS_KEY_ID: key.accessKeyId,
    AWS_SECRET_ACCESS_KEY: key.secretAccessKey,
    AWS_DEFAULT_REGION: REGION,
  };
}

/** The parameters AWS Config passes (role, account) plus `extra`. */
export function parametersFor(accountId: string, extra: Record<string, ParameterValue> = {}): Record<string, ParameterValue> {
  return { AutomationAssumeRole: roleArn(accountId, 'UnauthorizedApiCallsRemediation'), AccountId: accountId, ...extra };
}

/** Runs `document` (default: the real one) as `accountId`, with the parameters given verbatim. */
export function runDocument(
  local: LocalAws,
  accountId: string,
  parameters: Record<string, ParameterValue>,
  document = DOCUMENT,
): Promise<RunResult> {
  return runRunner(local, accountId, document, JSON.stringify(parameters));
}

/** Runs the runner with --parameters given as text (which need not be JSON). */
export function runRunner(local: LocalAws, accountId: string, document: string, parametersText: string): Promise<RunResult> {
  const args = [RUNNER, '--document', document, '--endpoint', local.endpoint, '--region', REGION, '--parameters', parametersText];
  return new Promise((resolve, reject) => {
    execFile(python(), args, { cwd: ROOT, env: runnerEnv(local, accountId), timeout: 30_000, maxBuffer: 10 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error) {
        reject(new Error(`run_automation.py failed (${error.message})\nstdout: ${stdout}\nstderr: ${stderr}`));
        return;
      }
      try {
        resolve(JSON.parse(stdout) as RunResult);
      } catch {
        reject(new Error(`run_automation.py printed no JSON\nstdout: ${stdout}\nstderr: ${stderr}`));
      }
    });
  });
}

/** Runs the real document for ACCOUNT_ID (or `accountId`) with the default parameters plus `extra`. */
export function remediate(local: LocalAws, extra: Record<string, ParameterValue> = {}, accountId = ACCOUNT_ID): Promise<RunResult> {
  return runDocument(local, accountId, parametersFor(accountId, extra));
}

/** Fails with the runner's whole answer when the run did not succeed. */
export function expectSuccess(result: RunResult): void {
  if (result.status !== 'Success') throw new Error(`expected Success, got ${JSON.stringify(result, null, 2)}`);
}

export function expectFailure(result: RunResult, message: RegExp | string): void {
  if (result.status !== 'Failed') throw new Error(`expected Failed, got ${JSON.stringify(result, null, 2)}`);
  expect(result.failureMessage).toEqual(expect.stringMatching(message));
}

/** The plan DiscoverChain output (a StringMap). */
export function planOf(result: RunResult): Record<string, unknown> {
  return result.outputs['DiscoverChain.Plan'] as Record<string, unknown>;
}

// ---- The emulator --------------------------------------------------------------------------------------------------

/** `serve(world)` starts an emulator; every one started is closed after the test. */
export function useEmulator(): (world: World) => Promise<LocalAws> {
  const running: LocalAws[] = [];
  afterEach(async () => {
    await Promise.all(running.splice(0).map((local) => local.close()));
  });
  return async (world) => {
    const local = await startLocalAws({ world });
    running.push(local);
    return local;
  };
}

/**
 * Serves `world` for the duration of `body` only: for concurrent tests (it.concurrent), which cannot share the
 * per-test afterEach of useEmulator.
 */
export async function withEmulator<T>(world: World, body: (local: LocalAws) => Promise<T>): Promise<T> {
  const local = await startLocalAws({ world });
  try {
    return await body(local);
  } finally {
    await local.close();
  }
}

const WRITE = /^[a-z0-9-]+:(Put|Create|Set|Subscribe|Delete|Update|Tag|Untag|Start|Stop|Add|Remove|Confirm|Unsubscribe|Enable|Disable)/;

/** The calls of the log that change something (whatever their outcome). */
export function writes(log: CallLogEntry[], from = 0): string[] {
  return log.slice(from).map((e) => e.action).filter((a) => WRITE.test(a));
}

// ---- Worlds ------------------------------------------------------------------------------------------------------

/** Account ACCOUNT_ID with only a qualifying trail 'main' and its (empty) log group. */
export function bareAccount(overrides: Partial<AccountState> = {}): AccountState {
  return {
    accountId: ACCOUNT_ID,
    trails: [trail({ name: 'main', cloudWatchLogsLogGroupArn: logGroupArn(ACCOUNT_ID, REGION, LOG_GROUP_NAME) })],
    logGroups: [{ name: LOG_GROUP_NAME, region: REGION, metricFilters: [] }],
    alarms: [],
    topics: [],
    ...overrides,
  };
}

export function bareWorld(): World {
  return { accounts: [bareAccount()] };
}

/** Confirms, in the live world, every pending subscription of the account (as the recipient clicking the link). */
export function confirmSubscriptions(world: World, accountId = ACCOUNT_ID): number {
  let confirmed = 0;
  for (const topic of accountIn(world, accountId).topics) {
    topic.subscriptions.forEach((s, i) => {
      if (s.subscriptionArn !== 'PendingConfirmation') return;
      s.subscriptionArn = `${topic.topicArn}:00000000-0000-4000-8000-${String(i).padStart(12, '0')}`;
      confirmed++;
    });
  }
  return confirmed;
}

/** What the remediation may change in an account: filters per log group, alarms, topics with their subscriptions. */
export interface Resources {
  filters: Record<string, AccountState['logGroups'][number]['metricFilters']>;
  alarms: AlarmState[];
  topics: TopicState[];
}

export function resourcesOf(world: World, accountId = ACCOUNT_ID): Resources {
  const account = accountIn(world, accountId);
  return structuredClone({
    filters: Object.fromEntries(account.logGroups.map((g) => [`${g.region}/${g.name}`, g.metricFilters])),
    alarms: account.alarms,
    topics: account.topics,
  });
}

export function topicOf(world: World, topicArn: string, accountId = ACCOUNT_ID): TopicState {
  const topic = accountIn(world, accountId).topics.find((t) => t.topicArn === topicArn);
  if (!topic) throw new Error(`no topic ${topicArn} in account ${accountId}`);
  return topic;
}

export function alarmOf(world: World, alarmName: string, accountId = ACCOUNT_ID): AlarmState {
  const alarm = accountIn(world, accountId).alarms.find((a) => a.alarmName === alarmName);
  if (!alarm) throw new Error(`no alarm ${alarmName} in account ${accountId}`);
  return alarm;
}

export interface PolicyStatement {
  Sid?: string;
  Effect: string;
  Principal: unknown;
  Action: string | string[];
  Resource: string | string[];
  Condition?: Record<string, Record<string, string | string[]>>;
}

export function policyStatements(topic: TopicState): PolicyStatement[] {
  const policy = topic.attributes?.Policy;
  if (policy === undefined) return [];
  const parsed = JSON.parse(policy) as { Statement: PolicyStatement | PolicyStatement[] };
  return Array.isArray(parsed.Statement) ? parsed.Statement : [parsed.Statement];
}

// ---- The rule ----------------------------------------------------------------------------------------------------

/**
 * The rule's verdict on the account, read over HTTP from the emulator by the rule's own SdkAwsReader. The reader
 * sets no endpoint (SharedClientConfig has none): it reaches the emulator through AWS_ENDPOINT_URL, set here for
 * the evaluation only.
 */
export async function evaluate(local: LocalAws, accountId = ACCOUNT_ID, parameters: Partial<RuleParameters> = {}): Promise<AccountDecision> {
  const saved = process.env.AWS_ENDPOINT_URL;
  process.env.AWS_ENDPOINT_URL = local.endpoint;
  try {
    const full: RuleParameters = { ...DEFAULT_PARAMETERS, ...parameters };
    const reader = new SdkAwsReader({
      accountId,
      defaultRegion: REGION,
      credentials: local.credentialsFor(accountId),
      clientConfig: { retryStrategy: fastRetry() },
    });
    return await evaluateAccount(reader, { accountId, region: REGION, parameters: full });
  } finally {
    if (saved === undefined) delete process.env.AWS_ENDPOINT_URL;
    else process.env.AWS_ENDPOINT_URL = saved;
  }
}

/**
 * The rule's verdict without writing to the world the test inspects: runs on a copy, so the rule's reads (and the
 * emulator's own KMS side effects) cannot blur what the remediation did.
 */
export async function evaluateCopy(world: World, accountId = ACCOUNT_ID, parameters: Partial<RuleParameters> = {}): Promise<AccountDecision> {
  const local = await startLocalAws({ world: structuredClone(world) });
  try {
    return await evaluate(local, accountId, parameters);
  } finally {
    await local.close();
  }
}

/** Confirms the pending subscriptions, then expects the rule to find the account COMPLIANT. */
export async function expectCompliantOnceConfirmed(
  local: LocalAws,
  accountId = ACCOUNT_ID,
  parameters: Partial<RuleParameters> = {},
): Promise<AccountDecision> {
  confirmSubscriptions(local.world, accountId);
  const decision = await evaluateCopy(local.world, accountId, parameters);
  expect(decision).toEqual({ complianceType: 'COMPLIANT', annotation: expect.any(String) });
  return decision;
}
