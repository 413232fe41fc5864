/**
 * Every operation the emulator serves, called with the real SDK v3 clients (KMS, which has no SDK client in the
 * project, with raw JSON 1.1 as the SDK would send it): request and answer shapes, AWS's semantics, AWS's errors.
 */
import { CloudTrailClient, DescribeTrailsCommand, GetEventSelectorsCommand, GetTrailStatusCommand } from '@aws-sdk/client-cloudtrail';
import { CloudWatchClient, DescribeAlarmsCommand, DescribeAlarmsForMetricCommand, PutMetricAlarmCommand } from '@aws-sdk/client-cloudwatch';
import type { PutMetricAlarmCommandInput } from '@aws-sdk/client-cloudwatch';
import {
  CloudWatchLogsClient,
  DescribeLogGroupsCommand,
  DescribeMetricFiltersCommand,
  PutMetricFilterCommand,
  TestMetricFilterCommand,
} from '@aws-sdk/client-cloudwatch-logs';
import { ConfigServiceClient, PutEvaluationsCommand } from '@aws-sdk/client-config-service';
import {
  CreateTopicCommand,
  GetTopicAttributesCommand,
  ListSubscriptionsByTopicCommand,
  SNSClient,
  SetTopicAttributesCommand,
  SubscribeCommand,
} from '@aws-sdk/client-sns';
import { AssumeRoleCommand, GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { putEvaluations } from '../../rule/publish';
import { CIS_PATTERNS } from '../../rule/pattern/cis';
import type { LocalAws } from '../../devtools/local-aws/server';
import {
  ACCOUNT_ID,
  ALARM_NAME,
  LOG_GROUP_NAME,
  MANAGEMENT_ACCOUNT_ID,
  METRIC_NAME,
  METRIC_NAMESPACE,
  ORG_LOG_GROUP_NAME,
  ORG_READ_ROLE_NAME,
  ORG_TRAIL_NAME,
  REGION,
  accountIn,
  cisFilter,
  compliantWorld,
  logGroupArn,
  organizationWorld,
  roleArn,
  topicArn,
  trail,
  trailArn,
  type World,
} from '../support/world';
import { clientConfig, rawJson, useLocalAws } from './helpers';

const serve = useLocalAws();
const OTHER_REGION = 'eu-west-1';
const MAIN_ARN = trailArn(ACCOUNT_ID, { name: 'main', homeRegion: REGION });
const TOPIC_ARN = topicArn(ACCOUNT_ID, REGION, 'security-alerts');

/** What an SDK call throws, for asserting on its name and message. */
async function rejection(promise: Promise<unknown>): Promise<Error & { $metadata?: { httpStatusCode?: number } }> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected the call to fail');
}

function clients(local: LocalAws, accountId = ACCOUNT_ID, region = REGION) {
  const config = clientConfig(local, accountId, region);
  return {
    cloudTrail: new CloudTrailClient(config),
    logs: new CloudWatchLogsClient(config),
    cloudWatch: new CloudWatchClient(config),
    sns: new SNSClient(config),
    sts: new STSClient(config),
    config: new ConfigServiceClient(config),
  };
}

describe('cloudtrail', () => {
  it('DescribeTrails: own trails of the region or multi-region, shadow trails of the organization', async () => {
    const world = organizationWorld();
    accountIn(world, ACCOUNT_ID).trails.push(trail({ name: 'regional', homeRegion: OTHER_REGION, isMultiRegionTrail: false }));
    const local = await serve(world);
    const member = clients(local).cloudTrail;

    const all = await member.send(new DescribeTrailsCommand({}));
    expect(all.trailList?.map((t) => t.TrailARN)).toEqual([trailArn(MANAGEMENT_ACCOUNT_ID, { name: ORG_TRAIL_NAME, homeRegion: REGION })]);
    expect(all.trailList?.[0]).toMatchObject({
      Name: ORG_TRAIL_NAME,
      HomeRegion: REGION,
      IsMultiRegionTrail: true,
      IsOrganizationTrail: true,
      CloudWatchLogsLogGroupArn: logGroupArn(MANAGEMENT_ACCOUNT_ID, REGION, ORG_LOG_GROUP_NAME),
    });
    // Without shadow trails a member does not see the organization trail.
    expect((await member.send(new DescribeTrailsCommand({ includeShadowTrails: false }))).trailList).toEqual([]);
    // The regional trail is seen in its own region only, and by name only there.
    const inOther = clients(local, ACCOUNT_ID, OTHER_REGION).cloudTrail;
    const named = await inOther.send(new DescribeTrailsCommand({ trailNameList: ['regional'] }));
    expect(named.trailList?.map((t) => t.Name)).toEqual(['regional']);
    expect((await member.send(new DescribeTrailsCommand({ trailNameList: ['regional'] }))).trailList).toEqual([]);
  });

  it('GetTrailStatus by ARN (timestamps as dates) and by name in the home region only', async () => {
    const local = await serve(compliantWorld());
    const cloudTrail = clients(local).cloudTrail;
    const status = await cloudTrail.send(new GetTrailStatusCommand({ Name: MAIN_ARN }));
    expect(status.IsLogging).toBe(true);
    expect(status.LatestCloudWatchLogsDeliveryTime).toEqual(new Date('2025-01-01T00:00:00Z'));
    expect((await cloudTrail.send(new GetTrailStatusCommand({ Name: 'main' }))).IsLogging).toBe(true);

    const elsewhere = clients(local, ACCOUNT_ID, OTHER_REGION).cloudTrail;
    const error = await rejection(elsewhere.send(new GetTrailStatusCommand({ Name: 'main' })));
    expect(error.name).toBe('TrailNotFoundException');
    expect(error.message).toBe(`Unknown trail: main for the user: ${ACCOUNT_ID}`);
    expect((await rejection(cloudTrail.send(new GetTrailStatusCommand({ Name: 'arn:aws:s3:::bucket' })))).name).toBe('CloudTrailARNInvalidException');
  });

  it('GetEventSelectors: classic or advanced selectors as stored', async () => {
    const world = compliantWorld();
    world.accounts[0]!.trails.push(
      trail({
        name: 'advanced',
        eventSelectors: undefined,
        advancedEventSelectors: [{ name: 'mgmt', fieldSelectors: [{ field: 'eventCategory', equals: ['Management'] }] }],
      }),
    );
    const local = await serve(world);
    const cloudTrail = clients(local).cloudTrail;
    const classic = await cloudTrail.send(new GetEventSelectorsCommand({ TrailName: MAIN_ARN }));
    expect(classic.TrailARN).toBe(MAIN_ARN);
    expect(classic.EventSelectors).toEqual([{ ReadWriteType: 'All', IncludeManagementEvents: true, DataResources: [] }]);
    expect(classic.AdvancedEventSelectors).toBeUndefined();
    const advanced = await cloudTrail.send(new GetEventSelectorsCommand({ TrailName: 'advanced' }));
    expect(advanced.EventSelectors).toBeUndefined();
    expect(advanced.AdvancedEventSelectors).toEqual([{ Name: 'mgmt', FieldSelectors: [{ Field: 'eventCategory', Equals: ['Management'] }] }]);
  });
});

describe('logs', () => {
  it('DescribeLogGroups by prefix, in the calling region', async () => {
    const world = compliantWorld();
    world.accounts[0]!.logGroups.push(
      { name: 'aws-other', region: REGION, metricFilters: [] },
      { name: 'aws-cloudtrail-logs', region: OTHER_REGION, metricFilters: [] },
    );
    const local = await serve(world);
    const response = await clients(local).logs.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: 'aws-c', limit: 50 }));
    expect(response.logGroups).toEqual([
      expect.objectContaining({
        logGroupName: LOG_GROUP_NAME,
        arn: logGroupArn(ACCOUNT_ID, REGION, LOG_GROUP_NAME),
        logGroupArn: logGroupArn(ACCOUNT_ID, REGION, LOG_GROUP_NAME).replace(/:\*$/, ''),
        metricFilterCount: 1,
      }),
    ]);
  });

  it('DescribeMetricFilters of a log group, ResourceNotFoundException for an absent one', async () => {
    const local = await serve(compliantWorld());
    const logs = clients(local).logs;
    const response = await logs.send(new DescribeMetricFiltersCommand({ logGroupName: LOG_GROUP_NAME }));
    expect(response.metricFilters).toEqual([
      expect.objectContaining({ ...cisFilter(), logGroupName: LOG_GROUP_NAME }),
    ]);
    const error = await rejection(logs.send(new DescribeMetricFiltersCommand({ logGroupName: 'absent' })));
    expect(error.name).toBe('ResourceNotFoundException');
    expect(error.message).toBe('The specified log group does not exist.');
    const byMetric = await logs.send(new DescribeMetricFiltersCommand({ metricName: METRIC_NAME, metricNamespace: METRIC_NAMESPACE }));
    expect(byMetric.metricFilters?.map((f) => f.filterName)).toEqual(['unauthorized-api-calls']);
  });

  it('PutMetricFilter creates or replaces by group and name, refuses invalid patterns and the 101st filter', async () => {
    const world = compliantWorld();
    const local = await serve(world);
    const logs = clients(local).logs;
    const put = (filterName: string, filterPattern: string, logGroupName = LOG_GROUP_NAME) =>
      logs.send(
        new PutMetricFilterCommand({
          logGroupName,
          filterName,
          filterPattern,
          metricTransformations: [{ metricName: 'M', metricNamespace: 'N', metricValue: '1', defaultValue: 0 }],
        }),
      );
    await put('unauthorized-api-calls', '{ $.errorCode = "AccessDenied*" }');
    await put('second', CIS_PATTERNS['cis-1.2']);
    const group = world.accounts[0]!.logGroups[0]!;
    expect(group.metricFilters.map((f) => [f.filterName, f.filterPattern])).toEqual([
      ['unauthorized-api-calls', '{ $.errorCode = "AccessDenied*" }'],
      ['second', CIS_PATTERNS['cis-1.2']],
    ]);
    expect(group.metricFilters[0]!.metricTransformations).toEqual([{ metricName: 'M', metricNamespace: 'N', metricValue: '1', defaultValue: 0 }]);

    const invalid = await rejection(put('bad', '{ $.errorCode = '));
    expect(invalid.name).toBe('InvalidParameterException');
    expect(invalid.message).toMatch(/^Invalid metric filter pattern: at character \d+: /);
    expect((await rejection(put('x', '', 'absent'))).name).toBe('ResourceNotFoundException');

    for (let i = group.metricFilters.length; i < 100; i++) group.metricFilters.push(cisFilter({ filterName: `f-${i}` }));
    expect((await rejection(put('one-too-many', ''))).name).toBe('LimitExceededException');
    await put('second', ''); // replacing still works at the limit
    expect(group.metricFilters).toHaveLength(100);
  });

  it('TestMetricFilter with the project engine: 1-based event numbers of the matches; parser errors as AWS errors', async () => {
    const local = await serve(compliantWorld());
    const logs = clients(local).logs;
    const response = await logs.send(
      new TestMetricFilterCommand({
        filterPattern: CIS_PATTERNS['cis-2.0'],
        logEventMessages: [
          JSON.stringify({ errorCode: 'AccessDenied', sourceIPAddress: '1.2.3.4', eventName: 'GetObject' }),
          JSON.stringify({ errorCode: 'ThrottlingException' }),
          JSON.stringify({ errorCode: 'Client.UnauthorizedOperation' }),
        ],
      }),
    );
    expect(response.matches?.map((m) => m.eventNumber)).toEqual([1, 3]);
    expect(response.matches?.[0]?.eventMessage).toContain('AccessDenied');
    const error = await rejection(logs.send(new TestMetricFilterCommand({ filterPattern: '{ status = 1 }', logEventMessages: ['{}'] })));
    expect(error.name).toBe('InvalidParameterException');
    expect(error.message).toMatch(/^Invalid metric filter pattern: /);
  });
});

describe('cloudwatch', () => {
  const metricAlarm = (overrides: Partial<PutMetricAlarmCommandInput> = {}): PutMetricAlarmCommandInput => ({
    AlarmName: 'new-alarm',
    MetricName: METRIC_NAME,
    Namespace: METRIC_NAMESPACE,
    Statistic: 'Sum',
    Period: 300,
    EvaluationPeriods: 1,
    Threshold: 1,
    ComparisonOperator: 'GreaterThanOrEqualToThreshold',
    TreatMissingData: 'notBreaching',
    AlarmActions: [TOPIC_ARN],
    ...overrides,
  });

  it('DescribeAlarmsForMetric: standard alarms on exactly that metric in the region', async () => {
    const local = await serve(compliantWorld());
    const cloudWatch = clients(local).cloudWatch;
    const found = await cloudWatch.send(new DescribeAlarmsForMetricCommand({ Namespace: METRIC_NAMESPACE, MetricName: METRIC_NAME }));
    expect(found.MetricAlarms).toHaveLength(1);
    expect(found.MetricAlarms?.[0]).toMatchObject({
      AlarmName: ALARM_NAME,
      ActionsEnabled: true,
      AlarmActions: [TOPIC_ARN],
      Statistic: 'Sum',
      Period: 300,
      Threshold: 1,
      EvaluationPeriods: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      TreatMissingData: 'notBreaching',
      Dimensions: [],
    });
    expect(found.MetricAlarms?.[0]?.AlarmConfigurationUpdatedTimestamp).toBeInstanceOf(Date);
    const otherNamespace = await cloudWatch.send(new DescribeAlarmsForMetricCommand({ Namespace: 'LogMetrics', MetricName: METRIC_NAME }));
    expect(otherNamespace.MetricAlarms).toEqual([]);
    const elsewhere = clients(local, ACCOUNT_ID, OTHER_REGION).cloudWatch;
    expect((await elsewhere.send(new DescribeAlarmsForMetricCommand({ Namespace: METRIC_NAMESPACE, MetricName: METRIC_NAME }))).MetricAlarms).toEqual([]);
  });

  it('PutMetricAlarm creates, and fully replaces by name', async () => {
    const world = compliantWorld();
    const local = await serve(world);
    const cloudWatch = clients(local).cloudWatch;
    await cloudWatch.send(new PutMetricAlarmCommand(metricAlarm({ OKActions: [TOPIC_ARN], Dimensions: [{ Name: 'a', Value: 'b' }] })));
    await cloudWatch.send(new PutMetricAlarmCommand(metricAlarm({ Threshold: 2 })));
    const alarms = await cloudWatch.send(new DescribeAlarmsCommand({ AlarmNames: ['new-alarm'] }));
    expect(alarms.MetricAlarms).toHaveLength(1);
    // The second put had no OKActions and no dimensions: an update overwrites the whole alarm.
    expect(alarms.MetricAlarms?.[0]).toMatchObject({ Threshold: 2, OKActions: [], Dimensions: [], AlarmActions: [TOPIC_ARN] });
    expect(world.accounts[0]!.alarms.filter((a) => a.alarmName === 'new-alarm')).toHaveLength(1);

    const math = metricAlarm({
      AlarmName: 'math',
      MetricName: undefined,
      Namespace: undefined,
      Statistic: undefined,
      Period: undefined,
      Metrics: [
        {
          Id: 'm1',
          ReturnData: true,
          MetricStat: { Metric: { Namespace: METRIC_NAMESPACE, MetricName: METRIC_NAME, Dimensions: [] }, Period: 300, Stat: 'Sum' },
        },
      ],
    });
    await cloudWatch.send(new PutMetricAlarmCommand(math));
    const described = await cloudWatch.send(new DescribeAlarmsCommand({ AlarmNames: ['math'] }));
    expect(described.MetricAlarms?.[0]?.Metrics?.[0]?.MetricStat?.Metric?.MetricName).toBe(METRIC_NAME);
    // Metric-math alarms are not "for" a metric.
    const forMetric = await cloudWatch.send(new DescribeAlarmsForMetricCommand({ Namespace: METRIC_NAMESPACE, MetricName: METRIC_NAME }));
    expect(forMetric.MetricAlarms?.map((a) => a.AlarmName).sort()).toEqual(['new-alarm', ALARM_NAME]);

    const both = await rejection(cloudWatch.send(new PutMetricAlarmCommand({ ...math, MetricName: METRIC_NAME })));
    expect(both.name).toBe('InvalidParameterCombinationException');
    const badPeriod = await rejection(cloudWatch.send(new PutMetricAlarmCommand(metricAlarm({ Period: 45 }))));
    expect(badPeriod.name).toBe('ValidationException');
  });

  it('DescribeAlarms by names or types, MaxRecords at most 100, pages of the emulator size', async () => {
    const local = await serve(compliantWorld());
    const cloudWatch = clients(local).cloudWatch;
    for (const name of ['b', 'a', 'c']) await cloudWatch.send(new PutMetricAlarmCommand(metricAlarm({ AlarmName: name })));
    const first = await cloudWatch.send(new DescribeAlarmsCommand({ MaxRecords: 100 }));
    expect(first.MetricAlarms?.map((a) => a.AlarmName)).toEqual(['a', 'b']);
    const second = await cloudWatch.send(new DescribeAlarmsCommand({ MaxRecords: 100, NextToken: first.NextToken }));
    expect(second.MetricAlarms?.map((a) => a.AlarmName)).toEqual(['c', ALARM_NAME]);
    expect(second.NextToken).toBeUndefined();
    expect((await cloudWatch.send(new DescribeAlarmsCommand({ AlarmTypes: ['CompositeAlarm'] }))).MetricAlarms).toEqual([]);
    expect((await rejection(cloudWatch.send(new DescribeAlarmsCommand({ MaxRecords: 101 })))).name).toBe('ValidationException');
    expect((await rejection(cloudWatch.send(new DescribeAlarmsCommand({ NextToken: 'garbage' })))).name).toBe('InvalidNextToken');
  });
});

describe('sns', () => {
  it('CreateTopic is idempotent by name, and refuses different attributes', async () => {
    const world = compliantWorld();
    const local = await serve(world);
    const sns = clients(local).sns;
    const created = await sns.send(new CreateTopicCommand({ Name: 'alerts', Attributes: { DisplayName: 'Alerts', KmsMasterKeyId: 'alias/sec' } }));
    expect(created.TopicArn).toBe(topicArn(ACCOUNT_ID, REGION, 'alerts'));
    expect((await sns.send(new CreateTopicCommand({ Name: 'alerts' }))).TopicArn).toBe(created.TopicArn);
    expect((await sns.send(new CreateTopicCommand({ Name: 'alerts', Attributes: { DisplayName: 'Alerts' } }))).TopicArn).toBe(created.TopicArn);
    const error = await rejection(sns.send(new CreateTopicCommand({ Name: 'alerts', Attributes: { DisplayName: 'Other' } })));
    expect(error.name).toBe('InvalidParameterException');
    expect(error.message).toBe('Invalid parameter: Attributes Reason: Topic already exists with different attributes');
    expect(world.accounts[0]!.topics.filter((t) => t.topicArn === created.TopicArn)).toHaveLength(1);
    expect((await rejection(sns.send(new CreateTopicCommand({ Name: 'no spaces' })))).name).toBe('InvalidParameterException');
  });

  it('GetTopicAttributes and SetTopicAttributes: default policy, counts, KMS key', async () => {
    const world = compliantWorld();
    world.accounts[0]!.topics[0]!.subscriptions.push({ subscriptionArn: 'PendingConfirmation', protocol: 'email', endpoint: 'x@example.com' });
    const local = await serve(world);
    const sns = clients(local).sns;
    const before = (await sns.send(new GetTopicAttributesCommand({ TopicArn: TOPIC_ARN }))).Attributes!;
    expect(before).toMatchObject({ TopicArn: TOPIC_ARN, Owner: ACCOUNT_ID, DisplayName: '', SubscriptionsConfirmed: '1', SubscriptionsPending: '1' });
    expect(JSON.parse(before.Policy!)).toMatchObject({ Statement: [{ Condition: { StringEquals: { 'AWS:SourceOwner': ACCOUNT_ID } } }] });
    expect(before.KmsMasterKeyId).toBeUndefined();

    const policy = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'cloudwatch.amazonaws.com' }, Action: 'sns:Publish', Resource: TOPIC_ARN }] });
    await sns.send(new SetTopicAttributesCommand({ TopicArn: TOPIC_ARN, AttributeName: 'Policy', AttributeValue: policy }));
    await sns.send(new SetTopicAttributesCommand({ TopicArn: TOPIC_ARN, AttributeName: 'KmsMasterKeyId', AttributeValue: 'alias/sec' }));
    const after = (await sns.send(new GetTopicAttributesCommand({ TopicArn: TOPIC_ARN }))).Attributes!;
    expect(after).toMatchObject({ Policy: policy, KmsMasterKeyId: 'alias/sec' });
    expect(world.accounts[0]!.topics[0]!.attributes).toEqual({ Policy: policy, KmsMasterKeyId: 'alias/sec' });

    const bad = await rejection(sns.send(new SetTopicAttributesCommand({ TopicArn: TOPIC_ARN, AttributeName: 'Policy', AttributeValue: '{' })));
    expect(bad.name).toBe('InvalidParameterException');
    expect((await rejection(sns.send(new SetTopicAttributesCommand({ TopicArn: TOPIC_ARN, AttributeName: 'Nope', AttributeValue: 'x' })))).name).toBe(
      'InvalidParameterException',
    );
    const absent = await rejection(sns.send(new GetTopicAttributesCommand({ TopicArn: topicArn(ACCOUNT_ID, REGION, 'absent') })));
    expect([absent.name, absent.$metadata?.httpStatusCode]).toEqual(['NotFoundException', 404]);
  });

  it('Subscribe: email pending, same-account SQS and Lambda confirmed at once, cross-account SQS pending', async () => {
    const world = compliantWorld();
    const local = await serve(world);
    const sns = clients(local).sns;
    const subscribe = (Protocol: string, Endpoint: string) => sns.send(new SubscribeCommand({ TopicArn: TOPIC_ARN, Protocol, Endpoint }));
    expect((await subscribe('email', 'oncall@example.com')).SubscriptionArn).toBe('pending confirmation');
    expect((await subscribe('https', 'https://hooks.example.com/x')).SubscriptionArn).toBe('pending confirmation');
    const sqs = (await subscribe('sqs', `arn:aws:sqs:${REGION}:${ACCOUNT_ID}:alerts`)).SubscriptionArn!;
    expect(sqs).toMatch(new RegExp(`^${TOPIC_ARN}:[0-9a-f-]{36}$`));
    expect((await subscribe('lambda', `arn:aws:lambda:${REGION}:${ACCOUNT_ID}:function:notify`)).SubscriptionArn).toMatch(/^arn:aws:sns:/);
    expect((await subscribe('sqs', `arn:aws:sqs:${REGION}:444455556666:alerts`)).SubscriptionArn).toBe('pending confirmation');
    // Subscribing again returns the existing subscription.
    expect((await subscribe('sqs', `arn:aws:sqs:${REGION}:${ACCOUNT_ID}:alerts`)).SubscriptionArn).toBe(sqs);
    expect((await rejection(subscribe('email', 'not-an-address'))).name).toBe('InvalidParameterException');
    expect((await rejection(subscribe('carrier-pigeon', 'x'))).name).toBe('InvalidParameterException');

    const listed = [];
    let NextToken: string | undefined;
    do {
      const page = await sns.send(new ListSubscriptionsByTopicCommand({ TopicArn: TOPIC_ARN, NextToken }));
      listed.push(...(page.Subscriptions ?? []));
      NextToken = page.NextToken;
    } while (NextToken);
    expect(listed.map((s) => [s.Protocol, s.SubscriptionArn === 'PendingConfirmation'])).toEqual([
      ['email', false],
      ['email', true],
      ['https', true],
      ['sqs', false],
      ['lambda', false],
      ['sqs', true],
    ]);
    expect(listed.every((s) => s.TopicArn === TOPIC_ARN && s.Owner === ACCOUNT_ID)).toBe(true);
  });

  it('ListSubscriptionsByTopic: another account is refused, another region does not know the topic', async () => {
    const local = await serve(organizationWorld());
    const managementTopic = topicArn(MANAGEMENT_ACCOUNT_ID, REGION, 'security-alerts');
    const crossAccount = await rejection(clients(local).sns.send(new ListSubscriptionsByTopicCommand({ TopicArn: managementTopic })));
    expect([crossAccount.name, crossAccount.$metadata?.httpStatusCode]).toEqual(['AuthorizationErrorException', 403]);
    expect(crossAccount.message).toBe(
      `User: arn:aws:iam::${ACCOUNT_ID}:root is not authorized to perform: SNS:ListSubscriptionsByTopic on resource: ${managementTopic}`,
    );
    const wrongRegion = clients(local, MANAGEMENT_ACCOUNT_ID, OTHER_REGION).sns;
    expect((await rejection(wrongRegion.send(new ListSubscriptionsByTopicCommand({ TopicArn: managementTopic })))).name).toBe('InvalidParameterException');
  });
});

describe('sts', () => {
  it('GetCallerIdentity for an account key, AssumeRole for a trusted account, the session identifying the role', async () => {
    const local = await serve(organizationWorld());
    const identity = await clients(local).sts.send(new GetCallerIdentityCommand({}));
    expect(identity).toMatchObject({ Account: ACCOUNT_ID, Arn: `arn:aws:iam::${ACCOUNT_ID}:root`, UserId: ACCOUNT_ID });

    const role = roleArn(MANAGEMENT_ACCOUNT_ID, ORG_READ_ROLE_NAME);
    const assumed = await clients(local).sts.send(new AssumeRoleCommand({ RoleArn: role, RoleSessionName: 'audit', DurationSeconds: 900 }));
    const credentials = assumed.Credentials!;
    expect(credentials.AccessKeyId).toMatch(/^ASIA[A-Z2-7]{16}$/);
    expect(credentials.Expiration!.getTime() - Date.now()).toBeGreaterThan(800_000);
    expect(assumed.AssumedRoleUser?.Arn).toBe(`arn:aws:sts::${MANAGEMENT_ACCOUNT_ID}:assumed-role/${ORG_READ_ROLE_NAME}/audit`);

    const asRole = new STSClient({
      region: REGION,
      endpoint: local.endpoint,
      credentials: { accessKeyId: credentials.AccessKeyId!, secretAccessKey: credentials.SecretAccessKey!, sessionToken: credentials.SessionToken! },
    });
    const roleIdentity = await asRole.send(new GetCallerIdentityCommand({}));
    expect(roleIdentity.Account).toBe(MANAGEMENT_ACCOUNT_ID);
    expect(roleIdentity.Arn).toBe(assumed.AssumedRoleUser?.Arn);
    expect(roleIdentity.UserId).toBe(assumed.AssumedRoleUser?.AssumedRoleId);

    // A session key without its token is not a credential.
    const noToken = new STSClient({ region: REGION, endpoint: local.endpoint, credentials: { accessKeyId: credentials.AccessKeyId!, secretAccessKey: 'x' } });
    expect((await rejection(noToken.send(new GetCallerIdentityCommand({})))).name).toBe('InvalidClientTokenId');
  });

  it('AssumeRole is AccessDenied for an untrusted account or an absent role', async () => {
    const local = await serve(organizationWorld());
    const management = clients(local, MANAGEMENT_ACCOUNT_ID).sts;
    // The role trusts the member account, not its own.
    const untrusted = await rejection(
      management.send(new AssumeRoleCommand({ RoleArn: roleArn(MANAGEMENT_ACCOUNT_ID, ORG_READ_ROLE_NAME), RoleSessionName: 'session' })),
    );
    expect([untrusted.name, untrusted.$metadata?.httpStatusCode]).toEqual(['AccessDenied', 403]);
    expect(untrusted.message).toBe(
      `User: arn:aws:iam::${MANAGEMENT_ACCOUNT_ID}:root is not authorized to perform: sts:AssumeRole on resource: ${roleArn(MANAGEMENT_ACCOUNT_ID, ORG_READ_ROLE_NAME)}`,
    );
    const absent = await rejection(clients(local).sts.send(new AssumeRoleCommand({ RoleArn: roleArn(MANAGEMENT_ACCOUNT_ID, 'Nope'), RoleSessionName: 'ss' })));
    expect(absent.name).toBe('AccessDenied');
    const badName = await rejection(clients(local).sts.send(new AssumeRoleCommand({ RoleArn: roleArn(MANAGEMENT_ACCOUNT_ID, 'Nope'), RoleSessionName: 'bad name' })));
    expect(badName.name).toBe('ValidationError');
  });
});

describe('kms (JSON 1.1 as the SDK sends it)', () => {
  const KEY_ID = '1234abcd-12ab-34cd-56ef-1234567890ab';
  const KEY_ARN = `arn:aws:kms:${REGION}:${ACCOUNT_ID}:key/${KEY_ID}`;

  function withKey(): World {
    const world = compliantWorld();
    world.accounts[0]!.kmsKeys = [{ keyId: KEY_ID, arn: KEY_ARN, aliases: ['alias/security-alerts'], region: REGION, keyManager: 'CUSTOMER' }];
    return world;
  }

  const describeKey = (local: LocalAws, KeyId: string) =>
    rawJson(local, { target: 'TrentService.DescribeKey', body: { KeyId }, accessKeyId: local.credentialsFor(ACCOUNT_ID).accessKeyId, service: 'kms' });

  it('DescribeKey by key id, key ARN, alias and alias ARN', async () => {
    const local = await serve(withKey());
    for (const id of [KEY_ID, KEY_ARN, 'alias/security-alerts', `arn:aws:kms:${REGION}:${ACCOUNT_ID}:alias/security-alerts`]) {
      const answer = await describeKey(local, id);
      expect(answer.status).toBe(200);
      expect(answer.headers.get('content-type')).toBe('application/x-amz-json-1.1');
      expect(answer.json.KeyMetadata).toMatchObject({ KeyId: KEY_ID, Arn: KEY_ARN, AWSAccountId: ACCOUNT_ID, KeyManager: 'CUSTOMER', KeyState: 'Enabled' });
      expect(typeof (answer.json.KeyMetadata as { CreationDate: unknown }).CreationDate).toBe('number');
    }
  });

  it('creates the AWS managed key of a predefined alias, as KMS does; NotFoundException otherwise', async () => {
    const world = withKey();
    const local = await serve(world);
    const managed = await describeKey(local, 'alias/aws/sns');
    expect(managed.json.KeyMetadata).toMatchObject({ KeyManager: 'AWS' });
    expect((await describeKey(local, 'alias/aws/sns')).json.KeyMetadata).toEqual(managed.json.KeyMetadata);
    expect(world.accounts[0]!.kmsKeys?.map((k) => k.aliases)).toEqual([['alias/security-alerts'], ['alias/aws/sns']]);

    const missing = await describeKey(local, 'alias/nope');
    expect([missing.status, missing.json.__type, missing.json.message]).toEqual([
      400,
      'NotFoundException',
      `Alias arn:aws:kms:${REGION}:${ACCOUNT_ID}:alias/nope is not found.`,
    ]);
  });
});

describe('config', () => {
  it('PutEvaluations records what the rule publishes; TestMode calls are flagged', async () => {
    const world = compliantWorld();
    const local = await serve(world);
    const client = clients(local).config;
    const evaluation = {
      ComplianceResourceType: 'AWS::::Account',
      ComplianceResourceId: ACCOUNT_ID,
      ComplianceType: 'COMPLIANT' as const,
      Annotation: 'all good',
      OrderingTimestamp: new Date('2025-06-01T12:00:00Z'),
    };
    await putEvaluations(client, [evaluation], 'token-1');
    await putEvaluations(client, [{ ...evaluation, ComplianceType: 'NON_COMPLIANT' }], 'TESTMODE');
    expect(world.evaluations).toEqual([
      {
        accountId: ACCOUNT_ID,
        region: REGION,
        resultToken: 'token-1',
        testMode: false,
        complianceResourceType: 'AWS::::Account',
        complianceResourceId: ACCOUNT_ID,
        complianceType: 'COMPLIANT',
        annotation: 'all good',
        orderingTimestamp: '2025-06-01T12:00:00.000Z',
      },
      expect.objectContaining({ resultToken: 'TESTMODE', testMode: true, complianceType: 'NON_COMPLIANT' }),
    ]);
  });

  it('refuses what Config refuses; FailedEvaluations for all with faults.failedEvaluations', async () => {
    const world = compliantWorld();
    const local = await serve(world);
    const client = clients(local).config;
    const base = { ComplianceResourceType: 'AWS::::Account', ComplianceResourceId: ACCOUNT_ID, OrderingTimestamp: new Date() };
    const long = await rejection(
      client.send(new PutEvaluationsCommand({ ResultToken: 't', Evaluations: [{ ...base, ComplianceType: 'COMPLIANT', Annotation: 'x'.repeat(257) }] })),
    );
    expect(long.name).toBe('ValidationException');
    const insufficient = await rejection(
      client.send(new PutEvaluationsCommand({ ResultToken: 't', Evaluations: [{ ...base, ComplianceType: 'INSUFFICIENT_DATA' }] })),
    );
    expect(insufficient.name).toBe('InvalidParameterValueException');

    world.faults = { failedEvaluations: true };
    const response = await client.send(new PutEvaluationsCommand({ ResultToken: 't', Evaluations: [{ ...base, ComplianceType: 'COMPLIANT' }] }));
    expect(response.FailedEvaluations).toEqual([{ ...base, ComplianceType: 'COMPLIANT' }]);
    await expect(putEvaluations(client, [{ ...base, ComplianceType: 'COMPLIANT' }], 't')).rejects.toThrow('AWS Config refused 1 of 1 evaluation(s)');
    expect(world.evaluations).toBeUndefined();
  });
});
