/**
 * Injected faults (world.faults) as the SDK sees them: throttling it retries through (or gives up on), IAM denials
 * and disabled regions parsed into the error names each service's protocol gives them.
 */
import { CloudTrailClient, DescribeTrailsCommand, GetEventSelectorsCommand } from '@aws-sdk/client-cloudtrail';
import { CloudWatchClient, DescribeAlarmsForMetricCommand } from '@aws-sdk/client-cloudwatch';
import { CloudWatchLogsClient, DescribeMetricFiltersCommand, paginateDescribeMetricFilters } from '@aws-sdk/client-cloudwatch-logs';
import { ConfigServiceClient, PutEvaluationsCommand } from '@aws-sdk/client-config-service';
import { ListSubscriptionsByTopicCommand, SNSClient } from '@aws-sdk/client-sns';
import { AssumeRoleCommand, GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { REPEATED_NEXT_TOKEN, startLocalAws, type LocalAws } from '../../devtools/local-aws/server';
import type { Faults } from '../../devtools/local-aws/state';
import { SdkAwsReader } from '../../rule/collect/sdk-reader';
import {
  ACCOUNT_ID,
  LOG_GROUP_NAME,
  MANAGEMENT_ACCOUNT_ID,
  cisFilter,
  METRIC_NAME,
  METRIC_NAMESPACE,
  ORG_READ_ROLE_NAME,
  REGION,
  compliantWorld,
  organizationWorld,
  roleArn,
  topicArn,
  type World,
} from '../support/world';
import { clientConfig, fastRetry, rawJson, rawQuery, useLocalAws, xmlMembers, xmlText } from './helpers';

const serve = useLocalAws();
const OTHER_REGION = 'eu-west-1';
const TOPIC_ARN = topicArn(ACCOUNT_ID, REGION, 'security-alerts');

function withFaults(faults: Faults, world: World = compliantWorld()): World {
  world.faults = faults;
  return world;
}

/** One call per service, each returning what it threw (or 'ok'). */
function calls(local: LocalAws, accountId = ACCOUNT_ID, region = REGION) {
  const config = clientConfig(local, accountId, region);
  return {
    'cloudtrail:DescribeTrails': () => new CloudTrailClient(config).send(new DescribeTrailsCommand({})),
    'logs:DescribeMetricFilters': () => new CloudWatchLogsClient(config).send(new DescribeMetricFiltersCommand({ logGroupName: LOG_GROUP_NAME })),
    'cloudwatch:DescribeAlarmsForMetric': () =>
      new CloudWatchClient(config).send(new DescribeAlarmsForMetricCommand({ Namespace: METRIC_NAMESPACE, MetricName: METRIC_NAME })),
    'sns:ListSubscriptionsByTopic': () => new SNSClient(config).send(new ListSubscriptionsByTopicCommand({ TopicArn: TOPIC_ARN })),
    'sts:GetCallerIdentity': () => new STSClient(config).send(new GetCallerIdentityCommand({})),
    'config:PutEvaluations': () => new ConfigServiceClient(config).send(new PutEvaluationsCommand({ ResultToken: 't', Evaluations: [] })),
  };
}

async function outcome(call: () => Promise<unknown>): Promise<string> {
  try {
    await call();
    return 'ok';
  } catch (error) {
    const e = error as Error & { $metadata?: { httpStatusCode?: number } };
    return `${e.name} ${e.$metadata?.httpStatusCode ?? '?'}`;
  }
}

async function outcomes(local: LocalAws, accountId?: string, region?: string): Promise<Record<string, string>> {
  const result: Record<string, string> = {};
  for (const [action, call] of Object.entries(calls(local, accountId, region))) result[action] = await outcome(call);
  return result;
}

describe('throttling', () => {
  it('is retried through by the SDK, each attempt in the log', async () => {
    const local = await serve(
      withFaults({
        throttle: [
          { action: 'logs:DescribeMetricFilters', count: 2 },
          { action: 'cloudwatch:DescribeAlarmsForMetric', count: 1 },
          { action: 'sns:*', count: 1 },
        ],
      }),
    );
    expect(await outcomes(local)).toEqual(Object.fromEntries(Object.keys(calls(local)).map((a) => [a, 'ok'])));
    expect(local.log.map((e) => [e.action, e.errorCode ?? e.status])).toEqual([
      ['cloudtrail:DescribeTrails', 200],
      ['logs:DescribeMetricFilters', 'ThrottlingException'],
      ['logs:DescribeMetricFilters', 'ThrottlingException'],
      ['logs:DescribeMetricFilters', 200],
      ['cloudwatch:DescribeAlarmsForMetric', 'Throttling'],
      ['cloudwatch:DescribeAlarmsForMetric', 200],
      ['sns:ListSubscriptionsByTopic', 'Throttled'],
      ['sns:ListSubscriptionsByTopic', 200],
      ['sts:GetCallerIdentity', 200],
      ['config:PutEvaluations', 200],
    ]);
  });

  it("surfaces each service's throttling error once retries run out", async () => {
    const local = await serve(withFaults({ throttle: [{ action: '*', count: 100 }] }));
    expect(await outcomes(local)).toEqual({
      'cloudtrail:DescribeTrails': 'ThrottlingException 400',
      'logs:DescribeMetricFilters': 'ThrottlingException 400',
      'cloudwatch:DescribeAlarmsForMetric': 'Throttling 400',
      'sns:ListSubscriptionsByTopic': 'ThrottledException 429',
      'sts:GetCallerIdentity': 'Throttling 400',
      'config:PutEvaluations': 'ThrottlingException 400',
    });
    // ConfiguredRetryStrategy(4): four attempts per call.
    expect(local.log.filter((e) => e.action === 'logs:DescribeMetricFilters')).toHaveLength(4);
  });
});

describe('AccessDenied', () => {
  it("answers a denied action with each service's own code", async () => {
    const local = await serve(withFaults({ deny: [{ action: '*' }] }));
    expect(await outcomes(local)).toEqual({
      'cloudtrail:DescribeTrails': 'AccessDeniedException 400',
      'logs:DescribeMetricFilters': 'AccessDeniedException 400',
      // CloudWatch keeps its Query code, which the SDK reads from x-amzn-query-error.
      'cloudwatch:DescribeAlarmsForMetric': 'AccessDenied 400',
      'sns:ListSubscriptionsByTopic': 'AuthorizationErrorException 403',
      // Needs no permission: an IAM deny cannot refuse it.
      'sts:GetCallerIdentity': 'ok',
      'config:PutEvaluations': 'AccessDeniedException 400',
    });
  });

  it('names the caller, action and resource as IAM does, in XML for Query services', async () => {
    const local = await serve(withFaults({ deny: [{ action: 'cloudwatch:DescribeAlarmsForMetric' }] }));
    const answer = await rawQuery(local, {
      params: { Action: 'DescribeAlarmsForMetric', Version: '2010-08-01', Namespace: METRIC_NAMESPACE, MetricName: METRIC_NAME },
      accessKeyId: local.credentialsFor(ACCOUNT_ID).accessKeyId,
      service: 'monitoring',
    });
    expect(answer.status).toBe(403);
    expect(xmlText(answer.xml, 'Error/Code')).toBe('AccessDenied');
    expect(xmlText(answer.xml, 'Error/Message')).toBe(
      `User: arn:aws:iam::${ACCOUNT_ID}:root is not authorized to perform: cloudwatch:DescribeAlarmsForMetric on resource: arn:aws:cloudwatch:${REGION}:${ACCOUNT_ID}:* with an explicit deny in an identity-based policy`,
    );
  });

  it('can be limited to a region or an account', async () => {
    const world = organizationWorld();
    world.faults = {
      deny: [
        { action: 'cloudtrail:DescribeTrails', region: OTHER_REGION },
        { action: 'logs:DescribeMetricFilters', accountId: MANAGEMENT_ACCOUNT_ID },
      ],
    };
    const local = await serve(world);
    expect(await outcome(calls(local, ACCOUNT_ID, REGION)['cloudtrail:DescribeTrails'])).toBe('ok');
    expect(await outcome(calls(local, ACCOUNT_ID, OTHER_REGION)['cloudtrail:DescribeTrails'])).toBe('AccessDeniedException 400');
    expect(await outcome(calls(local, ACCOUNT_ID)['logs:DescribeMetricFilters'])).toBe('ResourceNotFoundException 400');
    expect(await outcome(calls(local, MANAGEMENT_ACCOUNT_ID)['logs:DescribeMetricFilters'])).toBe('AccessDeniedException 400');
  });

  it('can refuse AssumeRole on one role, or the calls of that role', async () => {
    const role = roleArn(MANAGEMENT_ACCOUNT_ID, ORG_READ_ROLE_NAME);
    const world = organizationWorld();
    world.accounts[0]!.roles!.push({ roleName: 'Other', trustedAccountIds: [ACCOUNT_ID] });
    const local = await serve(world);
    const sts = new STSClient(clientConfig(local, ACCOUNT_ID));
    const assume = (RoleArn: string) => sts.send(new AssumeRoleCommand({ RoleArn, RoleSessionName: 'test' }));

    world.faults = { deny: [{ action: 'sts:AssumeRole', roleArn: role }] };
    expect(await outcome(() => assume(role))).toBe('AccessDenied 403');
    expect(await outcome(() => assume(roleArn(MANAGEMENT_ACCOUNT_ID, 'Other')))).toBe('ok');

    // Faults are read live: the role may now be assumed, but its sessions may not read trails.
    world.faults = { deny: [{ action: 'cloudtrail:DescribeTrails', roleArn: role }] };
    const credentials = (await assume(role)).Credentials!;
    const asRole = new CloudTrailClient({
      region: REGION,
      endpoint: local.endpoint,
      retryStrategy: fastRetry(),
      credentials: { accessKeyId: credentials.AccessKeyId!, secretAccessKey: credentials.SecretAccessKey!, sessionToken: credentials.SessionToken! },
    });
    expect(await outcome(() => asRole.send(new DescribeTrailsCommand({})))).toBe('AccessDeniedException 400');
    expect(await outcome(calls(local, MANAGEMENT_ACCOUNT_ID)['cloudtrail:DescribeTrails'])).toBe('ok');
  });
});

describe('disabled regions', () => {
  it('refuse every call as an invalid token: UnrecognizedClientException in JSON, InvalidClientTokenId in Query codes', async () => {
    const local = await serve(withFaults({ disabledRegions: [OTHER_REGION] }));
    expect(await outcomes(local, ACCOUNT_ID, OTHER_REGION)).toEqual({
      'cloudtrail:DescribeTrails': 'UnrecognizedClientException 400',
      'logs:DescribeMetricFilters': 'UnrecognizedClientException 400',
      'cloudwatch:DescribeAlarmsForMetric': 'InvalidClientTokenId 400',
      'sns:ListSubscriptionsByTopic': 'InvalidClientTokenId 403',
      'sts:GetCallerIdentity': 'InvalidClientTokenId 403',
      'config:PutEvaluations': 'UnrecognizedClientException 400',
    });
    expect(Object.values(await outcomes(local)).every((o) => o === 'ok')).toBe(true);
  });

  it('become the CallFailure the rule reports, as with FakeAwsReader', async () => {
    const local = await serve(withFaults({ disabledRegions: [OTHER_REGION] }));
    const reader = new SdkAwsReader({
      accountId: ACCOUNT_ID,
      credentials: local.credentialsFor(ACCOUNT_ID),
      defaultRegion: REGION,
      clientConfig: { retryStrategy: fastRetry() },
    });
    process.env.AWS_ENDPOINT_URL = local.endpoint;
    const trails = await reader.describeTrails(OTHER_REGION);
    expect(trails).toEqual({
      ok: false,
      failure: {
        action: 'cloudtrail:DescribeTrails',
        resource: `trails in ${OTHER_REGION}`,
        code: 'UnrecognizedClientException',
        message: 'The security token included in the request is invalid.',
      },
    });
  });
});

describe('a next token repeated forever (repeatNextToken)', () => {
  it('answers every page of the action with the same token, and the first page for it', async () => {
    const world = withFaults({ repeatNextToken: [{ action: 'logs:DescribeMetricFilters' }, { action: 'sns:ListSubscriptionsByTopic' }] });
    // One filter: without the fault the list is one page, without a next token.
    const local = await serve(world);
    const logs = new CloudWatchLogsClient(clientConfig(local, ACCOUNT_ID));
    let nextToken: string | undefined;
    const pages: string[][] = [];
    for (let i = 0; i < 5; i++) {
      const page = await logs.send(new DescribeMetricFiltersCommand({ logGroupName: LOG_GROUP_NAME, nextToken }));
      pages.push((page.metricFilters ?? []).map((f) => f.filterName!));
      expect(page.nextToken).toBe(REPEATED_NEXT_TOKEN);
      nextToken = page.nextToken;
    }
    expect(pages).toEqual(Array(5).fill([cisFilter().filterName]));

    // The SDK's paginators follow it until told to stop on a repeated token.
    const followed: number[] = [];
    for await (const page of paginateDescribeMetricFilters({ client: logs, stopOnSameToken: true }, { logGroupName: LOG_GROUP_NAME })) {
      followed.push(page.metricFilters?.length ?? 0);
    }
    expect(followed).toEqual([1, 1]);

    // In Query XML too; an action that does not paginate is unaffected.
    const query = await rawQuery(local, {
      params: { Action: 'ListSubscriptionsByTopic', Version: '2010-03-31', TopicArn: TOPIC_ARN, NextToken: REPEATED_NEXT_TOKEN },
      accessKeyId: local.credentialsFor(ACCOUNT_ID).accessKeyId,
      service: 'sns',
    });
    expect(xmlText(query.xml, 'ListSubscriptionsByTopicResult/NextToken')).toBe(REPEATED_NEXT_TOKEN);
    expect(xmlMembers(query.xml, 'ListSubscriptionsByTopicResult/Subscriptions')).toHaveLength(1);
    world.faults = { repeatNextToken: [{ action: '*' }] };
    expect(await new CloudTrailClient(clientConfig(local, ACCOUNT_ID)).send(new DescribeTrailsCommand({}))).not.toHaveProperty('NextToken');
  });
});

describe('a request held without an answer (hold)', () => {
  /** Resolves once the emulator holds `count` requests (it polls: holding is what the emulator does, not when). */
  async function held(local: LocalAws, count: number): Promise<void> {
    while (local.heldRequests() !== count) await new Promise((resolve) => setTimeout(resolve, 5));
  }

  it('is held until the client gives up, then released; the retry is answered', async () => {
    const local = await serve(withFaults({ hold: [{ action: 'cloudtrail:GetEventSelectors', count: 1 }] }));
    // Without throwOnRequestTimeout this SDK only warns when requestTimeout passes, and waits on.
    const cloudtrail = new CloudTrailClient({ ...clientConfig(local, ACCOUNT_ID), requestHandler: { requestTimeout: 200, throwOnRequestTimeout: true } });
    const answer = await cloudtrail.send(new GetEventSelectorsCommand({ TrailName: 'main' }));
    expect(answer.EventSelectors).toHaveLength(1);
    expect(local.log.map((e) => [e.action, e.held ?? e.status])).toEqual([
      ['cloudtrail:GetEventSelectors', true],
      ['cloudtrail:GetEventSelectors', 200],
    ]);
    await held(local, 0);
  });

  it('is released when the client aborts, and every call is held while the fault has no count', async () => {
    const local = await serve(withFaults({ hold: [{ action: 'cloudtrail:*' }] }));
    const cloudtrail = new CloudTrailClient(clientConfig(local, ACCOUNT_ID));
    const aborts = [new AbortController(), new AbortController()];
    const pending = aborts.map((abort) => cloudtrail.send(new DescribeTrailsCommand({}), { abortSignal: abort.signal }).catch((e: Error) => e.name));
    await held(local, 2);
    // Other services keep answering meanwhile.
    expect(await outcome(calls(local)['logs:DescribeMetricFilters'])).toBe('ok');
    for (const abort of aborts) abort.abort();
    expect(await Promise.all(pending)).toEqual(['AbortError', 'AbortError']);
    await held(local, 0);
  });

  it('is released when the emulator closes', async () => {
    const local = await startLocalAws({ world: withFaults({ hold: [{ action: '*' }] }) });
    const call = new STSClient({ region: REGION, endpoint: local.endpoint, credentials: local.credentialsFor(ACCOUNT_ID), maxAttempts: 1 }).send(new GetCallerIdentityCommand({})).catch((e: Error) => e.message);
    await held(local, 1);
    await local.close();
    expect(await call).toMatch(/socket hang up/);
    await held(local, 0);
  });
});

describe('an empty answer (emptyResult)', () => {
  it('answers HTTP 200 with {} for the action: GetEventSelectors with neither kind of selector', async () => {
    const local = await serve(withFaults({ emptyResult: [{ action: 'cloudtrail:GetEventSelectors' }, { action: 'sns:ListSubscriptionsByTopic' }] }));
    const raw = await rawJson(local, {
      target: 'CloudTrail_20131101.GetEventSelectors',
      body: { TrailName: 'main' },
      accessKeyId: local.credentialsFor(ACCOUNT_ID).accessKeyId,
      service: 'cloudtrail',
    });
    expect([raw.status, raw.text]).toEqual([200, '{}']);
    const sdk = await new CloudTrailClient(clientConfig(local, ACCOUNT_ID)).send(new GetEventSelectorsCommand({ TrailName: 'main' }));
    expect(sdk.EventSelectors).toBeUndefined();
    expect(sdk.AdvancedEventSelectors).toBeUndefined();
    const subscriptions = await new SNSClient(clientConfig(local, ACCOUNT_ID)).send(new ListSubscriptionsByTopicCommand({ TopicArn: TOPIC_ARN }));
    expect(subscriptions.Subscriptions).toBeUndefined();
    expect(await outcome(calls(local)['cloudtrail:DescribeTrails'])).toBe('ok');
  });
});
