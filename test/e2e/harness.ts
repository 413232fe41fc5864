/**
 * End-to-end harness: the real Lambda handler (rule/index.ts) and the real CLI (rule/bin.ts), each in a child
 * process with the unmodified AWS SDK v3, pointed at a local AWS (devtools/local-aws) through AWS_ENDPOINT_URL.
 *
 * Every child gets an environment built from scratch: nothing of the parent's AWS_* variables (nor a developer's
 * ~/.aws) can reach it, so a test can never talk to a real AWS account.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { startLocalAws, type CallLogEntry, type LocalAws } from '../../devtools/local-aws/server';
import type { RecordedEvaluation, World } from '../support/world';

export const ROOT = resolve(__dirname, '../..');
/** An empty HOME for every child: no ~/.aws/config, no ~/.aws/credentials, no SSO cache. */
export const EMPTY_HOME = mkdtempSync(join(tmpdir(), 'e2e-home-'));
// The AWS CLI may write a cache there; nothing in it outlives the test process.
process.once('exit', () => rmSync(EMPTY_HOME, { recursive: true, force: true }));
export const CHILD_TIMEOUT_MS = 20_000;
export const NOTIFICATION_TIME = '2025-06-01T12:34:56.789Z';
export const FUNCTION_NAME = 'unauthorized-api-calls-monitored';

export interface ChildResult {
  /** Exit code; null when killed (timeout). */
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Runs a program, never rejecting: the exit code and both streams are the result. */
export function run(file: string, args: string[], env: NodeJS.ProcessEnv, timeout = CHILD_TIMEOUT_MS): Promise<ChildResult> {
  return new Promise((resolvePromise) => {
    execFile(file, args, { cwd: ROOT, env, timeout, killSignal: 'SIGKILL', maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      const failure = error as (Error & { code?: unknown; signal?: NodeJS.Signals | null }) | null;
      let code: number | null = 0;
      let note = '';
      if (failure) {
        code = typeof failure.code === 'number' ? failure.code : null;
        // Not an exit status: the program could not start, was killed (timeout), or wrote too much.
        if (code === null) note = `\n[e2e harness] ${failure.message}`;
      }
      resolvePromise({ code, signal: failure?.signal ?? null, stdout: String(stdout), stderr: String(stderr) + note });
    });
  });
}

/** The minimum a child needs that is not AWS: where programs are, a throwaway HOME. */
function baseEnv(): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH ?? '/usr/local/bin:/usr/bin:/bin',
    HOME: EMPTY_HOME,
    LANG: 'C.UTF-8',
    // Shared config and credentials files that are empty, whatever HOME holds.
    AWS_CONFIG_FILE: '/dev/null',
    AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
    // Should the credential chain ever get that far, never wait for an instance metadata service.
    AWS_EC2_METADATA_DISABLED: 'true',
  };
}

export interface SdkEnvOptions {
  /** Default: the account's first key from the emulator. */
  credentials?: { accessKeyId: string; secretAccessKey: string };
  /** Default us-east-1; null leaves AWS_REGION out. */
  region?: string | null;
}

/** The environment of a child running the SDK against the emulator as `accountId`. */
export function sdkEnv(local: LocalAws, accountId: string, options: SdkEnvOptions = {}): NodeJS.ProcessEnv {
  const credentials = options.credentials ?? local.credentialsFor(accountId);
  const env: NodeJS.ProcessEnv = {
    ...baseEnv(),
    AWS_ENDPOINT_URL: local.endpoint,
    AWS_ACCESS_KEY_ID: credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  };
  const region = options.region === undefined ? 'us-east-1' : options.region;
  if (region !== null) env.AWS_REGION = region;
  return env;
}

/** The environment of the AWS CLI (botocore): old CLIs ignore AWS_ENDPOINT_URL, so it goes as --endpoint-url. */
export function awsCliEnv(local: LocalAws, accountId: string): NodeJS.ProcessEnv {
  const credentials = local.credentialsFor(accountId);
  return {
    ...baseEnv(),
    AWS_ACCESS_KEY_ID: credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
    AWS_DEFAULT_REGION: 'us-east-1',
    AWS_PAGER: '',
  };
}

// ---- The Lambda handler --------------------------------------------------------------------------------------------

/**
 * Loads rule/index.ts exactly as Lambda would (AWS_REGION, the execution role's credentials from the environment), calls `handler(event,
 * context)` once, and prints one marked line: the result, or the error's name and message (exit 1). The rest of
 * stdout is the handler's own structured log.
 */
const HANDLER_SCRIPT = `
const { handler } = require('./rule/index.ts');
const event = JSON.parse(process.argv[1]);
const context = JSON.parse(process.argv[2]);
// As Lambda does: the time left before the function's timeout.
const deadline = Date.now() + context.timeoutMs;
context.getRemainingTimeInMillis = () => Math.max(0, deadline - Date.now());
handler(event, context).then(
  (result) => { process.stdout.write('\\nE2E_RESULT ' + JSON.stringify(result) + '\\n'); },
  (error) => {
    const e = error instanceof Error ? error : new Error(String(error));
    process.stdout.write('\\nE2E_ERROR ' + JSON.stringify({ name: e.name, message: e.message }) + '\\n');
    process.exitCode = 1;
  },
);
`;

export interface ConfigEventOptions {
  accountId: string;
  resultToken?: string;
  ruleParameters?: Record<string, string>;
  /** Replaces the ScheduledNotification invokingEvent. */
  invokingEvent?: string;
  executionRoleArn?: string;
}

/** A periodic Config rule event, as AWS Config sends it to a custom rule's Lambda. */
export function scheduledEvent(options: ConfigEventOptions): Record<string, unknown> {
  const { accountId } = options;
  return {
    invokingEvent:
      options.invokingEvent ??
      JSON.stringify({
        awsAccountId: accountId,
        notificationCreationTime: NOTIFICATION_TIME,
        messageType: 'ScheduledNotification',
        recordVersion: '1.0',
      }),
    ruleParameters: JSON.stringify(options.ruleParameters ?? {}),
    resultToken: options.resultToken ?? 'token-123',
    eventLeftScope: false,
    executionRoleArn: options.executionRoleArn ?? `arn:aws:iam::${accountId}:role/aws-service-role/config.amazonaws.com/AWSServiceRoleForConfig`,
    configRuleArn: `arn:aws:config:us-east-1:${accountId}:config-rule/config-rule-e2e000`,
    configRuleName: 'unauthorized-api-calls-monitored',
    configRuleId: 'config-rule-e2e000',
    accountId,
    version: '1.0',
  };
}

export interface HandlerRun extends ChildResult {
  result?: { accountId: string; complianceType: string; annotation: string };
  error?: { name: string; message: string };
}

/**
 * Runs the real handler in a child whose own credentials are those of `lambdaAccountId` (the function's account),
 * as a function with `timeoutMs` left.
 */
export async function runHandler(local: LocalAws, lambdaAccountId: string, event: unknown, timeoutMs = 120_000): Promise<HandlerRun> {
  const context = {
    invokedFunctionArn: `arn:aws:lambda:us-east-1:${lambdaAccountId}:function:${FUNCTION_NAME}`,
    awsRequestId: '5f0c7e2a-0000-4000-8000-00000000e2e0',
    timeoutMs,
  };
  const child = await run(
    process.execPath,
    ['--import', 'tsx', '-e', HANDLER_SCRIPT, JSON.stringify(event), JSON.stringify(context)],
    sdkEnv(local, lambdaAccountId),
  );
  const marked = (marker: string): unknown => {
    const line = child.stdout.split('\n').find((l) => l.startsWith(`${marker} `));
    return line === undefined ? undefined : JSON.parse(line.slice(marker.length + 1));
  };
  const out: HandlerRun = { ...child };
  const result = marked('E2E_RESULT');
  const error = marked('E2E_ERROR');
  if (result !== undefined) out.result = result as NonNullable<HandlerRun['result']>;
  if (error !== undefined) out.error = error as NonNullable<HandlerRun['error']>;
  return out;
}

/** Everything one child needs to be explained when an assertion fails. */
export function explain(child: ChildResult): string {
  return `exit ${child.code}${child.signal ? ` (${child.signal})` : ''}\n--- stdout\n${child.stdout}\n--- stderr\n${child.stderr}`;
}

// ---- The CLI ---------------------------------------------------------------------------------------------------------

export function runRuleCli(args: string[], env: NodeJS.ProcessEnv): Promise<ChildResult> {
  return run(process.execPath, ['--import', 'tsx', 'rule/bin.ts', ...args], env);
}

// ---- The emulator --------------------------------------------------------------------------------------------------

/** Starts a local AWS for one scenario, runs it, and always closes the emulator. */
export async function withLocalAws<T>(world: World, body: (local: LocalAws) => Promise<T>, pageSize?: number): Promise<T> {
  const local = await startLocalAws(pageSize === undefined ? { world } : { world, pageSize });
  try {
    return await body(local);
  } finally {
    await local.close();
  }
}

/** `[action, errorCode or status]` for every call, retries included. */
export function calls(log: CallLogEntry[]): Array<[string, string | number]> {
  return log.map((e) => [e.action, e.errorCode ?? e.status]);
}

export function evaluationsOf(local: LocalAws): RecordedEvaluation[] {
  return local.world.evaluations ?? [];
}

/** The 7 reads of a compliant account, in order. */
export const COMPLIANT_READS = [
  'cloudtrail:DescribeTrails',
  'cloudtrail:GetTrailStatus',
  'cloudtrail:GetEventSelectors',
  'logs:DescribeMetricFilters',
  'logs:TestMetricFilter',
  'cloudwatch:DescribeAlarmsForMetric',
  'sns:ListSubscriptionsByTopic',
];
