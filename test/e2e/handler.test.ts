/**
 * The real Lambda handler (rule/index.ts: the execution role's credentials from the environment, AWS_REGION, unmodified SDK v3) in a child
 * process, against the local AWS. Each scenario has its own emulator and asserts what AWS Config received
 * (PutEvaluations as the emulator recorded it) and, where it matters, every call the handler made.
 *
 * Scenarios are independent, so they run concurrently (jest's maxConcurrency, 5 by default). They sit at the top
 * level on purpose: jest runs concurrent tests together only within one describe block.
 */
import type { CallLogEntry } from '../../devtools/local-aws/server';
import {
  ACCOUNT_ID,
  MANAGEMENT_ACCOUNT_ID,
  ORG_READ_ROLE_NAME,
  ORG_TRAIL_NAME,
  compliantWorld,
  organizationWorld,
  roleArn,
  trailArn,
  type Faults,
  type RecordedEvaluation,
  type World,
} from '../support/world';
import {
  COMPLIANT_READS,
  NOTIFICATION_TIME,
  calls,
  explain,
  runHandler,
  scheduledEvent,
  withLocalAws,
  type ConfigEventOptions,
  type HandlerRun,
} from './harness';
import { LINKS, TOPIC_ARN, chainHomedIn, compliantWith, everythingPaginated, mainTrail, cisLogGroup } from './worlds';

const TIMEOUT = 40_000;
const COMPLIANT_ANNOTATION =
  "Trail main (us-east-1): filter 'unauthorized-api-calls' -> alarm 'unauthorized-api-calls-alarm' -> topic security-alerts (1 confirmed subscription)";
const MAIN_ARN = trailArn(ACCOUNT_ID, { name: 'main', homeRegion: 'us-east-1' });
const PUT = 'config:PutEvaluations';
/** A result token to look for in the handler's output, which must never show it. */
const SECRET_TOKEN = 'secret-result-token-e2e';

interface Outcome {
  child: HandlerRun;
  log: CallLogEntry[];
  evaluations: RecordedEvaluation[];
}

interface InvokeOptions extends Partial<ConfigEventOptions> {
  /** The account the function runs in (its own credentials); default the evaluated account. */
  lambdaAccountId?: string;
  pageSize?: number;
  /** Sent as is instead of a scheduled event. */
  event?: unknown;
}

/** Serves `world`, runs the handler once, and keeps what the emulator saw (the emulator is closed after). */
async function invoke(world: World, options: InvokeOptions = {}): Promise<Outcome> {
  const { lambdaAccountId, pageSize, event, ...eventOptions } = options;
  const accountId = eventOptions.accountId ?? ACCOUNT_ID;
  return withLocalAws(
    world,
    async (local) => {
      const child = await runHandler(local, lambdaAccountId ?? accountId, event ?? scheduledEvent({ ...eventOptions, accountId }));
      return { child, log: local.log, evaluations: local.world.evaluations ?? [] };
    },
    pageSize,
  );
}

function withFaults(world: World, faults: Faults): World {
  world.faults = faults;
  return world;
}

function expectExit(child: HandlerRun, code: number): void {
  if (child.code !== code) throw new Error(`expected exit ${code}, got:\n${explain(child)}`);
}

/** The handler succeeded, returned what it wrote, and Config received exactly that one evaluation. */
function expectEvaluated(
  outcome: Outcome,
  complianceType: string,
  annotation: string,
  expected: { accountId?: string; resultToken?: string; testMode?: boolean; orderingTimestamp?: string } = {},
): void {
  const accountId = expected.accountId ?? ACCOUNT_ID;
  expectExit(outcome.child, 0);
  expect(outcome.child.result).toEqual({ accountId, complianceType, annotation });
  expect(outcome.evaluations).toEqual([
    {
      accountId,
      region: 'us-east-1',
      resultToken: expected.resultToken ?? 'token-123',
      testMode: expected.testMode ?? false,
      complianceResourceType: 'AWS::::Account',
      complianceResourceId: accountId,
      complianceType,
      annotation,
      orderingTimestamp: expected.orderingTimestamp ?? NOTIFICATION_TIME,
    },
  ]);
}

const actions = (log: CallLogEntry[]) => log.map((e) => e.action);

// First, as it spends most of its time waiting for the SDK's retry backoff.
it.concurrent(
  'throttled reads (and a throttled PutEvaluations) are retried through to COMPLIANT; the log shows every attempt',
  async () => {
    const world = withFaults(compliantWorld(), {
      throttle: [
        { action: 'logs:DescribeMetricFilters', count: 2 },
        { action: 'cloudwatch:DescribeAlarmsForMetric', count: 1 },
        { action: PUT, count: 1 },
      ],
    });
    const outcome = await invoke(world);
    expectEvaluated(outcome, 'COMPLIANT', COMPLIANT_ANNOTATION);
    expect(calls(outcome.log)).toEqual([
      ['cloudtrail:DescribeTrails', 200],
      ['cloudtrail:GetTrailStatus', 200],
      ['cloudtrail:GetEventSelectors', 200],
      ['logs:DescribeMetricFilters', 'ThrottlingException'],
      ['logs:DescribeMetricFilters', 'ThrottlingException'],
      ['logs:DescribeMetricFilters', 200],
      ['logs:TestMetricFilter', 200],
      ['cloudwatch:DescribeAlarmsForMetric', 'Throttling'],
      ['cloudwatch:DescribeAlarmsForMetric', 200],
      ['sns:ListSubscriptionsByTopic', 200],
      [PUT, 'ThrottlingException'],
      [PUT, 200],
    ]);
  },
  TIMEOUT,
);

it.concurrent(
  'is COMPLIANT after exactly the 7 reads and 1 PutEvaluations, all as the account in us-east-1',
  async () => {
    const outcome = await invoke(compliantWorld(), { resultToken: SECRET_TOKEN });
    expectEvaluated(outcome, 'COMPLIANT', COMPLIANT_ANNOTATION, { resultToken: SECRET_TOKEN });
    expect(actions(outcome.log)).toEqual([...COMPLIANT_READS, PUT]);
    expect(outcome.log.every((e) => e.status === 200 && e.accountId === ACCOUNT_ID && e.region === 'us-east-1')).toBe(true);
    // The handler logs what it decided, never the result token; no SDK warning or stray output on stderr.
    expect(outcome.child.stdout).toContain('"message":"account evaluated"');
    expect(outcome.child.stdout + outcome.child.stderr).not.toContain(SECRET_TOKEN);
    expect(outcome.child.stderr).toBe('');
  },
  TIMEOUT,
);

const FIRST_3 = COMPLIANT_READS.slice(0, 3);
const UP_TO_ALARMS = [...COMPLIANT_READS.slice(0, 6), 'cloudwatch:DescribeAlarms'];
const LINK_CASES: Array<{ link: string; complianceType: string; annotation: string; reads: string[] }> = [
  {
    link: 'single-region trail',
    complianceType: 'NON_COMPLIANT',
    annotation: 'Trail main (us-east-1): is single-region; make it multi-region (aws cloudtrail update-trail --is-multi-region-trail)',
    reads: ['cloudtrail:DescribeTrails'],
  },
  {
    link: 'trail not logging',
    complianceType: 'NON_COMPLIANT',
    annotation: `Trail main (us-east-1): is not logging; start it (aws cloudtrail start-logging --name ${MAIN_ARN})`,
    reads: COMPLIANT_READS.slice(0, 2),
  },
  {
    link: 'write-only classic selector',
    complianceType: 'NON_COMPLIANT',
    annotation: 'Trail main (us-east-1): records only WriteOnly management events (ReadWriteType); record all read and write management events',
    reads: FIRST_3,
  },
  {
    link: 'advanced selectors, Management without readOnly',
    complianceType: 'COMPLIANT',
    annotation: COMPLIANT_ANNOTATION,
    reads: COMPLIANT_READS,
  },
  {
    link: 'advanced selectors, readOnly = true only',
    complianceType: 'NON_COMPLIANT',
    annotation:
      'Trail main (us-east-1): records only read-only or only write management events (readOnly selector); record all read and write management events',
    reads: FIRST_3,
  },
  {
    link: 'no log group',
    complianceType: 'NON_COMPLIANT',
    annotation:
      'Trail main (us-east-1): does not deliver to CloudWatch Logs; set a log group and role (aws cloudtrail update-trail --cloud-watch-logs-log-group-arn ...)',
    reads: FIRST_3,
  },
  {
    link: 'delivery error',
    complianceType: 'NON_COMPLIANT',
    annotation:
      "Trail main (us-east-1): delivery to log group aws-cloudtrail-logs fails (AccessDeniedException); check the trail's CloudWatch Logs role and the log group",
    reads: FIRST_3,
  },
  {
    link: 'all-|| filter (CIS v1.3-v1.5)',
    complianceType: 'NON_COMPLIANT',
    annotation:
      "Trail main (us-east-1): filter 'unauthorized-api-calls' also matches successful calls (DescribeInstances, no errorCode), so its alarm fires on normal activity; use the CIS pattern",
    // AWS's engine is asked too (it could overrule the judge); the alarms of a rejected filter are not read.
    reads: COMPLIANT_READS.slice(0, 5),
  },
  {
    link: 'no filter',
    complianceType: 'NON_COMPLIANT',
    annotation: 'Trail main (us-east-1): log group aws-cloudtrail-logs has no metric filter; add one with the CIS pattern',
    reads: COMPLIANT_READS.slice(0, 4),
  },
  {
    link: 'no alarm',
    complianceType: 'NON_COMPLIANT',
    annotation:
      "Trail main (us-east-1): no alarm on metric CISBenchmark/UnauthorizedAPICalls of filter 'unauthorized-api-calls' in us-east-1; create one: Sum >= 1 over 300 s, action an SNS topic",
    reads: UP_TO_ALARMS,
  },
  {
    link: 'alarm that cannot fire (threshold 5)',
    complianceType: 'NON_COMPLIANT',
    annotation: "Trail main (us-east-1): alarm 'unauthorized-api-calls-alarm' needs Sum >= 5 but one call gives 1; use Sum >= 1",
    reads: UP_TO_ALARMS,
  },
  {
    link: 'alarm actions disabled',
    complianceType: 'NON_COMPLIANT',
    annotation: "Trail main (us-east-1): alarm 'unauthorized-api-calls-alarm' has actions disabled; enable them",
    reads: UP_TO_ALARMS,
  },
  {
    link: 'alarm without SNS action',
    complianceType: 'NON_COMPLIANT',
    annotation: "Trail main (us-east-1): alarm 'unauthorized-api-calls-alarm' notifies no SNS topic; add one to its alarm actions",
    reads: UP_TO_ALARMS,
  },
  {
    link: 'pending-only subscription',
    complianceType: 'NON_COMPLIANT',
    annotation:
      "Trail main (us-east-1): topic security-alerts of alarm 'unauthorized-api-calls-alarm' has only 1 subscription pending confirmation; confirm one",
    reads: [...COMPLIANT_READS, 'cloudwatch:DescribeAlarms'],
  },
];

it('covers every link the worlds define', () => {
  expect(LINK_CASES.map((c) => c.link).sort()).toEqual(Object.keys(LINKS).sort());
});

it.concurrent.each(LINK_CASES)(
  'chain link "$link": $complianceType',
  async ({ link, complianceType, annotation, reads }) => {
    const outcome = await invoke(LINKS[link]!());
    expectEvaluated(outcome, complianceType, annotation);
    expect(actions(outcome.log)).toEqual([...reads, PUT]);
    expect(outcome.log.every((e) => e.status === 200)).toBe(true);
  },
  TIMEOUT,
);

it.concurrent(
  'over-long names: the annotation is cut to 256 characters, and Config accepts it',
  async () => {
    const long = 'x'.repeat(200);
    const world = compliantWith((a) => {
      mainTrail(a).name = `main-${long}`;
      cisLogGroup(a).metricFilters[0]!.filterName = `filter-${long}`;
      a.alarms = [];
    });
    const outcome = await invoke(world);
    expectExit(outcome.child, 0);
    const [evaluation] = outcome.evaluations;
    expect(evaluation?.complianceType).toBe('NON_COMPLIANT');
    expect(evaluation?.annotation).toHaveLength(256);
    expect(evaluation?.annotation).toMatch(/^Trail main-x+ \(us-east-1\): no alarm on metric .*…$/);
  },
  TIMEOUT,
);

it.concurrent(
  'page size 1: filters, metric-math alarms and subscriptions are all followed to their last page',
  async () => {
    const outcome = await invoke(everythingPaginated(), { pageSize: 1 });
    expectEvaluated(
      outcome,
      'COMPLIANT',
      "Trail main (us-east-1): filter 'z-unauthorized-api-calls' -> alarm 'z-math-unauthorized' -> topic security-alerts (1 confirmed subscription)",
    );
    expect(actions(outcome.log)).toEqual([
      ...COMPLIANT_READS.slice(0, 3),
      ...Array<string>(3).fill('logs:DescribeMetricFilters'),
      'logs:TestMetricFilter',
      'cloudwatch:DescribeAlarmsForMetric',
      ...Array<string>(3).fill('cloudwatch:DescribeAlarms'),
      ...Array<string>(3).fill('sns:ListSubscriptionsByTopic'),
      PUT,
    ]);
  },
  TIMEOUT,
);

const ORG_ROLE = roleArn(MANAGEMENT_ACCOUNT_ID, ORG_READ_ROLE_NAME);
const DENY_CASES: Array<{ action: string; code: string; resource: string; world: () => World; parameters?: Record<string, string> }> = [
  { action: 'cloudtrail:DescribeTrails', code: 'AccessDeniedException', resource: 'trails in us-east-1', world: compliantWorld },
  { action: 'cloudtrail:GetTrailStatus', code: 'AccessDeniedException', resource: MAIN_ARN, world: compliantWorld },
  { action: 'cloudtrail:GetEventSelectors', code: 'AccessDeniedException', resource: MAIN_ARN, world: compliantWorld },
  { action: 'logs:DescribeMetricFilters', code: 'AccessDeniedException', resource: 'log group aws-cloudtrail-logs in us-east-1', world: compliantWorld },
  { action: 'logs:TestMetricFilter', code: 'AccessDeniedException', resource: 'filter pattern in us-east-1', world: compliantWorld },
  // CloudWatch and SNS keep their Query protocol codes; the annotation carries AWS's code, not the SDK's class name.
  { action: 'cloudwatch:DescribeAlarmsForMetric', code: 'AccessDenied', resource: 'metric CISBenchmark/UnauthorizedAPICalls in us-east-1', world: compliantWorld },
  { action: 'cloudwatch:DescribeAlarms', code: 'AccessDenied', resource: 'alarms in us-east-1', world: () => compliantWith((a) => (a.alarms = [])) },
  { action: 'sns:ListSubscriptionsByTopic', code: 'AuthorizationError', resource: TOPIC_ARN, world: compliantWorld },
  {
    action: 'sts:AssumeRole',
    code: 'AccessDenied',
    resource: ORG_ROLE,
    world: organizationWorld,
    parameters: { OrgTrailReadRoleName: ORG_READ_ROLE_NAME },
  },
];

it.concurrent.each(DENY_CASES)(
  '$action denied: NON_COMPLIANT naming it ($code), never COMPLIANT',
  async ({ action, code, resource, world, parameters }) => {
    const outcome = await invoke(withFaults(world(), { deny: [{ action }] }), parameters ? { ruleParameters: parameters } : {});
    expectExit(outcome.child, 0);
    expect(outcome.evaluations).toHaveLength(1);
    const [evaluation] = outcome.evaluations;
    expect(evaluation?.complianceType).toBe('NON_COMPLIANT');
    expect(evaluation?.annotation).toContain(`ould not verify: ${action} on ${resource} failed (${code})`);
    expect(outcome.child.result?.annotation).toBe(evaluation?.annotation);
    expect(calls(outcome.log)).toContainEqual([action, code]);
    expect(actions(outcome.log).at(-1)).toBe(PUT);
  },
  TIMEOUT,
);

it.concurrent(
  'the region the rule runs in: it cannot even write, so it fails loudly and writes nothing',
  async () => {
    const outcome = await invoke(withFaults(compliantWorld(), { disabledRegions: ['us-east-1'] }));
    expectExit(outcome.child, 1);
    expect(outcome.child.result).toBeUndefined();
    expect(outcome.child.error).toEqual({
      name: 'PutEvaluationsError',
      message: 'config:PutEvaluations failed (UnrecognizedClientException): The security token included in the request is invalid.',
    });
    expect(outcome.evaluations).toEqual([]);
    expect(calls(outcome.log)).toEqual([
      ['cloudtrail:DescribeTrails', 'UnrecognizedClientException'],
      [PUT, 'UnrecognizedClientException'],
    ]);
    expect(outcome.child.stdout + outcome.child.stderr).toContain('"message":"account evaluation failed"');
  },
  TIMEOUT,
);

it.concurrent(
  "the trail's home region while us-east-1 works: NON_COMPLIANT naming cloudtrail:GetTrailStatus",
  async () => {
    const outcome = await invoke(withFaults(chainHomedIn('ap-east-1'), { disabledRegions: ['ap-east-1'] }));
    expectEvaluated(
      outcome,
      'NON_COMPLIANT',
      `Trail main (ap-east-1): could not verify: cloudtrail:GetTrailStatus on ${trailArn(ACCOUNT_ID, { name: 'main', homeRegion: 'ap-east-1' })} failed (UnrecognizedClientException)`,
    );
    expect(outcome.log.map((e) => [e.action, e.region, e.errorCode ?? e.status])).toEqual([
      ['cloudtrail:DescribeTrails', 'us-east-1', 200],
      ['cloudtrail:GetTrailStatus', 'ap-east-1', 'UnrecognizedClientException'],
      [PUT, 'us-east-1', 200],
    ]);
  },
  TIMEOUT,
);

it.concurrent(
  'a member whose only trail is the organization trail, without OrgTrailReadRoleName: NOT_APPLICABLE',
  async () => {
    const outcome = await invoke(organizationWorld());
    expectEvaluated(
      outcome,
      'NOT_APPLICABLE',
      `Trail ${ORG_TRAIL_NAME} (us-east-1): is an organization trail owned by account ${MANAGEMENT_ACCOUNT_ID}; set OrgTrailReadRoleName to a read role there to verify its filter, alarm and topic`,
    );
    expect(actions(outcome.log)).toEqual(['cloudtrail:DescribeTrails', PUT]);
  },
  TIMEOUT,
);

it.concurrent(
  'with OrgTrailReadRoleName: COMPLIANT, the chain read as the management account, the result written as the member',
  async () => {
    const outcome = await invoke(organizationWorld(), { ruleParameters: { OrgTrailReadRoleName: ORG_READ_ROLE_NAME } });
    expectEvaluated(
      outcome,
      'COMPLIANT',
      `Trail ${ORG_TRAIL_NAME} (us-east-1): filter 'unauthorized-api-calls' -> alarm 'unauthorized-api-calls-alarm' -> topic security-alerts (1 confirmed subscription)`,
    );
    expect(outcome.log.map((e) => [e.action, e.accountId, e.status])).toEqual([
      ['cloudtrail:DescribeTrails', ACCOUNT_ID, 200],
      ['sts:AssumeRole', ACCOUNT_ID, 200],
      ...COMPLIANT_READS.slice(1).map((a) => [a, MANAGEMENT_ACCOUNT_ID, 200]),
      [PUT, ACCOUNT_ID, 200],
    ]);
  },
  TIMEOUT,
);

it.concurrent(
  'an organization rule run centrally with ExecutionRoleName: assumes the role in the member, reads and writes as the member',
  async () => {
    const world = organizationWorld();
    const member = world.accounts.find((a) => a.accountId === ACCOUNT_ID)!;
    Object.assign(member, compliantWorld().accounts[0]!, { roles: [{ roleName: 'ConfigRuleExecution', trustedAccountIds: [MANAGEMENT_ACCOUNT_ID] }] });
    const outcome = await invoke(world, { lambdaAccountId: MANAGEMENT_ACCOUNT_ID, ruleParameters: { ExecutionRoleName: 'ConfigRuleExecution' } });
    expectEvaluated(outcome, 'COMPLIANT', COMPLIANT_ANNOTATION);
    expect(outcome.log.map((e) => [e.action, e.accountId])).toEqual([
      ['sts:AssumeRole', MANAGEMENT_ACCOUNT_ID],
      ...[...COMPLIANT_READS, PUT].map((a) => [a, ACCOUNT_ID]),
    ]);
  },
  TIMEOUT,
);

it.concurrent(
  'FailedEvaluations in the answer: the handler fails with an error saying Config refused it',
  async () => {
    const outcome = await invoke(withFaults(compliantWorld(), { failedEvaluations: true }));
    expectExit(outcome.child, 1);
    expect(outcome.child.error).toEqual({
      name: 'PutEvaluationsError',
      message: `AWS Config refused 1 of 1 evaluation(s): AWS::::Account ${ACCOUNT_ID} COMPLIANT`,
    });
    expect(outcome.evaluations).toEqual([]);
    expect(calls(outcome.log).at(-1)).toEqual([PUT, 200]);
  },
  TIMEOUT,
);

it.concurrent(
  'TESTMODE: PutEvaluations is sent with TestMode true (the emulator records it, flagged; AWS would store nothing)',
  async () => {
    const outcome = await invoke(compliantWorld(), { resultToken: 'TESTMODE' });
    expectEvaluated(outcome, 'COMPLIANT', COMPLIANT_ANNOTATION, { resultToken: 'TESTMODE', testMode: true });
    expect(actions(outcome.log)).toEqual([...COMPLIANT_READS, PUT]);
  },
  TIMEOUT,
);

it.concurrent(
  'a configuration change notification: OrderingTimestamp is the configuration item capture time',
  async () => {
    const captureTime = '2025-05-31T23:59:58.123Z';
    const invokingEvent = JSON.stringify({
      configurationItem: {
        configurationItemCaptureTime: captureTime,
        configurationItemStatus: 'ResourceDeleted',
        resourceType: 'AWS::CloudWatch::Alarm',
        resourceId: 'unauthorized-api-calls-alarm',
        awsAccountId: ACCOUNT_ID,
      },
      notificationCreationTime: NOTIFICATION_TIME,
      messageType: 'ConfigurationItemChangeNotification',
      recordVersion: '1.3',
    });
    const outcome = await invoke(compliantWith((a) => (a.alarms = [])), { invokingEvent });
    expectExit(outcome.child, 0);
    expect(outcome.evaluations.map((e) => [e.complianceType, e.orderingTimestamp])).toEqual([['NON_COMPLIANT', captureTime]]);
  },
  TIMEOUT,
);

const MALFORMED_CASES: Array<{ what: string; event: Record<string, unknown>; error: { name: string | RegExp; message: string } }> = [
  {
    what: 'invokingEvent is not JSON',
    event: scheduledEvent({ accountId: ACCOUNT_ID, resultToken: SECRET_TOKEN, invokingEvent: '{"messageType":' }),
    error: { name: 'ConfigEventError', message: 'invokingEvent is not valid JSON: Unexpected end of JSON input' },
  },
  {
    what: 'no accountId',
    event: { ...scheduledEvent({ accountId: ACCOUNT_ID, resultToken: SECRET_TOKEN }), accountId: undefined },
    error: { name: 'ConfigEventError', message: 'accountId must be a 12-digit AWS account id, got nothing' },
  },
  {
    what: 'an unknown rule parameter',
    event: scheduledEvent({ accountId: ACCOUNT_ID, resultToken: SECRET_TOKEN, ruleParameters: { OrgTrailReadRole: 'x' } }),
    // ParameterError does not set its name, so it surfaces as a plain Error.
    error: { name: /^(ParameterError|Error)$/, message: "unknown rule parameter 'OrgTrailReadRole'" },
  },
];

it.concurrent.each(MALFORMED_CASES)(
  'malformed event ($what): exit 1, no AWS call, nothing written, the token never echoed',
  async ({ event, error }) => {
    const outcome = await invoke(compliantWorld(), { event });
    expectExit(outcome.child, 1);
    expect(outcome.child.result).toBeUndefined();
    expect(outcome.child.error?.name).toMatch(error.name);
    expect(outcome.child.error?.message).toContain(error.message);
    expect(outcome.log).toEqual([]);
    expect(outcome.evaluations).toEqual([]);
    expect(outcome.child.stdout + outcome.child.stderr).toContain('invalid AWS Config event; nothing evaluated');
    expect(outcome.child.stdout + outcome.child.stderr).not.toContain(SECRET_TOKEN);
  },
  TIMEOUT,
);
