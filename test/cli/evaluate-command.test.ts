/** `evaluate` as a user runs it against an account (here the in-memory fake AWS): output, exit codes, errors. */
import { ConfigServiceClient, PutEvaluationsCommand } from '@aws-sdk/client-config-service';
import { mockClient } from 'aws-sdk-client-mock';
import { CLI_BUDGET_MS, type TimeBudget } from '../../rule/budget';
import type { EvaluateDependencies } from '../../rule/cli-evaluate';
import { runInMemory } from '../support/cli-io';
import { FakeAwsReader } from '../support/fake-reader';
import { ACCOUNT_ID, accountIn, compliantWorld, type World } from '../support/world';

const config = mockClient(ConfigServiceClient);
beforeEach(() => config.reset());

async function run(
  argv: string[],
  world: World = compliantWorld(),
  region: string | null = 'us-east-1',
  reader?: Awaited<ReturnType<EvaluateDependencies['createReader']>> | Error,
  debug = false,
) {
  const aws: EvaluateDependencies = {
    defaultRegion: async () => region ?? undefined,
    createReader: async (_region, budget) => {
      budgets.push(budget);
      if (reader instanceof Error) throw reader;
      return reader ?? { ok: true, value: new FakeAwsReader(world, ACCOUNT_ID) };
    },
    configClient: (r) => new ConfigServiceClient({ region: r, credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' } }),
  };
  const budgets: TimeBudget[] = [];
  const { code, stdout, stderr } = await runInMemory(['evaluate', ...argv], { debug }, aws);
  return { code, stdout, stderr, budgets };
}

describe('evaluate command', () => {
  it('prints a compliant account as JSON and exits 0', async () => {
    const { code, stdout } = await run(['--format', 'json']);
    expect(code).toBe(0);
    const [evaluation] = JSON.parse(stdout) as unknown[];
    expect(evaluation).toEqual({
      ComplianceResourceType: 'AWS::::Account',
      ComplianceResourceId: ACCOUNT_ID,
      ComplianceType: 'COMPLIANT',
      Annotation: expect.stringMatching(/^Trail main \(us-east-1\): filter 'unauthorized-api-calls' -> alarm/),
    });
    expect(config.calls()).toHaveLength(0);
  });

  it('prints a non-compliant account as text and exits 1', async () => {
    const world = compliantWorld();
    accountIn(world, ACCOUNT_ID).alarms = [];
    const { code, stdout } = await run([], world);
    expect(code).toBe(1);
    expect(stdout).toMatch(/^111122223333 {2}us-east-1 {2}NON_COMPLIANT {2}Trail main \(us-east-1\): no alarm on metric CISBenchmark\/UnauthorizedAPICalls/);
  });

  it('bounds the evaluation by the command line\'s time budget, reads and judge alike', async () => {
    const before = Date.now();
    const { budgets } = await run([]);
    expect(budgets).toHaveLength(1);
    expect(budgets[0]!.deadline).toBeGreaterThanOrEqual(before + CLI_BUDGET_MS);
    expect(budgets[0]!.deadline).toBeLessThanOrEqual(Date.now() + CLI_BUDGET_MS);
  });

  it('applies --param', async () => {
    const { code, stdout } = await run(['--param', 'StrictPatternVersion=cis-1.2']);
    expect(code).toBe(1);
    expect(stdout).toContain('is not the literal CIS v1.2 text');
  });

  it('publishes only with --publish and a result token, in test mode for TESTMODE', async () => {
    config.on(PutEvaluationsCommand).resolves({ FailedEvaluations: [] });
    const { code } = await run(['--publish', '--result-token', 'TESTMODE']);
    expect(code).toBe(0);
    const calls = config.commandCalls(PutEvaluationsCommand);
    expect(calls).toHaveLength(1);
    expect(calls[0]!.args[0].input).toMatchObject({ ResultToken: 'TESTMODE', TestMode: true, Evaluations: [expect.objectContaining({ ComplianceType: 'COMPLIANT' })] });
  });

  it('says what it published, to stderr, keeping stdout the evaluation alone', async () => {
    config.on(PutEvaluationsCommand).resolves({ FailedEvaluations: [] });
    const { code, stdout, stderr } = await run(['--format', 'json', '--publish', '--result-token', 'token-1']);
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toHaveLength(1);
    expect(stderr).toBe(`published 1 evaluation for account ${ACCOUNT_ID} in us-east-1 to AWS Config (result token token-1)\n`);
  });

  it('says that TestMode wrote nothing', async () => {
    config.on(PutEvaluationsCommand).resolves({ FailedEvaluations: [] });
    const { stderr } = await run(['--publish', '--result-token', 'TESTMODE']);
    expect(stderr).toBe(
      `AWS Config accepted 1 evaluation for account ${ACCOUNT_ID} in us-east-1 in TestMode (result token TESTMODE): nothing was recorded\n`,
    );
  });

  it('cuts a long result token and never prints the credentials', async () => {
    config.on(PutEvaluationsCommand).resolves({ FailedEvaluations: [] });
    const token = `eyJ${'A'.repeat(3000)}`;
    const { stderr } = await run(['--publish', '--result-token', token]);
    expect(stderr).toMatch(/^published 1 evaluation for account 111122223333 in us-east-1 to AWS Config \(result token eyJA{10,20}…\)\n$/);
    expect(stderr).not.toMatch(/AKIDEXAMPLE|secret/);
  });

  it('exits 2 when AWS Config refuses the evaluation', async () => {
    config.on(PutEvaluationsCommand).resolves({ FailedEvaluations: [{ ComplianceResourceType: 'AWS::::Account', ComplianceResourceId: ACCOUNT_ID, ComplianceType: 'COMPLIANT', OrderingTimestamp: new Date() }] });
    const { code, stderr } = await run(['--publish', '--result-token', 'token']);
    expect(code).toBe(2);
    expect(stderr).toMatch(/could not publish the evaluation/);
  });

  it.each([
    ['--publish without a token', ['--publish'], /--publish and --result-token go together/],
    ['an unknown parameter', ['--param', 'Strict=cis-1.2'], /unknown rule parameter 'Strict'/],
    ['a bad parameter value', ['--param', 'AllowBroadFilterPattern=yes'], /AllowBroadFilterPattern must be true or false/],
    ['a parameter without =', ['--param', 'AllowBroadFilterPattern'], /--param takes Key=Value/],
  ])('exits 2 with a pointer to --help on %s', async (_what, argv, message) => {
    const { code, stderr } = await run(argv);
    expect(code).toBe(2);
    expect(stderr).toMatch(message);
    expect(stderr).toMatch(/\nsee `unauthorized-api-calls-monitored evaluate --help`\n$/);
  });

  it('exits 2 without a region', async () => {
    const { code, stderr } = await run([], compliantWorld(), null);
    expect(code).toBe(2);
    expect(stderr).toBe('error: no region: pass --region or set AWS_REGION (or a region in your AWS profile)\n');
  });

  it('exits 2 when the credentials do not work', async () => {
    const failure = { action: 'sts:GetCallerIdentity', resource: 'caller identity in us-east-1', code: 'InvalidClientTokenId', message: 'The security token included in the request is invalid.' };
    const { code, stderr, stdout } = await run([], compliantWorld(), 'us-east-1', { ok: false, failure });
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toBe(
      'error: cannot identify the account: sts:GetCallerIdentity on caller identity in us-east-1 failed (InvalidClientTokenId): The security token included in the request is invalid.\n',
    );
  });

  // Exit 2 means the command could not run as asked; a bug is something else, and says so in one line.
  it('exits 3 on an unexpected error, with one line and no stack trace', async () => {
    const bug = new TypeError("Cannot read properties of undefined (reading 'TrailList')");
    const { code, stdout, stderr } = await run([], compliantWorld(), 'us-east-1', bug);
    expect(code).toBe(3);
    expect(stdout).toBe('');
    expect(stderr).toBe("error: unexpected TypeError: Cannot read properties of undefined (reading 'TrailList'); this is a bug (set DEBUG=1 for details)\n");
  });

  it('adds the stack trace of an unexpected error in debug mode', async () => {
    const { code, stderr } = await run([], compliantWorld(), 'us-east-1', new TypeError('boom'), true);
    expect(code).toBe(3);
    expect(stderr).toMatch(/^error: unexpected TypeError: boom; this is a bug\nTypeError: boom\n {4}at /);
  });

  it('refuses --param __proto__=... as an unknown parameter rather than dropping it', async () => {
    const { code, stderr } = await run(['--param', '__proto__=true']);
    expect(code).toBe(2);
    expect(stderr).toMatch(/^error: unknown rule parameter '__proto__'/);
  });

  it('cuts what it echoes of a bad --param', async () => {
    const { code, stderr } = await run(['--param', 'p'.repeat(1_000_000)]);
    expect(code).toBe(2);
    expect(stderr.split('\n')[0]!.length).toBeLessThan(200);
    expect(stderr).toMatch(/^error: --param takes Key=Value, not 'p+…'\n/);
  });

  describe("in place of the AWS SDK's eight-line Node version warning", () => {
    async function runOn(nodeVersion: string, argv: string[], env: NodeJS.ProcessEnv = {}) {
      const aws: EvaluateDependencies = {
        defaultRegion: async () => 'us-east-1',
        createReader: async () => ({ ok: true, value: new FakeAwsReader(compliantWorld(), ACCOUNT_ID) }),
        configClient: (r) => new ConfigServiceClient({ region: r }),
      };
      const { code, stderr } = await runInMemory(['evaluate', ...argv], { env, nodeVersion }, aws);
      return { code, stderr, env };
    }

    it('prints one line of note on Node 20 and switches the warning off before the SDK builds a client', async () => {
      const { code, stderr, env } = await runOn('v20.20.2', []);
      expect(code).toBe(0);
      expect(stderr).toBe('note: Node 20 is past its end of life; AWS SDK releases after the first week of January 2027 need Node 22 or later\n');
      expect(env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED).toBe('true');
    });

    it.each([
      ['on Node 22', 'v22.12.0', [], {}],
      ['when the user switched the warning off', 'v20.20.2', [], { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' }],
      ['before a usage error', 'v20.20.2', ['--param', 'Strict=cis-1.2'], {}],
    ])('prints nothing %s', async (_when, version, argv, env) => {
      const { stderr } = await runOn(version, argv, env);
      expect(stderr).not.toMatch(/^note:/);
    });
  });

  it('shows control and bidirectional characters of the region as escapes in text output', async () => {
    const { stdout } = await run(['--region', 'us-east-1\u202e\u001b[31m']);
    expect(stdout).toMatch(/^111122223333 {2}us-east-1\\u\{202E\}\\u\{001B\}\[31m {2}COMPLIANT {2}/);
  });
});
