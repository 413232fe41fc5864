import {
  CloudTrailServiceException,
  DescribeTrailsCommand,
  GetEventSelectorsCommand,
  GetTrailStatusCommand,
} from '@aws-sdk/client-cloudtrail';
import {
  CloudWatchServiceException,
  DescribeAlarmsCommand,
  DescribeAlarmsForMetricCommand,
  type DescribeAlarmsCommandInput,
} from '@aws-sdk/client-cloudwatch';
import {
  AccessDeniedException as LogsAccessDeniedException,
  DescribeMetricFiltersCommand,
  TestMetricFilterCommand,
  UnrecognizedClientException,
  type DescribeMetricFiltersCommandInput,
} from '@aws-sdk/client-cloudwatch-logs';
import { AuthorizationErrorException, ListSubscriptionsByTopicCommand, type ListSubscriptionsByTopicCommandInput } from '@aws-sdk/client-sns';
import { AssumeRoleCommand, GetCallerIdentityCommand, STSServiceException } from '@aws-sdk/client-sts';
import { AdaptiveRetryStrategy, ConfiguredRetryStrategy } from '@smithy/core/retry';
import { TEST_METRIC_FILTER_MAX_MESSAGES } from '../../rule/snapshot';
import { SdkAwsReader, createSdkAwsReader, redactCredentials } from '../../rule/collect/sdk-reader';
import type { SdkAwsReaderOptions } from '../../rule/collect/sdk-reader';
import type { Trail } from '../../rule/snapshot';
import { awsJsonResponse, connectionRefused, fakeHttpHandler, requestJson } from './fake-http';
import { expectFailure, expectValue, mockReaderClients } from '../support/sdk-mocks';

const ACCOUNT = '111111111111';
const OWNER = '222222222222';
const CREDENTIALS = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' };
const ORG_TRAIL_ARN = `arn:aws:cloudtrail:eu-west-1:${OWNER}:trail/org-trail`;
const ORG_TRAIL: Trail = {
  name: 'org-trail',
  arn: ORG_TRAIL_ARN,
  homeRegion: 'eu-west-1',
  ownerAccountId: OWNER,
  isMultiRegionTrail: true,
  isOrganizationTrail: true,
};

function newReader(options: Partial<SdkAwsReaderOptions> = {}): SdkAwsReader {
  return new SdkAwsReader({ accountId: ACCOUNT, credentials: CREDENTIALS, defaultRegion: 'us-east-1', ...options });
}

type ServiceExceptionClass = new (options: {
  name: string;
  $fault: 'client' | 'server';
  $metadata: { httpStatusCode?: number };
  message?: string;
}) => Error;

/** An error as the SDK builds it from an AWS error answer (unmodeled codes become the service's base exception). */
function awsError(Exception: ServiceExceptionClass, name: string, message = `${name} message`): Error {
  return new Exception({ name, $fault: 'client', $metadata: { httpStatusCode: 400 }, message });
}

const clientMocks = mockReaderClients();

describe('cloudtrail:DescribeTrails', () => {
  it('includes shadow trails, calls the given region and maps each trail', async () => {
    let calledRegion: string | undefined;
    clientMocks().cloudTrail.on(DescribeTrailsCommand, { includeShadowTrails: true }).callsFake(async (_input, getClient) => {
      calledRegion = await getClient().config.region();
      return {
        trailList: [
          {
            Name: 'org-trail',
            TrailARN: ORG_TRAIL_ARN,
            HomeRegion: 'eu-west-1',
            IsMultiRegionTrail: true,
            IsOrganizationTrail: true,
            CloudWatchLogsLogGroupArn: `arn:aws:logs:eu-west-1:${OWNER}:log-group:org-trail:*`,
            S3BucketName: 'ignored',
          },
          { Name: 'local', TrailARN: `arn:aws:cloudtrail:us-east-1:${ACCOUNT}:trail/local`, HomeRegion: 'us-east-1' },
        ],
      };
    });

    const trails = expectValue(await newReader().describeTrails('us-east-1'));

    expect(calledRegion).toBe('us-east-1');
    expect(trails).toStrictEqual([
      { ...ORG_TRAIL, cloudWatchLogsLogGroupArn: `arn:aws:logs:eu-west-1:${OWNER}:log-group:org-trail:*` },
      {
        name: 'local',
        arn: `arn:aws:cloudtrail:us-east-1:${ACCOUNT}:trail/local`,
        homeRegion: 'us-east-1',
        ownerAccountId: ACCOUNT,
        isMultiRegionTrail: false,
        isOrganizationTrail: false,
      },
    ]);
  });

  it('maps no trails to an empty list', async () => {
    clientMocks().cloudTrail.on(DescribeTrailsCommand).resolves({});
    expect(await newReader().describeTrails('us-east-1')).toStrictEqual({ ok: true, value: [] });
  });

  it('turns AccessDenied into a CallFailure', async () => {
    clientMocks().cloudTrail.on(DescribeTrailsCommand).rejects(awsError(CloudTrailServiceException, 'AccessDeniedException', 'no'));
    expect(await newReader().describeTrails('ap-south-1')).toStrictEqual({
      ok: false,
      failure: {
        action: 'cloudtrail:DescribeTrails',
        resource: 'trails in ap-south-1',
        code: 'AccessDeniedException',
        message: 'no',
      },
    });
  });

  it('still throws a programming error raised while mapping the answer', async () => {
    // A null entry makes the mapping itself fail: that must not be disguised as an AWS failure.
    clientMocks().cloudTrail.on(DescribeTrailsCommand).resolves({ trailList: [null as never] });
    await expect(newReader().describeTrails('us-east-1')).rejects.toThrow(TypeError);
  });
});

describe('cloudtrail:GetTrailStatus', () => {
  it('asks by ARN in the home region, whichever region the trail was described in', async () => {
    clientMocks().cloudTrail.on(DescribeTrailsCommand).resolves({
      trailList: [{ Name: 'org-trail', TrailARN: ORG_TRAIL_ARN, HomeRegion: 'eu-west-1', IsMultiRegionTrail: true }],
    });
    let calledRegion: string | undefined;
    clientMocks().cloudTrail.on(GetTrailStatusCommand, { Name: ORG_TRAIL_ARN }).callsFake(async (_input, getClient) => {
      calledRegion = await getClient().config.region();
      return {
        IsLogging: true,
        LatestCloudWatchLogsDeliveryError: 'AccessDenied',
        LatestCloudWatchLogsDeliveryTime: new Date('2024-05-01T10:20:30Z'),
        LatestDeliveryTime: new Date(),
      };
    });
    const reader = newReader();
    const [trail] = expectValue(await reader.describeTrails('us-east-1'));

    const status = expectValue(await reader.getTrailStatus(trail!));

    expect(calledRegion).toBe('eu-west-1');
    expect(status).toStrictEqual({
      isLogging: true,
      latestCloudWatchLogsDeliveryError: 'AccessDenied',
      latestCloudWatchLogsDeliveryTime: '2024-05-01T10:20:30.000Z',
    });
  });

  it('omits what AWS omits', async () => {
    clientMocks().cloudTrail.on(GetTrailStatusCommand).resolves({ IsLogging: false });
    expect(await newReader().getTrailStatus(ORG_TRAIL)).toStrictEqual({ ok: true, value: { isLogging: false } });
  });

  it('turns AccessDenied into a CallFailure naming the trail', async () => {
    clientMocks().cloudTrail.on(GetTrailStatusCommand).rejects(awsError(CloudTrailServiceException, 'AccessDeniedException'));
    expect(expectFailure(await newReader().getTrailStatus(ORG_TRAIL))).toMatchObject({
      action: 'cloudtrail:GetTrailStatus',
      resource: ORG_TRAIL_ARN,
      code: 'AccessDeniedException',
    });
  });
});

describe('cloudtrail:GetEventSelectors', () => {
  it('asks by ARN in the home region and maps classic selectors', async () => {
    let calledRegion: string | undefined;
    clientMocks().cloudTrail.on(GetEventSelectorsCommand, { TrailName: ORG_TRAIL_ARN }).callsFake(async (_input, getClient) => {
      calledRegion = await getClient().config.region();
      return {
        TrailARN: ORG_TRAIL_ARN,
        EventSelectors: [
          {
            ReadWriteType: 'All',
            IncludeManagementEvents: true,
            ExcludeManagementEventSources: ['kms.amazonaws.com'],
            DataResources: [],
          },
          { ReadWriteType: 'WriteOnly' },
        ],
      };
    });

    const selectors = expectValue(await newReader().getEventSelectors(ORG_TRAIL));

    expect(calledRegion).toBe('eu-west-1');
    expect(selectors).toStrictEqual({
      eventSelectors: [
        { readWriteType: 'All', includeManagementEvents: true, excludeManagementEventSources: ['kms.amazonaws.com'] },
        { readWriteType: 'WriteOnly' },
      ],
    });
  });

  it('maps advanced selectors, keeping absent what AWS returns absent', async () => {
    clientMocks().cloudTrail.on(GetEventSelectorsCommand).resolves({
      AdvancedEventSelectors: [
        {
          Name: 'management',
          FieldSelectors: [
            { Field: 'eventCategory', Equals: ['Management'] },
            { Field: 'eventSource', NotEquals: ['kms.amazonaws.com'], NotStartsWith: ['x'], NotEndsWith: ['y'] },
            { Field: 'eventName', StartsWith: ['Get'], EndsWith: ['s'] },
          ],
        },
        { FieldSelectors: [{ Field: 'readOnly', Equals: ['false'] }] },
      ],
    });

    expect(expectValue(await newReader().getEventSelectors(ORG_TRAIL))).toStrictEqual({
      advancedEventSelectors: [
        {
          name: 'management',
          fieldSelectors: [
            { field: 'eventCategory', equals: ['Management'] },
            { field: 'eventSource', notEquals: ['kms.amazonaws.com'], notStartsWith: ['x'], notEndsWith: ['y'] },
            { field: 'eventName', startsWith: ['Get'], endsWith: ['s'] },
          ],
        },
        { fieldSelectors: [{ field: 'readOnly', equals: ['false'] }] },
      ],
    });
  });

  it('turns AccessDenied into a CallFailure naming the trail', async () => {
    clientMocks().cloudTrail.on(GetEventSelectorsCommand).rejects(awsError(CloudTrailServiceException, 'AccessDeniedException'));
    expect(expectFailure(await newReader().getEventSelectors(ORG_TRAIL))).toMatchObject({
      action: 'cloudtrail:GetEventSelectors',
      resource: ORG_TRAIL_ARN,
      code: 'AccessDeniedException',
    });
  });
});

describe('logs:DescribeMetricFilters', () => {
  const filter = (name: string) => ({
    filterName: name,
    filterPattern: '{ $.errorCode = "AccessDenied*" }',
    logGroupName: 'org-trail',
    creationTime: 1,
    metricTransformations: [{ metricName: name, metricNamespace: 'CIS', metricValue: '1' }],
  });

  it('maps filters and their transformations, in the given region', async () => {
    let calledRegion: string | undefined;
    clientMocks().logs.on(DescribeMetricFiltersCommand, { logGroupName: 'org-trail' }).callsFake(async (_input, getClient) => {
      calledRegion = await getClient().config.region();
      return {
        metricFilters: [
          {
            filterName: 'unauthorized',
            filterPattern: '{ ($.errorCode = "*UnauthorizedOperation") }',
            logGroupName: 'org-trail',
            metricTransformations: [
              {
                metricName: 'UnauthorizedAPICalls',
                metricNamespace: 'CISBenchmark',
                metricValue: '1',
                defaultValue: 0,
                dimensions: { source: '$.eventSource' },
                unit: 'Count',
              },
            ],
          },
          // AWS omits an empty pattern.
          { filterName: 'everything', logGroupName: 'org-trail', metricTransformations: [] },
        ],
      };
    });

    const filters = expectValue(await newReader().describeMetricFilters('org-trail', 'eu-west-1'));

    expect(calledRegion).toBe('eu-west-1');
    expect(filters).toStrictEqual([
      {
        filterName: 'unauthorized',
        filterPattern: '{ ($.errorCode = "*UnauthorizedOperation") }',
        logGroupName: 'org-trail',
        metricTransformations: [
          {
            metricName: 'UnauthorizedAPICalls',
            metricNamespace: 'CISBenchmark',
            metricValue: '1',
            defaultValue: 0,
            dimensions: { source: '$.eventSource' },
            unit: 'Count',
          },
        ],
      },
      { filterName: 'everything', filterPattern: '', logGroupName: 'org-trail', metricTransformations: [] },
    ]);
  });

  it('follows every nextToken and returns the filters of all pages', async () => {
    // Tokens are recorded as each call is made: the paginator reuses (and mutates) one input object.
    const tokens: Array<string | undefined> = [];
    const pages: Record<string, { metricFilters: object[]; nextToken?: string }> = {
      start: { metricFilters: [filter('a')], nextToken: 't1' },
      t1: { metricFilters: [filter('b'), filter('c')], nextToken: 't2' },
      t2: { metricFilters: [filter('d')] },
    };
    clientMocks().logs.on(DescribeMetricFiltersCommand, { logGroupName: 'org-trail' }).callsFake(async (input: DescribeMetricFiltersCommandInput) => {
      tokens.push(input.nextToken);
      return pages[input.nextToken ?? 'start'];
    });

    const filters = expectValue(await newReader().describeMetricFilters('org-trail', 'us-east-1'));

    expect(filters.map((f) => f.filterName)).toEqual(['a', 'b', 'c', 'd']);
    expect(tokens).toEqual([undefined, 't1', 't2']);
  });

  it('turns AccessDenied (on any page) into a CallFailure naming the log group', async () => {
    clientMocks().logs
      .on(DescribeMetricFiltersCommand, { nextToken: undefined })
      .resolves({ metricFilters: [filter('a')], nextToken: 't1' })
      .on(DescribeMetricFiltersCommand, { nextToken: 't1' })
      .rejects(new LogsAccessDeniedException({ message: 'denied', $metadata: { httpStatusCode: 400 } }));

    expect(await newReader().describeMetricFilters('org-trail', 'eu-west-1')).toStrictEqual({
      ok: false,
      failure: {
        action: 'logs:DescribeMetricFilters',
        resource: 'log group org-trail in eu-west-1',
        code: 'AccessDeniedException',
        message: 'denied',
      },
    });
  });

  // aws-sdk-client-mock replaces `send`, so the SDK's retry middleware never runs under it. These tests answer at
  // the HTTP layer instead, letting serialisation, signing, retries and error parsing run for real.
  describe('over HTTP, through the SDK middleware', () => {
    const throttled = () => awsJsonResponse(400, { __type: 'ThrottlingException', message: 'Rate exceeded' });
    const fastRetries = (maxAttempts: number) => new ConfiguredRetryStrategy(maxAttempts, () => 0);

    // Endpoint settings of the machine running the tests must not leak in (nor out).
    const ENDPOINT_VARIABLES = ['AWS_ENDPOINT_URL', 'AWS_ENDPOINT_URL_CLOUDWATCH_LOGS', 'AWS_IGNORE_CONFIGURED_ENDPOINT_URLS'];
    let savedEnv: Array<[string, string | undefined]>;

    beforeEach(() => {
      clientMocks().logs.restore();
      savedEnv = ENDPOINT_VARIABLES.map((name) => [name, process.env[name]]);
      for (const name of ENDPOINT_VARIABLES) delete process.env[name];
    });

    afterEach(() => {
      for (const [name, value] of savedEnv) {
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
      }
    });

    it('retries through throttling', async () => {
      const http = fakeHttpHandler((_request, index) =>
        index < 2 ? throttled() : awsJsonResponse(200, { metricFilters: [filter('a')] }),
      );
      const reader = newReader({ clientConfig: { requestHandler: http, retryStrategy: fastRetries(4) } });

      const filters = expectValue(await reader.describeMetricFilters('org-trail', 'us-east-1'));

      expect(filters.map((f) => f.filterName)).toEqual(['a']);
      expect(http.requests).toHaveLength(3);
      for (const request of http.requests) {
        expect(request.headers['x-amz-target']).toBe('Logs_20140328.DescribeMetricFilters');
        expect(requestJson(request)).toEqual({ logGroupName: 'org-trail' });
      }
    });

    it('returns ThrottlingException once throttling outlasts the attempts', async () => {
      const http = fakeHttpHandler(() => throttled());
      const reader = newReader({ clientConfig: { requestHandler: http, retryStrategy: fastRetries(4) } });

      expect(await reader.describeMetricFilters('org-trail', 'us-east-1')).toStrictEqual({
        ok: false,
        failure: {
          action: 'logs:DescribeMetricFilters',
          resource: 'log group org-trail in us-east-1',
          code: 'ThrottlingException',
          message: 'Rate exceeded',
        },
      });
      expect(http.requests).toHaveLength(4);
    });

    it('also honours maxAttempts', async () => {
      const http = fakeHttpHandler(() => throttled());
      const reader = newReader({
        clientConfig: { requestHandler: http, retryMode: 'standard', maxAttempts: 2 },
      });
      // Standard mode waits ~0.5-1s between throttled attempts, hence one retry only.
      expect(expectFailure(await reader.describeMetricFilters('org-trail', 'us-east-1')).code).toBe('ThrottlingException');
      expect(http.requests).toHaveLength(2);
    });

    it('signs with the reader credentials and sends to the region endpoint', async () => {
      const http = fakeHttpHandler(() => awsJsonResponse(200, { metricFilters: [] }));
      const reader = newReader({ clientConfig: { requestHandler: http, retryStrategy: fastRetries(1) } });

      await reader.describeMetricFilters('org-trail', 'eu-central-1');

      const [request] = http.requests;
      expect(request?.hostname).toBe('logs.eu-central-1.amazonaws.com');
      expect(request?.headers['authorization']).toContain('Credential=AKIDEXAMPLE/');
    });

    it("keeps the SDK's AWS_ENDPOINT_URL_<SERVICE> support (how a local emulator is reached)", async () => {
      process.env['AWS_ENDPOINT_URL_CLOUDWATCH_LOGS'] = 'http://localhost:4566';
      const http = fakeHttpHandler(() => awsJsonResponse(200, { metricFilters: [] }));
      const reader = newReader({ clientConfig: { requestHandler: http, retryStrategy: fastRetries(1) } });

      expect((await reader.describeMetricFilters('org-trail', 'us-east-1')).ok).toBe(true);

      expect(http.requests[0]).toMatchObject({ protocol: 'http:', hostname: 'localhost', port: 4566 });
    });

    it('returns NetworkError when no answer comes back (connection refused)', async () => {
      const http = fakeHttpHandler(() => connectionRefused());
      const reader = newReader({ clientConfig: { requestHandler: http, retryStrategy: fastRetries(2) } });

      expect(await reader.describeMetricFilters('org-trail', 'us-east-1')).toStrictEqual({
        ok: false,
        failure: {
          action: 'logs:DescribeMetricFilters',
          resource: 'log group org-trail in us-east-1',
          code: 'NetworkError',
          message: 'connect ECONNREFUSED 127.0.0.1:4566',
        },
      });
      expect(http.requests).toHaveLength(2);
    });

    it('returns the AWS code of a bad-credentials answer', async () => {
      const http = fakeHttpHandler(() =>
        awsJsonResponse(400, {
          __type: 'UnrecognizedClientException',
          message: 'The security token included in the request is invalid.',
        }),
      );
      const reader = newReader({ clientConfig: { requestHandler: http, retryStrategy: fastRetries(1) } });

      expect(expectFailure(await reader.describeMetricFilters('org-trail', 'us-east-1'))).toMatchObject({
        code: 'UnrecognizedClientException',
        message: 'The security token included in the request is invalid.',
      });
    });
  });
});

describe('logs:TestMetricFilter', () => {
  it('sends the pattern and messages and maps the 1-based eventNumbers to a boolean per message', async () => {
    let calledRegion: string | undefined;
    clientMocks().logs
      .on(TestMetricFilterCommand, { filterPattern: 'ERROR', logEventMessages: ['a', 'ERROR b', 'c', 'ERROR d'] })
      .callsFake(async (_input, getClient) => {
        calledRegion = await getClient().config.region();
        return {
          matches: [
            { eventNumber: 2, eventMessage: 'ERROR b' },
            { eventNumber: 4, eventMessage: 'ERROR d' },
          ],
        };
      });

    const matches = await newReader().testMetricFilter('ERROR', ['a', 'ERROR b', 'c', 'ERROR d'], 'eu-west-1');

    expect(calledRegion).toBe('eu-west-1');
    expect(matches).toStrictEqual({ ok: true, value: [false, true, false, true] });
  });

  it('maps no matches to all false', async () => {
    clientMocks().logs.on(TestMetricFilterCommand).resolves({});
    expect(expectValue(await newReader().testMetricFilter('x', ['a', 'b'], 'us-east-1'))).toEqual([false, false]);
  });

  it(`accepts ${TEST_METRIC_FILTER_MAX_MESSAGES} messages`, async () => {
    clientMocks().logs.on(TestMetricFilterCommand).resolves({ matches: [{ eventNumber: TEST_METRIC_FILTER_MAX_MESSAGES }] });
    const messages = Array.from({ length: TEST_METRIC_FILTER_MAX_MESSAGES }, (_, i) => `m${i}`);

    const matches = expectValue(await newReader().testMetricFilter('x', messages, 'us-east-1'));

    expect(matches).toHaveLength(TEST_METRIC_FILTER_MAX_MESSAGES);
    expect(matches.indexOf(true)).toBe(TEST_METRIC_FILTER_MAX_MESSAGES - 1);
  });

  it('refuses more messages than one call takes, without calling AWS', async () => {
    const messages = Array.from({ length: TEST_METRIC_FILTER_MAX_MESSAGES + 1 }, (_, i) => `m${i}`);

    expect(expectFailure(await newReader().testMetricFilter('x', messages, 'us-east-1'))).toMatchObject({
      action: 'logs:TestMetricFilter',
      code: 'TooManyMessages',
    });
    expect(clientMocks().logs.calls()).toHaveLength(0);
  });

  it('answers no messages without calling AWS (which rejects an empty list)', async () => {
    expect(await newReader().testMetricFilter('x', [], 'us-east-1')).toStrictEqual({ ok: true, value: [] });
    expect(clientMocks().logs.calls()).toHaveLength(0);
  });

  it('turns AccessDenied into a CallFailure', async () => {
    clientMocks().logs
      .on(TestMetricFilterCommand)
      .rejects(new LogsAccessDeniedException({ message: 'denied', $metadata: { httpStatusCode: 400 } }));
    expect(expectFailure(await newReader().testMetricFilter('x', ['a'], 'eu-west-1'))).toStrictEqual({
      action: 'logs:TestMetricFilter',
      resource: 'filter pattern in eu-west-1',
      code: 'AccessDeniedException',
      message: 'denied',
    });
  });
});

describe('cloudwatch:DescribeAlarmsForMetric', () => {
  it('asks for the metric in the given region and maps every alarm field', async () => {
    let calledRegion: string | undefined;
    clientMocks().cloudWatch
      .on(DescribeAlarmsForMetricCommand, { Namespace: 'CISBenchmark', MetricName: 'UnauthorizedAPICalls' })
      .callsFake(async (_input, getClient) => {
        calledRegion = await getClient().config.region();
        return {
          MetricAlarms: [
            {
              AlarmName: 'unauthorized',
              AlarmArn: `arn:aws:cloudwatch:eu-west-1:${ACCOUNT}:alarm:unauthorized`,
              ActionsEnabled: false,
              AlarmActions: [`arn:aws:sns:eu-west-1:${ACCOUNT}:security`],
              OKActions: ['ignored'],
              MetricName: 'UnauthorizedAPICalls',
              Namespace: 'CISBenchmark',
              Statistic: 'Sum',
              Dimensions: [{ Name: 'source', Value: 'ec2' }],
              Period: 300,
              Unit: 'Count',
              EvaluationPeriods: 1,
              DatapointsToAlarm: 1,
              Threshold: 1,
              ComparisonOperator: 'GreaterThanOrEqualToThreshold',
              TreatMissingData: 'notBreaching',
              StateValue: 'OK',
            },
            {
              // What AWS returns for an alarm created with the fewest parameters.
              AlarmName: 'minimal',
              AlarmArn: `arn:aws:cloudwatch:eu-west-1:${ACCOUNT}:alarm:minimal`,
              MetricName: 'UnauthorizedAPICalls',
              Namespace: 'CISBenchmark',
              ExtendedStatistic: 'p99',
              EvaluationPeriods: 2,
              Threshold: 5,
              ComparisonOperator: 'GreaterThanThreshold',
            },
          ],
        };
      });

    const alarms = expectValue(
      await newReader().describeAlarmsForMetric('CISBenchmark', 'UnauthorizedAPICalls', 'eu-west-1'),
    );

    expect(calledRegion).toBe('eu-west-1');
    expect(alarms).toStrictEqual([
      {
        alarmName: 'unauthorized',
        alarmArn: `arn:aws:cloudwatch:eu-west-1:${ACCOUNT}:alarm:unauthorized`,
        region: 'eu-west-1',
        actionsEnabled: false,
        alarmActions: [`arn:aws:sns:eu-west-1:${ACCOUNT}:security`],
        metricName: 'UnauthorizedAPICalls',
        namespace: 'CISBenchmark',
        statistic: 'Sum',
        dimensions: [{ name: 'source', value: 'ec2' }],
        period: 300,
        unit: 'Count',
        evaluationPeriods: 1,
        datapointsToAlarm: 1,
        threshold: 1,
        comparisonOperator: 'GreaterThanOrEqualToThreshold',
        treatMissingData: 'notBreaching',
      },
      {
        alarmName: 'minimal',
        alarmArn: `arn:aws:cloudwatch:eu-west-1:${ACCOUNT}:alarm:minimal`,
        region: 'eu-west-1',
        actionsEnabled: true,
        alarmActions: [],
        metricName: 'UnauthorizedAPICalls',
        namespace: 'CISBenchmark',
        extendedStatistic: 'p99',
        dimensions: [],
        evaluationPeriods: 2,
        threshold: 5,
        comparisonOperator: 'GreaterThanThreshold',
      },
    ]);
  });

  it('turns AccessDenied into a CallFailure naming the metric', async () => {
    clientMocks().cloudWatch.on(DescribeAlarmsForMetricCommand).rejects(awsError(CloudWatchServiceException, 'AccessDenied', 'no'));
    expect(
      expectFailure(await newReader().describeAlarmsForMetric('CISBenchmark', 'UnauthorizedAPICalls', 'us-east-1')),
    ).toStrictEqual({
      action: 'cloudwatch:DescribeAlarmsForMetric',
      resource: 'metric CISBenchmark/UnauthorizedAPICalls in us-east-1',
      code: 'AccessDenied',
      message: 'no',
    });
  });
});

describe('cloudwatch:DescribeAlarms (metric-math alarms)', () => {
  const mathAlarm = (name: string) => ({
    AlarmName: name,
    AlarmArn: `arn:aws:cloudwatch:us-east-1:${ACCOUNT}:alarm:${name}`,
    EvaluationPeriods: 1,
    Threshold: 1,
    ComparisonOperator: 'GreaterThanOrEqualToThreshold' as const,
    Metrics: [
      { Id: 'e1', Expression: 'm1 + m2', ReturnData: true },
      {
        Id: 'm1',
        ReturnData: false,
        MetricStat: {
          Metric: { Namespace: 'CISBenchmark', MetricName: 'UnauthorizedAPICalls', Dimensions: [{ Name: 'a', Value: 'b' }] },
          Period: 300,
          Stat: 'Sum',
          Unit: 'Count' as const,
        },
      },
      { Id: 'm2', MetricStat: { Metric: { Namespace: 'Other', MetricName: 'X' }, Period: 60, Stat: 'Average' } },
    ],
  });
  const standardAlarm = (name: string) => ({
    AlarmName: name,
    AlarmArn: `arn:aws:cloudwatch:us-east-1:${ACCOUNT}:alarm:${name}`,
    MetricName: 'X',
    Namespace: 'Y',
    EvaluationPeriods: 1,
    ComparisonOperator: 'GreaterThanThreshold' as const,
  });

  it('asks for metric alarms only, follows every NextToken and keeps the metric-math ones', async () => {
    const regions: string[] = [];
    const tokens: Array<string | undefined> = [];
    const pages: Record<string, { MetricAlarms: object[]; NextToken?: string }> = {
      start: { MetricAlarms: [mathAlarm('a'), standardAlarm('s1')], NextToken: 't1' },
      t1: { MetricAlarms: [standardAlarm('s2'), { ...standardAlarm('empty-metrics'), Metrics: [] }], NextToken: 't2' },
      t2: { MetricAlarms: [mathAlarm('b'), mathAlarm('c')] },
    };
    clientMocks().cloudWatch.on(DescribeAlarmsCommand, { AlarmTypes: ['MetricAlarm'] }).callsFake(async (input: DescribeAlarmsCommandInput, getClient) => {
      regions.push(await getClient().config.region());
      tokens.push(input.NextToken);
      return pages[input.NextToken ?? 'start'];
    });

    const alarms = expectValue(await newReader().describeMetricMathAlarms('ap-northeast-1'));

    expect(alarms.map((a) => a.alarmName)).toEqual(['a', 'b', 'c']);
    expect(tokens).toEqual([undefined, 't1', 't2']);
    expect(regions).toEqual(['ap-northeast-1', 'ap-northeast-1', 'ap-northeast-1']);
    expect(alarms[0]).toStrictEqual({
      alarmName: 'a',
      alarmArn: `arn:aws:cloudwatch:us-east-1:${ACCOUNT}:alarm:a`,
      region: 'ap-northeast-1',
      actionsEnabled: true,
      alarmActions: [],
      dimensions: [],
      evaluationPeriods: 1,
      threshold: 1,
      comparisonOperator: 'GreaterThanOrEqualToThreshold',
      metrics: [
        { id: 'e1', expression: 'm1 + m2', returnData: true },
        {
          id: 'm1',
          returnData: false,
          metricStat: {
            metric: { namespace: 'CISBenchmark', metricName: 'UnauthorizedAPICalls', dimensions: [{ name: 'a', value: 'b' }] },
            period: 300,
            stat: 'Sum',
            unit: 'Count',
          },
        },
        { id: 'm2', metricStat: { metric: { namespace: 'Other', metricName: 'X', dimensions: [] }, period: 60, stat: 'Average' } },
      ],
    });
  });

  it('turns AccessDenied into a CallFailure', async () => {
    clientMocks().cloudWatch.on(DescribeAlarmsCommand).rejects(awsError(CloudWatchServiceException, 'AccessDenied'));
    expect(expectFailure(await newReader().describeMetricMathAlarms('us-east-1'))).toMatchObject({
      action: 'cloudwatch:DescribeAlarms',
      resource: 'alarms in us-east-1',
      code: 'AccessDenied',
    });
  });
});

describe('sns:ListSubscriptionsByTopic', () => {
  const TOPIC_ARN = `arn:aws:sns:ap-southeast-2:${ACCOUNT}:security-alerts`;

  it("calls the topic's region, follows NextToken until a confirmed subscription and keeps PendingConfirmation as is", async () => {
    const regions: string[] = [];
    const tokens: Array<string | undefined> = [];
    const pages: Record<string, { Subscriptions: object[]; NextToken?: string }> = {
      start: {
        Subscriptions: [{ SubscriptionArn: 'PendingConfirmation', Protocol: 'email', Endpoint: 'a@example.com', Owner: ACCOUNT }],
        NextToken: 't1',
      },
      t1: { Subscriptions: [{ SubscriptionArn: 'PendingConfirmation', Protocol: 'email', Endpoint: 'b@example.com' }], NextToken: 't2' },
      t2: { Subscriptions: [{ SubscriptionArn: `${TOPIC_ARN}:3`, Protocol: 'lambda', Endpoint: 'arn:aws:lambda:fn' }] },
    };
    clientMocks().sns.on(ListSubscriptionsByTopicCommand, { TopicArn: TOPIC_ARN }).callsFake(async (input: ListSubscriptionsByTopicCommandInput, getClient) => {
      regions.push(await getClient().config.region());
      tokens.push(input.NextToken);
      return pages[input.NextToken ?? 'start'];
    });

    // The reader's default region plays no part: the topic's ARN decides.
    const subscriptions = expectValue(await newReader({ defaultRegion: 'us-east-1' }).listSubscriptionsByTopic(TOPIC_ARN));

    expect(subscriptions).toStrictEqual([
      { subscriptionArn: 'PendingConfirmation', protocol: 'email', endpoint: 'a@example.com' },
      { subscriptionArn: 'PendingConfirmation', protocol: 'email', endpoint: 'b@example.com' },
      { subscriptionArn: `${TOPIC_ARN}:3`, protocol: 'lambda', endpoint: 'arn:aws:lambda:fn' },
    ]);
    expect(tokens).toEqual([undefined, 't1', 't2']);
    expect(regions).toEqual(['ap-southeast-2', 'ap-southeast-2', 'ap-southeast-2']);
  });

  it.each([
    'not-an-arn',
    'arn:aws:sns::111111111111:topic',
    'arn:aws:sns:us-east-1:1111:topic',
    'arn:aws:sqs:us-east-1:111111111111:queue',
    'arn:aws:sns:us-east-1:111111111111:',
    'arn:aws:sns:us-east-1:111111111111',
  ])('refuses the malformed topic ARN %s without calling AWS', async (topicArn) => {
    expect(expectFailure(await newReader().listSubscriptionsByTopic(topicArn))).toMatchObject({
      action: 'sns:ListSubscriptionsByTopic',
      resource: topicArn,
      code: 'InvalidArn',
    });
    expect(clientMocks().sns.calls()).toHaveLength(0);
  });

  it('turns an authorization error into a CallFailure naming the topic', async () => {
    clientMocks().sns
      .on(ListSubscriptionsByTopicCommand)
      .rejects(new AuthorizationErrorException({ message: 'not authorized', $metadata: { httpStatusCode: 403 } }));
    expect(expectFailure(await newReader().listSubscriptionsByTopic(TOPIC_ARN))).toStrictEqual({
      action: 'sns:ListSubscriptionsByTopic',
      resource: TOPIC_ARN,
      code: 'AuthorizationErrorException',
      message: 'not authorized',
    });
  });
});

describe('sts:AssumeRole', () => {
  const ROLE_ARN = `arn:aws:iam::${OWNER}:role/org-trail-reader`;
  const expiration = new Date('2030-01-01T00:00:00Z');

  function stsAnswers() {
    const regions: string[] = [];
    clientMocks().sts.on(AssumeRoleCommand).callsFake(async (_input, getClient) => {
      regions.push(await getClient().config.region());
      return {
        Credentials: {
          AccessKeyId: 'ASIAROLEEXAMPLE',
          SecretAccessKey: 'role-secret',
          SessionToken: 'role-session-token',
          Expiration: expiration,
        },
      };
    });
    return regions;
  }

  it('assumes the role with a short session in the default region', async () => {
    const regions = stsAnswers();

    await newReader({ defaultRegion: 'eu-north-1' }).assumeRole(ROLE_ARN);

    expect(clientMocks().sts.commandCalls(AssumeRoleCommand).map((call) => call.args[0].input)).toEqual([
      { RoleArn: ROLE_ARN, RoleSessionName: 'unauthorized-api-calls-monitored', DurationSeconds: 900 },
    ]);
    expect(regions).toEqual(['eu-north-1']);
  });

  it("gives a reader for the role's account whose calls use the role's credentials", async () => {
    stsAnswers();
    const used: Array<{ accessKeyId: string; secretAccessKey: string; sessionToken?: string }> = [];
    clientMocks().cloudTrail.on(GetTrailStatusCommand).callsFake(async (_input, getClient) => {
      used.push(await getClient().config.credentials());
      return { IsLogging: true };
    });
    const reader = newReader({ partition: 'aws' });

    const roleReader = expectValue(await reader.assumeRole(ROLE_ARN));
    await roleReader.getTrailStatus(ORG_TRAIL);
    await reader.getTrailStatus(ORG_TRAIL);

    expect(roleReader.accountId).toBe(OWNER);
    expect(roleReader.partition).toBe('aws');
    expect(used[0]).toMatchObject({
      accessKeyId: 'ASIAROLEEXAMPLE',
      secretAccessKey: 'role-secret',
      sessionToken: 'role-session-token',
    });
    // The original reader keeps its own credentials.
    expect(used[1]).toMatchObject(CREDENTIALS);
  });

  it('passes the client config on to the role reader', async () => {
    stsAnswers();
    const http = fakeHttpHandler(() => awsJsonResponse(200, { metricFilters: [] }));
    const roleReader = expectValue(
      await newReader({ clientConfig: { requestHandler: http, retryStrategy: new ConfiguredRetryStrategy(1) } }).assumeRole(ROLE_ARN),
    );
    clientMocks().logs.restore();

    await roleReader.describeMetricFilters('org-trail', 'us-east-1');

    expect(http.requests[0]?.headers['authorization']).toContain('Credential=ASIAROLEEXAMPLE/');
    expect(http.requests[0]?.headers['x-amz-security-token']).toBe('role-session-token');
  });

  it('turns AccessDenied into a CallFailure naming the role', async () => {
    clientMocks().sts.on(AssumeRoleCommand).rejects(awsError(STSServiceException, 'AccessDenied', 'not authorized to perform: sts:AssumeRole'));
    expect(expectFailure(await newReader().assumeRole(ROLE_ARN))).toStrictEqual({
      action: 'sts:AssumeRole',
      resource: ROLE_ARN,
      code: 'AccessDenied',
      message: 'not authorized to perform: sts:AssumeRole',
    });
  });

  it.each([
    'not-an-arn',
    'arn:aws:iam::2222:role/x',
    `arn:aws:iam::${OWNER}:user/x`,
    `arn:aws:iam::${OWNER}:role/`,
    `arn:aws:iam:us-east-1:${OWNER}:role/x`,
    `arn:aws:sts::${OWNER}:role/x`,
    `arn:aws-cn:iam::${OWNER}:role/x`, // another partition than the reader's
  ])('refuses the role ARN %s without calling AWS', async (roleArn) => {
    expect(expectFailure(await newReader().assumeRole(roleArn))).toMatchObject({
      action: 'sts:AssumeRole',
      resource: roleArn,
      code: 'InvalidArn',
    });
    expect(clientMocks().sts.calls()).toHaveLength(0);
  });
});

describe('sts:GetCallerIdentity (createSdkAwsReader)', () => {
  it('finds the account and the partition of the credentials', async () => {
    let calledRegion: string | undefined;
    clientMocks().sts.on(GetCallerIdentityCommand).callsFake(async (_input, getClient) => {
      calledRegion = await getClient().config.region();
      return { Account: ACCOUNT, Arn: `arn:aws-us-gov:sts::${ACCOUNT}:assumed-role/admin/me`, UserId: 'AROA:me' };
    });

    const reader = expectValue(await createSdkAwsReader({ region: 'us-gov-west-1', credentials: CREDENTIALS }));

    expect(calledRegion).toBe('us-gov-west-1');
    expect(reader.accountId).toBe(ACCOUNT);
    expect(reader.partition).toBe('aws-us-gov');
    // The partition is carried: a role in the commercial partition is refused.
    expect(expectFailure(await reader.assumeRole(`arn:aws:iam::${OWNER}:role/x`)).code).toBe('InvalidArn');
  });

  it('turns an error into a CallFailure', async () => {
    clientMocks().sts
      .on(GetCallerIdentityCommand)
      .rejects(awsError(STSServiceException, 'InvalidClientTokenId', 'The security token included in the request is invalid.'));
    expect(expectFailure(await createSdkAwsReader({ region: 'us-east-1', credentials: CREDENTIALS }))).toStrictEqual({
      action: 'sts:GetCallerIdentity',
      resource: 'caller identity in us-east-1',
      code: 'InvalidClientTokenId',
      message: 'The security token included in the request is invalid.',
    });
  });
});

describe('clients', () => {
  it('are created once per service and region', async () => {
    const clients: object[] = [];
    clientMocks().cloudTrail.on(DescribeTrailsCommand).callsFake(async (_input, getClient) => {
      clients.push(getClient());
      return {};
    });
    const reader = newReader();

    await reader.describeTrails('us-east-1');
    await reader.describeTrails('us-east-1');
    await reader.describeTrails('eu-west-1');

    expect(clients[0]).toBe(clients[1]);
    expect(clients[2]).not.toBe(clients[0]);
  });

  it('retry adaptively, 8 attempts, unless the client config says otherwise', async () => {
    const seen: Array<[string, number]> = [];
    clientMocks().cloudTrail.on(DescribeTrailsCommand).callsFake(async (_input, getClient) => {
      const config = getClient().config;
      // The strategy the retry middleware will use, not just the settings.
      const strategy = await config.retryStrategy();
      seen.push([strategy instanceof AdaptiveRetryStrategy ? 'adaptive' : 'other', await config.maxAttempts()]);
      return {};
    });

    await newReader().describeTrails('us-east-1');
    await newReader({ clientConfig: { retryMode: 'standard', maxAttempts: 2 } }).describeTrails('us-east-1');

    expect(seen).toEqual([
      ['adaptive', 8],
      ['other', 2],
    ]);
  });
});

describe('error messages', () => {
  it('never carry credentials', async () => {
    const leaky =
      'Signature mismatch. Authorization: AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20240101/us-east-1/logs/aws4_request, ' +
      'SignedHeaders=host, Signature=0123abcd; key AKIAIOSFODNN7EXAMPLE secret wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
    clientMocks().logs.on(DescribeMetricFiltersCommand).rejects(
      new UnrecognizedClientException({ message: leaky, $metadata: { httpStatusCode: 400 } }),
    );

    const { message } = expectFailure(await newReader().describeMetricFilters('org-trail', 'us-east-1'));

    expect(message).toContain('Signature mismatch.');
    for (const secret of ['AKIDEXAMPLE', '0123abcd', 'AKIAIOSFODNN7EXAMPLE', 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY']) {
      expect(message).not.toContain(secret);
    }
  });

  it('scrub the literal secrets of static credentials', () => {
    expect(redactCredentials('token abcdefgh-session-token leaked', ['abcdefgh-session-token'])).toBe(
      'token [REDACTED] leaked',
    );
  });

  it('keep ordinary text, ARNs and log group names', () => {
    const text = `User: arn:aws:sts::${ACCOUNT}:assumed-role/Admin/me is not authorized on /aws/cloudtrail/organization-trail`;
    expect(redactCredentials(text)).toBe(text);
  });
});
