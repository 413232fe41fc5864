/**
 * The wire as clients other than SDK v3 see it: CloudWatch over the Query protocol (what the AWS CLI / older
 * botocore send), SNS and STS XML, botocore's CloudTrail target, the error shapes of authentication and routing
 * failures, and every JSON answer checked member by member against the SDK's own output schemas.
 */
import * as cloudtrailSdk from '@aws-sdk/client-cloudtrail';
import * as cloudwatchSdk from '@aws-sdk/client-cloudwatch';
import * as logsSdk from '@aws-sdk/client-cloudwatch-logs';
import { CloudWatchLogsClient, DescribeMetricFiltersCommand } from '@aws-sdk/client-cloudwatch-logs';
import * as configSdk from '@aws-sdk/client-config-service';
import { NormalizedSchema } from '@smithy/core/schema';
import type { StaticOperationSchema } from '@smithy/types';
import type { LocalAws } from '../../devtools/local-aws/server';
import { CIS_PATTERNS } from '../../rule/pattern/cis';
import {
  ACCOUNT_ID,
  ALARM_NAME,
  LOG_GROUP_NAME,
  MANAGEMENT_ACCOUNT_ID,
  METRIC_NAME,
  METRIC_NAMESPACE,
  ORG_READ_ROLE_NAME,
  REGION,
  compliantWorld,
  organizationWorld,
  roleArn,
  topicArn,
  trailArn,
} from '../support/world';
import { authorization, parseXml, rawJson, rawQuery, useLocalAws, xmlAt, xmlMembers, xmlText } from './helpers';

const serve = useLocalAws();
const TOPIC_ARN = topicArn(ACCOUNT_ID, REGION, 'security-alerts');
const CW_NAMESPACE = 'http://monitoring.amazonaws.com/doc/2010-08-01/';
const key = (local: LocalAws, accountId = ACCOUNT_ID) => local.credentialsFor(accountId).accessKeyId;

describe('CloudWatch over the Query protocol (AWS CLI / botocore), XML answers', () => {
  const cw = (local: LocalAws, params: Record<string, string>) =>
    rawQuery(local, { params: { Version: '2010-08-01', ...params }, accessKeyId: key(local), service: 'monitoring' });

  it('PutMetricAlarm from form members, DescribeAlarms and DescribeAlarmsForMetric as XML', async () => {
    const world = compliantWorld();
    const local = await serve(world);
    const put = await cw(local, {
      Action: 'PutMetricAlarm',
      AlarmName: 'cli-alarm',
      MetricName: METRIC_NAME,
      Namespace: METRIC_NAMESPACE,
      Statistic: 'Sum',
      Period: '300',
      EvaluationPeriods: '1',
      Threshold: '1.0',
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      ActionsEnabled: 'false',
      'AlarmActions.member.1': TOPIC_ARN,
      'Dimensions.member.1.Name': 'Env',
      'Dimensions.member.1.Value': 'prod',
      // botocore's form of an empty list.
      OKActions: '',
    });
    expect(put.status).toBe(200);
    expect(put.xml.name).toBe('PutMetricAlarmResponse');
    expect(put.xml.attributes.xmlns).toBe(CW_NAMESPACE);
    expect(xmlText(put.xml, 'ResponseMetadata/RequestId')).toMatch(/^[0-9a-f-]{36}$/);
    expect(world.accounts[0]!.alarms.find((a) => a.alarmName === 'cli-alarm')).toMatchObject({
      actionsEnabled: false,
      alarmActions: [TOPIC_ARN],
      okActions: [],
      dimensions: [{ name: 'Env', value: 'prod' }],
      period: 300,
      threshold: 1,
    });

    const described = await cw(local, { Action: 'DescribeAlarms', 'AlarmNames.member.1': 'cli-alarm', 'AlarmNames.member.2': ALARM_NAME });
    expect(described.headers.get('content-type')).toBe('text/xml');
    const alarms = xmlMembers(described.xml, 'DescribeAlarmsResult/MetricAlarms');
    expect(alarms.map((a) => xmlText(a, 'AlarmName'))).toEqual(['cli-alarm', ALARM_NAME]);
    const cli = alarms[0]!;
    expect(xmlText(cli, 'ActionsEnabled')).toBe('false');
    expect(xmlMembers(cli, 'AlarmActions').map((m) => m.text)).toEqual([TOPIC_ARN]);
    expect(xmlMembers(cli, 'Dimensions').map((d) => [xmlText(d, 'Name'), xmlText(d, 'Value')])).toEqual([['Env', 'prod']]);
    expect(xmlText(cli, 'AlarmConfigurationUpdatedTimestamp')).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/);
    expect(xmlAt(described.xml, 'DescribeAlarmsResult/NextToken')).toBeUndefined();

    const forMetric = await cw(local, { Action: 'DescribeAlarmsForMetric', MetricName: METRIC_NAME, Namespace: METRIC_NAMESPACE });
    expect(xmlMembers(forMetric.xml, 'DescribeAlarmsForMetricResult/MetricAlarms').map((a) => xmlText(a, 'AlarmName')).sort()).toEqual([
      'cli-alarm',
      ALARM_NAME,
    ]);
    expect(local.log.map((e) => [e.action, e.protocol])).toEqual([
      ['cloudwatch:PutMetricAlarm', 'query'],
      ['cloudwatch:DescribeAlarms', 'query'],
      ['cloudwatch:DescribeAlarmsForMetric', 'query'],
    ]);
  });

  it('paginates with NextToken in the XML, and answers errors as an ErrorResponse', async () => {
    const local = await serve(compliantWorld());
    for (const name of ['a', 'b']) {
      await cw(local, {
        Action: 'PutMetricAlarm',
        AlarmName: name,
        MetricName: 'M',
        Namespace: 'N',
        Statistic: 'Sum',
        Period: '60',
        EvaluationPeriods: '1',
        Threshold: '1',
        ComparisonOperator: 'GreaterThanThreshold',
      });
    }
    const first = await cw(local, { Action: 'DescribeAlarms', MaxRecords: '100' });
    expect(xmlMembers(first.xml, 'DescribeAlarmsResult/MetricAlarms')).toHaveLength(2);
    const token = xmlText(first.xml, 'DescribeAlarmsResult/NextToken');
    const second = await cw(local, { Action: 'DescribeAlarms', MaxRecords: '100', NextToken: token });
    expect(xmlMembers(second.xml, 'DescribeAlarmsResult/MetricAlarms').map((a) => xmlText(a, 'AlarmName'))).toEqual([ALARM_NAME]);

    const error = await cw(local, { Action: 'DescribeAlarms', NextToken: 'garbage' });
    expect(error.status).toBe(400);
    expect(error.xml.name).toBe('ErrorResponse');
    expect([xmlText(error.xml, 'Error/Type'), xmlText(error.xml, 'Error/Code')]).toEqual(['Sender', 'InvalidNextToken']);
    expect(xmlText(error.xml, 'RequestId')).toMatch(/^[0-9a-f-]{36}$/);

    const missing = await cw(local, { Action: 'PutMetricAlarm', AlarmName: 'x' });
    expect(xmlText(missing.xml, 'Error/Code')).toBe('MissingParameter');
  });

  it('keeps the Query codes over JSON 1.0 too, in x-amzn-query-error (awsQueryCompatible)', async () => {
    const local = await serve(compliantWorld());
    const answer = await rawJson(local, {
      target: 'GraniteServiceVersion20100801.DescribeAlarms',
      version: '1.0',
      body: { NextToken: 'garbage' },
      accessKeyId: key(local),
      service: 'monitoring',
    });
    expect(answer.status).toBe(400);
    expect(answer.headers.get('content-type')).toBe('application/x-amz-json-1.0');
    expect(answer.headers.get('x-amzn-query-error')).toBe('InvalidNextToken;Sender');
    expect(answer.json.__type).toBe('InvalidNextToken');
  });
});

describe('SNS and STS XML', () => {
  it('SNS GetTopicAttributes as entry/key/value, and a NotFound ErrorResponse with 404', async () => {
    const local = await serve(compliantWorld());
    const sns = (params: Record<string, string>) =>
      rawQuery(local, { params: { Version: '2010-03-31', ...params }, accessKeyId: key(local), service: 'sns' });
    const answer = await sns({ Action: 'GetTopicAttributes', TopicArn: TOPIC_ARN });
    expect(answer.xml.name).toBe('GetTopicAttributesResponse');
    expect(answer.xml.attributes.xmlns).toBe('http://sns.amazonaws.com/doc/2010-03-31/');
    const entries = xmlAt(answer.xml, 'GetTopicAttributesResult/Attributes')!.children;
    expect(entries.every((e) => e.name === 'entry')).toBe(true);
    const attributes = Object.fromEntries(entries.map((e) => [xmlText(e, 'key'), xmlText(e, 'value')]));
    expect(attributes).toMatchObject({ TopicArn: TOPIC_ARN, Owner: ACCOUNT_ID, SubscriptionsConfirmed: '1' });
    expect(JSON.parse(attributes.Policy!)).toHaveProperty('Statement');

    const created = await sns({ Action: 'CreateTopic', Name: 'cli', 'Attributes.entry.1.key': 'DisplayName', 'Attributes.entry.1.value': 'CLI & co' });
    expect(xmlText(created.xml, 'CreateTopicResult/TopicArn')).toBe(topicArn(ACCOUNT_ID, REGION, 'cli'));
    const cli = await sns({ Action: 'GetTopicAttributes', TopicArn: topicArn(ACCOUNT_ID, REGION, 'cli') });
    expect(cli.text).toContain('<key>DisplayName</key><value>CLI &amp; co</value>');

    const missing = await sns({ Action: 'ListSubscriptionsByTopic', TopicArn: topicArn(ACCOUNT_ID, REGION, 'absent') });
    expect(missing.status).toBe(404);
    expect([xmlText(missing.xml, 'Error/Code'), xmlText(missing.xml, 'Error/Message')]).toEqual(['NotFound', 'Topic does not exist']);
  });

  it('STS GetCallerIdentity and AssumeRole as XML; AccessDenied with 403', async () => {
    const local = await serve(organizationWorld());
    const sts = (params: Record<string, string>, accessKeyId = key(local)) =>
      rawQuery(local, { params: { Version: '2011-06-15', ...params }, accessKeyId, service: 'sts' });
    const identity = await sts({ Action: 'GetCallerIdentity' });
    expect(identity.xml.name).toBe('GetCallerIdentityResponse');
    expect(identity.xml.attributes.xmlns).toBe('https://sts.amazonaws.com/doc/2011-06-15/');
    expect(xmlText(identity.xml, 'GetCallerIdentityResult/Account')).toBe(ACCOUNT_ID);

    const role = roleArn(MANAGEMENT_ACCOUNT_ID, ORG_READ_ROLE_NAME);
    const assumed = await sts({ Action: 'AssumeRole', RoleArn: role, RoleSessionName: 'cli' });
    expect(xmlText(assumed.xml, 'AssumeRoleResult/AssumedRoleUser/Arn')).toBe(`arn:aws:sts::${MANAGEMENT_ACCOUNT_ID}:assumed-role/${ORG_READ_ROLE_NAME}/cli`);
    expect(xmlText(assumed.xml, 'AssumeRoleResult/Credentials/Expiration')).toMatch(/Z$/);

    const denied = await sts({ Action: 'AssumeRole', RoleArn: role, RoleSessionName: 'cli' }, key(local, MANAGEMENT_ACCOUNT_ID));
    expect(denied.status).toBe(403);
    expect(xmlText(denied.xml, 'Error/Code')).toBe('AccessDenied');
  });
});

describe('routing and authentication failures', () => {
  it("accepts botocore's fully qualified CloudTrail target", async () => {
    const local = await serve(compliantWorld());
    const answer = await rawJson(local, {
      target: 'com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101.DescribeTrails',
      accessKeyId: key(local),
      service: 'cloudtrail',
    });
    expect(answer.status).toBe(200);
    expect((answer.json.trailList as { TrailARN: string }[]).map((t) => t.TrailARN)).toEqual([
      trailArn(ACCOUNT_ID, { name: 'main', homeRegion: REGION }),
    ]);
  });

  it('names an unknown operation or service in a 400, and keeps serving', async () => {
    const local = await serve(compliantWorld());
    const json = await rawJson(local, { target: 'Logs_20140328.DeleteLogGroup', accessKeyId: key(local), service: 'logs' });
    expect([json.status, json.json.__type]).toEqual([400, 'UnknownOperationException']);
    expect(json.json.message).toContain('logs:DeleteLogGroup');
    const query = await rawQuery(local, { params: { Action: 'Publish', Version: '2010-03-31' }, accessKeyId: key(local), service: 'sns' });
    expect([query.status, xmlText(query.xml, 'Error/Code')]).toEqual([400, 'InvalidAction']);
    expect(xmlText(query.xml, 'Error/Message')).toContain('sns:Publish');
    const s3 = await rawQuery(local, { params: { Action: 'ListBuckets', Version: '2006-03-01' }, accessKeyId: key(local), service: 's3' });
    expect(xmlText(s3.xml, 'Error/Message')).toContain("does not serve service 's3'");
    const neither = await fetch(`${local.endpoint}/`, { method: 'POST', headers: { authorization: authorization(key(local), REGION, 'logs') }, body: 'hello' });
    expect(neither.status).toBe(400);
    expect(((await neither.json()) as { message: string }).message).toContain('not an AWS JSON');
    const malformed = await rawJson(local, { target: 'Logs_20140328.DescribeLogGroups', rawBody: '{', accessKeyId: key(local), service: 'logs' });
    expect(malformed.json.__type).toBe('SerializationException');
    const ok = await rawJson(local, { target: 'Logs_20140328.DescribeLogGroups', accessKeyId: key(local), service: 'logs' });
    expect(ok.status).toBe(200);
    expect(local.log.map((e) => e.errorCode ?? e.status)).toEqual(['UnknownOperationException', 'InvalidAction', 'InvalidAction', 'UnknownOperationException', 'SerializationException', 200]);
  });

  it('refuses a missing or unknown key and a credential scoped to another service, as AWS does', async () => {
    const local = await serve(compliantWorld());
    const target = 'Logs_20140328.DescribeLogGroups';
    const missing = await rawJson(local, { target, service: 'logs' });
    expect(missing.json.__type).toBe('MissingAuthenticationTokenException');
    const unknown = await rawJson(local, { target, accessKeyId: 'AKIAUNKNOWNUNKNOWN00', service: 'logs' });
    expect([unknown.status, unknown.json.__type, unknown.json.message]).toEqual([
      400,
      'UnrecognizedClientException',
      'The security token included in the request is invalid.',
    ]);
    const unknownQuery = await rawQuery(local, { params: { Action: 'GetCallerIdentity', Version: '2011-06-15' }, accessKeyId: 'AKIAUNKNOWNUNKNOWN00', service: 'sts' });
    expect([unknownQuery.status, xmlText(unknownQuery.xml, 'Error/Code')]).toEqual([403, 'InvalidClientTokenId']);
    const wrongScope = await rawJson(local, { target, accessKeyId: key(local), service: 'monitoring' });
    expect([wrongScope.json.__type, wrongScope.json.message]).toEqual(['InvalidSignatureException', "Credential should be scoped to correct service: 'logs'."]);
    expect(local.log[1]).toMatchObject({ action: 'logs:DescribeLogGroups', errorCode: 'UnrecognizedClientException' });
    expect(local.log[1]!.accountId).toBeUndefined();

    const sdk = new CloudWatchLogsClient({ region: REGION, endpoint: local.endpoint, credentials: { accessKeyId: 'AKIAUNKNOWNUNKNOWN00', secretAccessKey: 'x' } });
    await expect(sdk.send(new DescribeMetricFiltersCommand({ logGroupName: LOG_GROUP_NAME }))).rejects.toMatchObject({ name: 'UnrecognizedClientException' });
  });

  it('refuses a presigned (query-string) request: a web page could send it as a GET (test/local-aws/guard.test.ts)', async () => {
    const local = await serve(compliantWorld());
    const credential = encodeURIComponent(`${key(local)}/20250101/${REGION}/sts/aws4_request`);
    const answer = await fetch(`${local.endpoint}/?Action=GetCallerIdentity&Version=2011-06-15&X-Amz-Credential=${credential}&X-Amz-Signature=00`);
    expect(answer.status).toBe(403);
    expect(xmlText(parseXml(await answer.text()), 'Error/Code')).toBe('MissingAuthenticationToken');
    expect(authorization('A', 'r', 's')).toContain('Credential=A/20250101/r/s/aws4_request');
  });
});

describe('JSON answers conform to the SDK output schemas', () => {
  /** Every member the emulator sends must exist in the SDK's schema with the right type (a typo would be silently dropped). */
  function problems(schema: unknown, value: unknown, path: string): string[] {
    const ns = NormalizedSchema.of(schema as Parameters<typeof NormalizedSchema.of>[0]);
    const type = Array.isArray(value) ? 'array' : value === null ? 'null' : typeof value;
    const expect = (wanted: string) => (type === wanted ? [] : [`${path}: ${type}, expected ${wanted}`]);
    if (ns.isStructSchema()) {
      if (type !== 'object') return [`${path}: ${type}, expected a structure`];
      const members = new Map(ns.structIterator());
      return Object.entries(value as Record<string, unknown>).flatMap(([k, v]) =>
        members.has(k) ? problems(members.get(k), v, `${path}.${k}`) : [`${path}.${k} is not a member of ${ns.getName()}`],
      );
    }
    if (ns.isListSchema()) {
      return type === 'array' ? (value as unknown[]).flatMap((v, i) => problems(ns.getValueSchema(), v, `${path}[${i}]`)) : expect('array');
    }
    if (ns.isMapSchema()) {
      return type === 'object'
        ? Object.entries(value as Record<string, unknown>).flatMap(([k, v]) => problems(ns.getValueSchema(), v, `${path}.${k}`))
        : expect('object');
    }
    // JSON 1.x timestamps are epoch seconds.
    if (ns.isTimestampSchema() || ns.isNumericSchema()) return expect('number');
    if (ns.isBooleanSchema()) return expect('boolean');
    if (ns.isStringSchema()) return expect('string');
    return [];
  }

  const cases: [string, string, string, '1.0' | '1.1', StaticOperationSchema, unknown][] = [
    ['cloudtrail', 'CloudTrail_20131101', 'DescribeTrails', '1.1', cloudtrailSdk.DescribeTrails$, {}],
    ['cloudtrail', 'CloudTrail_20131101', 'GetTrailStatus', '1.1', cloudtrailSdk.GetTrailStatus$, { Name: 'main' }],
    ['cloudtrail', 'CloudTrail_20131101', 'GetEventSelectors', '1.1', cloudtrailSdk.GetEventSelectors$, { TrailName: 'main' }],
    ['logs', 'Logs_20140328', 'DescribeLogGroups', '1.1', logsSdk.DescribeLogGroups$, {}],
    ['logs', 'Logs_20140328', 'DescribeMetricFilters', '1.1', logsSdk.DescribeMetricFilters$, { logGroupName: LOG_GROUP_NAME }],
    ['logs', 'Logs_20140328', 'TestMetricFilter', '1.1', logsSdk.TestMetricFilter$, { filterPattern: CIS_PATTERNS['cis-1.2'], logEventMessages: ['{"errorCode":"AccessDenied"}'] }],
    ['monitoring', 'GraniteServiceVersion20100801', 'DescribeAlarmsForMetric', '1.0', cloudwatchSdk.DescribeAlarmsForMetric$, { Namespace: METRIC_NAMESPACE, MetricName: METRIC_NAME }],
    ['monitoring', 'GraniteServiceVersion20100801', 'DescribeAlarms', '1.0', cloudwatchSdk.DescribeAlarms$, { AlarmTypes: ['MetricAlarm'] }],
    ['config', 'StarlingDoveService', 'PutEvaluations', '1.1', configSdk.PutEvaluations$, { ResultToken: 't', Evaluations: [] }],
  ];

  it.each(cases)('%s %s.%s', async (service, prefix, operation, version, schema, body) => {
    const world = compliantWorld();
    world.accounts[0]!.alarms.push({
      ...world.accounts[0]!.alarms[0]!,
      alarmName: 'math',
      metricName: undefined,
      namespace: undefined,
      statistic: undefined,
      metrics: [{ id: 'm1', returnData: true, metricStat: { metric: { namespace: 'N', metricName: 'M', dimensions: [{ name: 'a', value: 'b' }] }, period: 60, stat: 'Sum' } }],
    });
    const local = await serve(world);
    const answer = await rawJson(local, { target: `${prefix}.${operation}`, version, body, accessKeyId: key(local), service });
    expect(answer.status).toBe(200);
    expect(Object.keys(answer.json).length).toBeGreaterThan(0);
    expect(problems(schema[5], answer.json, operation)).toEqual([]);
  });
});
