/**
 * The rule's own SdkAwsReader against the local AWS, reached only through AWS_ENDPOINT_URL (the reader never sets
 * endpoints): the whole chain over HTTP, pagination, retries, and the same answers as the in-memory FakeAwsReader.
 */
import { CloudWatchLogsClient, DescribeMetricFiltersCommand } from '@aws-sdk/client-cloudwatch-logs';
import { CloudWatchClient, DescribeAlarmsCommand } from '@aws-sdk/client-cloudwatch';
import { ListSubscriptionsByTopicCommand, SNSClient } from '@aws-sdk/client-sns';
import { collectAccountSnapshot } from '../../rule/collect/account';
import type { AwsReader } from '../../rule/collect/reader';
import { SdkAwsReader, createSdkAwsReader } from '../../rule/collect/sdk-reader';
import { decide } from '../../rule/decide';
import { DEFAULT_PARAMETERS, type RuleParameters } from '../../rule/parameters';
import type { AccountSnapshot, Fetched, MetricAlarm } from '../../rule/snapshot';
import { FakeAwsReader } from '../support/fake-reader';
import {
  ACCOUNT_ID,
  LOG_GROUP_NAME,
  MANAGEMENT_ACCOUNT_ID,
  METRIC_NAME,
  METRIC_NAMESPACE,
  ORG_READ_ROLE_NAME,
  REGION,
  accountIn,
  alarmArn,
  cisFilter,
  compliantWorld,
  confirmedEmail,
  organizationWorld,
  pendingEmail,
  roleArn,
  topicArn,
  type World,
} from '../support/world';
import { clientConfig, fastRetry, useLocalAws } from './helpers';
import type { LocalAws } from '../../devtools/local-aws/server';

const serve = useLocalAws();

/** Serves `world`, with AWS_ENDPOINT_URL pointing at it: how a developer points the unmodified rule at the emulator. */
async function serveToRule(world: World): Promise<LocalAws> {
  const local = await serve(world);
  process.env.AWS_ENDPOINT_URL = local.endpoint;
  return local;
}

function readerFor(emulator: LocalAws, accountId: string): SdkAwsReader {
  return new SdkAwsReader({
    accountId,
    credentials: emulator.credentialsFor(accountId),
    defaultRegion: REGION,
    clientConfig: { retryStrategy: fastRetry() },
  });
}

async function evaluate(reader: AwsReader, accountId: string, parameters: Partial<RuleParameters> = {}) {
  const full: RuleParameters = { ...DEFAULT_PARAMETERS, ...parameters };
  const snapshot = await collectAccountSnapshot(reader, { accountId, region: REGION, parameters: full });
  return { snapshot, decision: decide(snapshot, full) };
}

function value<T>(fetched: Fetched<T>): T {
  if (!fetched.ok) throw new Error(`expected a value, got ${JSON.stringify(fetched.failure)}`);
  return fetched.value;
}

const COMPLIANT_ACTIONS = [
  'cloudtrail:DescribeTrails',
  'cloudtrail:GetTrailStatus',
  'cloudtrail:GetEventSelectors',
  'logs:DescribeMetricFilters',
  'logs:TestMetricFilter',
  'cloudwatch:DescribeAlarmsForMetric',
  'sns:ListSubscriptionsByTopic',
];

describe('the rule against the local AWS', () => {
  it('finds compliantWorld COMPLIANT in exactly the 7 calls of its chain', async () => {
    const local = await serveToRule(compliantWorld());
    const { decision } = await evaluate(readerFor(local, ACCOUNT_ID), ACCOUNT_ID);
    expect(decision.complianceType).toBe('COMPLIANT');
    expect(decision.annotation).toBe(
      "Trail main (us-east-1): filter 'unauthorized-api-calls' -> alarm 'unauthorized-api-calls-alarm' -> topic security-alerts (1 confirmed subscription)",
    );
    expect(local.log.map((e) => e.action)).toEqual(COMPLIANT_ACTIONS);
    expect(local.log.every((e) => e.status === 200 && e.accountId === ACCOUNT_ID && e.region === REGION)).toBe(true);
  });

  it('retries throttled calls through to the same answer, and the log shows every attempt', async () => {
    const world = compliantWorld();
    world.faults = { throttle: [{ action: 'cloudtrail:DescribeTrails', count: 2 }, { action: 'sns:ListSubscriptionsByTopic', count: 1 }] };
    const local = await serveToRule(world);
    const { decision } = await evaluate(readerFor(local, ACCOUNT_ID), ACCOUNT_ID);
    expect(decision.complianceType).toBe('COMPLIANT');
    const attempts = local.log.map((e) => [e.action, e.errorCode ?? 'ok']);
    expect(attempts).toEqual([
      ['cloudtrail:DescribeTrails', 'ThrottlingException'],
      ['cloudtrail:DescribeTrails', 'ThrottlingException'],
      ['cloudtrail:DescribeTrails', 'ok'],
      ...COMPLIANT_ACTIONS.slice(1, 6).map((a) => [a, 'ok']),
      ['sns:ListSubscriptionsByTopic', 'Throttled'],
      ['sns:ListSubscriptionsByTopic', 'ok'],
    ]);
  });

  it('reports a denied call as the failure the decision names', async () => {
    const world = compliantWorld();
    world.faults = { deny: [{ action: 'cloudwatch:DescribeAlarmsForMetric' }] };
    const local = await serveToRule(world);
    const { decision } = await evaluate(readerFor(local, ACCOUNT_ID), ACCOUNT_ID);
    expect(decision.complianceType).toBe('NON_COMPLIANT');
    expect(decision.annotation).toContain('cloudwatch:DescribeAlarmsForMetric');
    expect(decision.annotation).toContain('(AccessDenied)');
  });
});

describe('pagination (page size 2)', () => {
  const TOPIC = topicArn(ACCOUNT_ID, REGION, 'security-alerts');

  function manyOfEverything(): World {
    const w = compliantWorld();
    const account = accountIn(w, ACCOUNT_ID);
    const group = account.logGroups.find((g) => g.name === LOG_GROUP_NAME)!;
    for (let i = 1; i <= 4; i++) group.metricFilters.push(cisFilter({ filterName: `extra-${i}` }));
    const topic = account.topics[0]!;
    // Only the last page has a confirmed subscription, so a reader that stops at one must still follow every token.
    topic.subscriptions = [pendingEmail(), pendingEmail(), pendingEmail(), pendingEmail(), confirmedEmail(TOPIC)];
    for (let i = 1; i <= 5; i++) {
      const name = `math-${i}`;
      const alarm: MetricAlarm = {
        alarmName: name,
        alarmArn: alarmArn(ACCOUNT_ID, REGION, name),
        region: REGION,
        actionsEnabled: true,
        alarmActions: [TOPIC],
        dimensions: [],
        evaluationPeriods: 1,
        threshold: 1,
        comparisonOperator: 'GreaterThanOrEqualToThreshold',
        metrics: [
          {
            id: 'm1',
            returnData: true,
            metricStat: { metric: { namespace: METRIC_NAMESPACE, metricName: METRIC_NAME, dimensions: [] }, period: 300, stat: 'Sum' },
          },
        ],
      };
      account.alarms.push(alarm);
    }
    return w;
  }

  it('gives a client that ignores next tokens only the first page', async () => {
    const local = await serveToRule(manyOfEverything());
    const config = clientConfig(local, ACCOUNT_ID);
    const filters = await new CloudWatchLogsClient(config).send(new DescribeMetricFiltersCommand({ logGroupName: LOG_GROUP_NAME }));
    expect(filters.metricFilters).toHaveLength(2);
    expect(filters.nextToken).toBeDefined();
    const alarms = await new CloudWatchClient(config).send(new DescribeAlarmsCommand({ MaxRecords: 100 }));
    expect(alarms.MetricAlarms).toHaveLength(2);
    expect(alarms.NextToken).toBeDefined();
    const subscriptions = await new SNSClient(config).send(new ListSubscriptionsByTopicCommand({ TopicArn: TOPIC }));
    expect(subscriptions.Subscriptions).toHaveLength(2);
    expect(subscriptions.NextToken).toBeDefined();
  });

  it('gives the rule, which follows them, every item', async () => {
    const local = await serveToRule(manyOfEverything());
    const reader = readerFor(local, ACCOUNT_ID);
    expect(value(await reader.describeMetricFilters(LOG_GROUP_NAME, REGION)).map((f) => f.filterName)).toEqual([
      'extra-1',
      'extra-2',
      'extra-3',
      'extra-4',
      'unauthorized-api-calls',
    ]);
    expect(value(await reader.describeMetricMathAlarms(REGION)).map((a) => a.alarmName)).toEqual(['math-1', 'math-2', 'math-3', 'math-4', 'math-5']);
    expect(value(await reader.listSubscriptionsByTopic(TOPIC))).toHaveLength(5);
    const pages = (action: string) => local.log.filter((e) => e.action === action).length;
    expect([pages('logs:DescribeMetricFilters'), pages('cloudwatch:DescribeAlarms'), pages('sns:ListSubscriptionsByTopic')]).toEqual([3, 3, 3]);
  });
});

describe('organization trails: the same answers as FakeAwsReader', () => {
  /** Timestamps come back through a Date from the SDK (with milliseconds), as stored from the fake. */
  function normalised(snapshot: AccountSnapshot): unknown {
    return JSON.parse(
      JSON.stringify(snapshot, (key, v: unknown) =>
        key === 'latestCloudWatchLogsDeliveryTime' && typeof v === 'string' ? new Date(v).toISOString() : v,
      ),
    );
  }

  it.each([
    ['a member with the org-trail read role', ACCOUNT_ID, { orgTrailReadRoleName: ORG_READ_ROLE_NAME }],
    ['a member without it', ACCOUNT_ID, {}],
    ['a member whose role is not trusted', ACCOUNT_ID, { orgTrailReadRoleName: 'SomeOtherRole' }],
    ['the management account', MANAGEMENT_ACCOUNT_ID, {}],
  ])('%s', async (_name, accountId, parameters: Partial<RuleParameters>) => {
    const local = await serveToRule(organizationWorld());
    const fake = new FakeAwsReader(organizationWorld(), accountId);
    const expected = await evaluate(fake, accountId, parameters);
    const actual = await evaluate(readerFor(local, accountId), accountId, parameters);

    expect(actual.decision).toEqual(expected.decision);
    expect(normalised(actual.snapshot)).toEqual(normalised(expected.snapshot));
    expect(local.log.map((e) => ({ action: e.action, accountId: e.accountId }))).toEqual(
      fake.calls.map((c) => ({ action: c.action, accountId: c.accountId })),
    );
  });

  it('gives AssumeRole credentials that identify the role account', async () => {
    const local = await serveToRule(organizationWorld());
    const member = readerFor(local, ACCOUNT_ID);
    const assumed = value(await member.assumeRole(roleArn(MANAGEMENT_ACCOUNT_ID, ORG_READ_ROLE_NAME)));
    expect(assumed.accountId).toBe(MANAGEMENT_ACCOUNT_ID);
    const trails = value(await assumed.describeTrails(REGION));
    expect(trails.map((t) => t.ownerAccountId)).toEqual([MANAGEMENT_ACCOUNT_ID]);
    expect(local.log.at(-1)).toMatchObject({ action: 'cloudtrail:DescribeTrails', accountId: MANAGEMENT_ACCOUNT_ID, status: 200 });

    // createSdkAwsReader finds the account from GetCallerIdentity alone.
    const found = await createSdkAwsReader({ region: REGION, credentials: local.credentialsFor(ACCOUNT_ID) });
    expect(value(found).accountId).toBe(ACCOUNT_ID);
  });
});
