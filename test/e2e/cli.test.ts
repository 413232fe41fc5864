/**
 * The real CLI (`node --import tsx rule/bin.ts evaluate ...`) in a child process against the local AWS, with an
 * environment built from scratch: JSON output, exit codes 0 (compliant), 1 (not compliant), 2 (could not run),
 * what it wrote to AWS Config with --publish and what it says of it, and what the AWS SDK itself prints.
 * Concurrent at the top level, like handler.test.ts.
 */
import type { CallLogEntry } from '../../devtools/local-aws/server';
import { ACCOUNT_ID, compliantWorld, type Faults, type RecordedEvaluation, type World } from '../support/world';
import { COMPLIANT_READS, explain, runRuleCli, sdkEnv, withLocalAws, type ChildResult, type SdkEnvOptions } from './harness';
import { LINKS, TOPIC_ARN } from './worlds';

const TIMEOUT = 40_000;
const COMPLIANT_ANNOTATION =
  "Trail main (us-east-1): filter 'unauthorized-api-calls' -> alarm 'unauthorized-api-calls-alarm' -> topic security-alerts (1 confirmed subscription)";

interface CliOutcome {
  child: ChildResult;
  log: CallLogEntry[];
  evaluations: RecordedEvaluation[];
}

async function evaluate(world: World, args: string[], env: SdkEnvOptions = {}): Promise<CliOutcome> {
  return withLocalAws(world, async (local) => {
    const child = await runRuleCli(['evaluate', ...args], sdkEnv(local, ACCOUNT_ID, env));
    return { child, log: local.log, evaluations: local.world.evaluations ?? [] };
  });
}

function withFaults(world: World, faults: Faults): World {
  world.faults = faults;
  return world;
}

function expectExit(child: ChildResult, code: number): void {
  if (child.code !== code) throw new Error(`expected exit ${code}, got:\n${explain(child)}`);
}

/** The JSON array `evaluate --format json` prints. */
function printed(child: ChildResult): unknown {
  try {
    return JSON.parse(child.stdout);
  } catch {
    throw new Error(`stdout is not JSON:\n${explain(child)}`);
  }
}

const evaluation = (complianceType: string, annotation: string) => ({
  ComplianceResourceType: 'AWS::::Account',
  ComplianceResourceId: ACCOUNT_ID,
  ComplianceType: complianceType,
  Annotation: annotation,
});

const actions = (log: CallLogEntry[]) => log.map((e) => e.action);

test("the children's environment is built from scratch: no AWS_* setting of this process reaches them", async () => {
  const saved = { ...process.env };
  Object.assign(process.env, { AWS_PROFILE: 'real-account', AWS_ACCESS_KEY_ID: 'AKIAREALREALREALREAL', AWS_REGION: 'eu-central-1', AWS_ENDPOINT_URL_STS: 'https://sts.amazonaws.com' });
  try {
    await withLocalAws(compliantWorld(), async (local) => {
      const env = sdkEnv(local, ACCOUNT_ID);
      expect(Object.keys(env).filter((k) => k.startsWith('AWS_')).sort()).toEqual([
        'AWS_ACCESS_KEY_ID',
        'AWS_CONFIG_FILE',
        'AWS_EC2_METADATA_DISABLED',
        'AWS_ENDPOINT_URL',
        'AWS_REGION',
        'AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED',
        'AWS_SECRET_ACCESS_KEY',
        'AWS_SHARED_CREDENTIALS_FILE',
      ]);
      expect(env).toMatchObject({ AWS_ACCESS_KEY_ID: local.credentialsFor(ACCOUNT_ID).accessKeyId, AWS_REGION: 'us-east-1', AWS_ENDPOINT_URL: local.endpoint });
      expect(env.HOME).not.toBe(saved.HOME);
    });
  } finally {
    for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
    Object.assign(process.env, saved);
  }
});

it.concurrent(
  'a compliant account: a JSON array of one evaluation, exit 0, the 7 reads after GetCallerIdentity, nothing written',
  async () => {
    const { child, log, evaluations } = await evaluate(compliantWorld(), ['--format', 'json']);
    expectExit(child, 0);
    expect(printed(child)).toEqual([evaluation('COMPLIANT', COMPLIANT_ANNOTATION)]);
    expect(child.stderr).toBe('');
    expect(actions(log)).toEqual(['sts:GetCallerIdentity', ...COMPLIANT_READS]);
    expect(log.every((e) => e.status === 200 && e.accountId === ACCOUNT_ID && e.region === 'us-east-1')).toBe(true);
    expect(evaluations).toEqual([]);
  },
  TIMEOUT,
);

it.concurrent(
  'a non-compliant account: exit 1, and the text format is one line',
  async () => {
    const { child } = await evaluate(LINKS['pending-only subscription']!(), []);
    expectExit(child, 1);
    expect(child.stdout).toBe(
      `${ACCOUNT_ID}  us-east-1  NON_COMPLIANT  Trail main (us-east-1): topic security-alerts of alarm 'unauthorized-api-calls-alarm' has only 1 subscription pending confirmation; confirm one\n`,
    );
  },
  TIMEOUT,
);

it.concurrent(
  "without AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: the SDK's eight-line Node warning becomes one line of note on stderr",
  async () => {
    const child = await withLocalAws(compliantWorld(), async (local) => {
      const env = sdkEnv(local, ACCOUNT_ID);
      delete env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED;
      return runRuleCli(['evaluate', '--format', 'json'], env);
    });
    expectExit(child, 0);
    expect(printed(child)).toEqual([evaluation('COMPLIANT', COMPLIANT_ANNOTATION)]);
    expect(child.stderr).not.toContain('NodeVersionSupportWarning');
    if (Number(process.versions.node.split('.')[0]) < 22) expect(child.stderr).toMatch(/^note: Node \d+ is past its end of life; [^\n]+\n$/);
    else expect(child.stderr).toBe('');
  },
  TIMEOUT,
);

it.concurrent(
  '--region without AWS_REGION, and --param ConfirmWithTestMetricFilter=false: no TestMetricFilter',
  async () => {
    const { child, log } = await evaluate(compliantWorld(), ['--format', 'json', '--region', 'us-east-1', '--param', 'ConfirmWithTestMetricFilter=false'], {
      region: null,
    });
    expectExit(child, 0);
    expect(printed(child)).toEqual([evaluation('COMPLIANT', COMPLIANT_ANNOTATION)]);
    expect(actions(log)).toEqual(['sts:GetCallerIdentity', ...COMPLIANT_READS.filter((a) => a !== 'logs:TestMetricFilter')]);
  },
  TIMEOUT,
);

it.concurrent(
  '--region overrides AWS_REGION: trails are listed in eu-west-1, the chain read where the trail delivers',
  async () => {
    const { child, log } = await evaluate(compliantWorld(), ['--format', 'json', '--region', 'eu-west-1']);
    expectExit(child, 0);
    expect(printed(child)).toEqual([evaluation('COMPLIANT', COMPLIANT_ANNOTATION)]);
    expect(log.map((e) => [e.action, e.region])).toEqual([
      ['sts:GetCallerIdentity', 'eu-west-1'],
      ['cloudtrail:DescribeTrails', 'eu-west-1'],
      ...COMPLIANT_READS.slice(1).map((a) => [a, 'us-east-1']),
    ]);
  },
  TIMEOUT,
);

it.concurrent(
  'no region anywhere: exit 2 before any call',
  async () => {
    const { child, log } = await evaluate(compliantWorld(), ['--format', 'json'], { region: null });
    expectExit(child, 2);
    expect(child.stdout).toBe('');
    expect(child.stderr).toBe('error: no region: pass --region or set AWS_REGION (or a region in your AWS profile)\n');
    expect(log).toEqual([]);
  },
  TIMEOUT,
);

it.concurrent(
  '--publish --result-token: the printed evaluation is written to Config, timestamped now',
  async () => {
    const before = Date.now();
    const { child, log, evaluations } = await evaluate(compliantWorld(), ['--format', 'json', '--publish', '--result-token', 'token-cli']);
    const after = Date.now();
    expectExit(child, 0);
    expect(printed(child)).toEqual([evaluation('COMPLIANT', COMPLIANT_ANNOTATION)]);
    expect(child.stderr).toBe(`published 1 evaluation for account ${ACCOUNT_ID} in us-east-1 to AWS Config (result token token-cli)\n`);
    expect(actions(log).at(-1)).toBe('config:PutEvaluations');
    expect(evaluations).toEqual([
      {
        accountId: ACCOUNT_ID,
        region: 'us-east-1',
        resultToken: 'token-cli',
        testMode: false,
        complianceResourceType: 'AWS::::Account',
        complianceResourceId: ACCOUNT_ID,
        complianceType: 'COMPLIANT',
        annotation: COMPLIANT_ANNOTATION,
        orderingTimestamp: expect.any(String),
      },
    ]);
    // The CLI has no Config event: the evaluation is timestamped when it runs (milliseconds survive the wire).
    const at = Date.parse(evaluations[0]!.orderingTimestamp);
    expect(at).toBeGreaterThanOrEqual(before);
    expect(at).toBeLessThanOrEqual(after);
  },
  TIMEOUT,
);

it.concurrent(
  '--publish --result-token TESTMODE: written with TestMode true',
  async () => {
    const { child, evaluations } = await evaluate(LINKS['no alarm']!(), ['--format', 'json', '--publish', '--result-token', 'TESTMODE']);
    expectExit(child, 1);
    expect(evaluations.map((e) => [e.complianceType, e.resultToken, e.testMode])).toEqual([['NON_COMPLIANT', 'TESTMODE', true]]);
    expect(child.stderr).toBe(`AWS Config accepted 1 evaluation for account ${ACCOUNT_ID} in us-east-1 in TestMode (result token TESTMODE): nothing was recorded\n`);
  },
  TIMEOUT,
);

it.concurrent(
  '--publish refused by Config (FailedEvaluations): exit 2 saying so, after printing the evaluation',
  async () => {
    const { child, evaluations } = await evaluate(withFaults(compliantWorld(), { failedEvaluations: true }), [
      '--format',
      'json',
      '--publish',
      '--result-token',
      'token-cli',
    ]);
    expectExit(child, 2);
    expect(printed(child)).toEqual([evaluation('COMPLIANT', COMPLIANT_ANNOTATION)]);
    expect(child.stderr).toBe(
      `error: could not publish the evaluation: AWS Config refused 1 of 1 evaluation(s): AWS::::Account ${ACCOUNT_ID} COMPLIANT\n`,
    );
    expect(evaluations).toEqual([]);
  },
  TIMEOUT,
);

it.concurrent(
  'an access key AWS does not know: InvalidClientTokenId, exit 2 with a clear message, no secret echoed',
  async () => {
    const credentials = { accessKeyId: 'AKIAUNKNOWNUNKNOWN00', secretAccessKey: 'not-a-secret-anyone-knows' };
    const { child, log } = await evaluate(compliantWorld(), ['--format', 'json'], { credentials });
    expectExit(child, 2);
    expect(child.stdout).toBe('');
    expect(child.stderr).toBe(
      'error: cannot identify the account: sts:GetCallerIdentity on caller identity in us-east-1 failed (InvalidClientTokenId): The security token included in the request is invalid.\n',
    );
    expect(child.stderr).not.toContain(credentials.accessKeyId);
    expect(log.map((e) => [e.action, e.errorCode])).toEqual([['sts:GetCallerIdentity', 'InvalidClientTokenId']]);
  },
  TIMEOUT,
);

it.concurrent(
  "a denied SNS call is reported with AWS's code AuthorizationError, not the SDK's class name",
  async () => {
    const { child, log } = await evaluate(withFaults(compliantWorld(), { deny: [{ action: 'sns:ListSubscriptionsByTopic' }] }), ['--format', 'json']);
    expectExit(child, 1);
    expect(printed(child)).toEqual([
      evaluation('NON_COMPLIANT', `Trail main (us-east-1): could not verify: sns:ListSubscriptionsByTopic on ${TOPIC_ARN} failed (AuthorizationError)`),
    ]);
    expect(child.stdout).not.toContain('AuthorizationErrorException');
    expect(log.map((e) => [e.action, e.errorCode ?? e.status])).toContainEqual(['sns:ListSubscriptionsByTopic', 'AuthorizationError']);
  },
  TIMEOUT,
);
