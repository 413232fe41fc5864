/**
 * The reader's bounds: an answer that says nothing is a failure, a held request times out, a listing that loops or
 * never ends stops, and every call ends when the evaluation's time budget does. Bounds are asserted by counting
 * requests and by the failure's code, never by wall time.
 */
import { createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import {
  DescribeTrailsCommand,
  GetEventSelectorsCommand,
  GetTrailStatusCommand,
} from '@aws-sdk/client-cloudtrail';
import { DescribeAlarmsCommand, DescribeAlarmsForMetricCommand, type DescribeAlarmsCommandInput } from '@aws-sdk/client-cloudwatch';
import { DescribeMetricFiltersCommand, TestMetricFilterCommand, type DescribeMetricFiltersCommandInput } from '@aws-sdk/client-cloudwatch-logs';
import { DescribeConfigRulesCommand, ConfigServiceClient } from '@aws-sdk/client-config-service';
import { ListSubscriptionsByTopicCommand, type ListSubscriptionsByTopicCommandInput } from '@aws-sdk/client-sns';
import { AssumeRoleCommand } from '@aws-sdk/client-sts';
import { ConfiguredRetryStrategy } from '@smithy/core/retry';
import { timeBudget } from '../../rule/budget';
import { HTTP_HANDLER_OPTIONS, awsClientConfig } from '../../rule/collect/client-config';
import { MAX_PAGES } from '../../rule/collect/reader';
import { SdkAwsReader } from '../../rule/collect/sdk-reader';
import type { SdkAwsReaderOptions } from '../../rule/collect/sdk-reader';
import { evaluateAccount } from '../../rule/evaluate-account';
import { DEFAULT_PARAMETERS } from '../../rule/parameters';
import type { Fetched, Trail } from '../../rule/snapshot';
import { awsJsonResponse, fakeHttpHandler } from './fake-http';
import { expectFailure, expectValue, mockReaderClients } from '../support/sdk-mocks';

const ACCOUNT = '111111111111';
const CREDENTIALS = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret-access-key-example' };
const TRAIL_ARN = `arn:aws:cloudtrail:us-east-1:${ACCOUNT}:trail/main`;
const TRAIL: Trail = {
  name: 'main',
  arn: TRAIL_ARN,
  homeRegion: 'us-east-1',
  ownerAccountId: ACCOUNT,
  isMultiRegionTrail: true,
  isOrganizationTrail: false,
};
const TOPIC_ARN = `arn:aws:sns:us-east-1:${ACCOUNT}:security-alerts`;

function newReader(options: Partial<SdkAwsReaderOptions> = {}): SdkAwsReader {
  return new SdkAwsReader({ accountId: ACCOUNT, credentials: CREDENTIALS, defaultRegion: 'us-east-1', ...options });
}

const clientMocks = mockReaderClients();

describe('an answer that says nothing proves nothing', () => {
  it.each([
    ['no selector list at all', { TrailARN: TRAIL_ARN }],
    ['two empty lists', { TrailARN: TRAIL_ARN, EventSelectors: [], AdvancedEventSelectors: [] }],
  ])('GetEventSelectors with %s is IncompleteResponse, not "all management events"', async (_, answer) => {
    clientMocks().cloudTrail.on(GetEventSelectorsCommand).resolves(answer);

    expect(expectFailure(await newReader().getEventSelectors(TRAIL))).toStrictEqual({
      action: 'cloudtrail:GetEventSelectors',
      resource: TRAIL_ARN,
      code: 'IncompleteResponse',
      message: 'GetEventSelectors returned neither EventSelectors nor AdvancedEventSelectors',
    });
  });

  it('makes the decision NON_COMPLIANT naming GetEventSelectors, where it was read as compliant', async () => {
    clientMocks().cloudTrail
      .on(DescribeTrailsCommand)
      .resolves({
        trailList: [
          {
            Name: 'main',
            TrailARN: TRAIL_ARN,
            HomeRegion: 'us-east-1',
            IsMultiRegionTrail: true,
            CloudWatchLogsLogGroupArn: `arn:aws:logs:us-east-1:${ACCOUNT}:log-group:trail:*`,
          },
        ],
      })
      .on(GetTrailStatusCommand)
      .resolves({ IsLogging: true })
      .on(GetEventSelectorsCommand)
      .resolves({ TrailARN: TRAIL_ARN });

    const decision = await evaluateAccount(newReader(), {
      accountId: ACCOUNT,
      region: 'us-east-1',
      parameters: DEFAULT_PARAMETERS,
      budget: timeBudget(60_000),
    });

    expect(decision.complianceType).toBe('NON_COMPLIANT');
    expect(decision.annotation).toContain(`cloudtrail:GetEventSelectors on ${TRAIL_ARN} failed (IncompleteResponse)`);
  });

  it('GetTrailStatus without IsLogging is IncompleteResponse, not "not logging"', async () => {
    clientMocks().cloudTrail.on(GetTrailStatusCommand).resolves({ LatestDeliveryTime: new Date() });

    expect(expectFailure(await newReader().getTrailStatus(TRAIL))).toMatchObject({
      action: 'cloudtrail:GetTrailStatus',
      code: 'IncompleteResponse',
      message: 'GetTrailStatus returned no IsLogging',
    });
  });

  it('AssumeRole without Credentials is IncompleteResponse', async () => {
    clientMocks().sts.on(AssumeRoleCommand).resolves({});

    expect(expectFailure(await newReader().assumeRole(`arn:aws:iam::${ACCOUNT}:role/reader`))).toMatchObject({
      action: 'sts:AssumeRole',
      code: 'IncompleteResponse',
      message: 'AssumeRole returned no Credentials',
    });
  });

  it.each([0, 3, 1.5, undefined])('a TestMetricFilter match with eventNumber %s (2 messages sent) is InvalidResponse', async (eventNumber) => {
    clientMocks().logs.on(TestMetricFilterCommand).resolves({ matches: [{ eventNumber: 1 }, { eventNumber }] });

    expect(expectFailure(await newReader().testMetricFilter('x', ['a', 'b'], 'us-east-1'))).toMatchObject({
      action: 'logs:TestMetricFilter',
      code: 'InvalidResponse',
    });
  });

  // Empty lists AWS may leave out of a JSON answer: each is a legitimate answer that can only leave the chain unproven.
  it('keeps the empty answers the API references allow', async () => {
    clientMocks().cloudTrail.on(DescribeTrailsCommand).resolves({});
    clientMocks().logs.on(DescribeMetricFiltersCommand).resolves({}).on(TestMetricFilterCommand).resolves({});
    clientMocks().cloudWatch.on(DescribeAlarmsForMetricCommand).resolves({}).on(DescribeAlarmsCommand).resolves({});
    clientMocks().sns.on(ListSubscriptionsByTopicCommand).resolves({});
    const reader = newReader();

    expect(expectValue(await reader.describeTrails('us-east-1'))).toEqual([]);
    expect(expectValue(await reader.describeMetricFilters('trail', 'us-east-1'))).toEqual([]);
    // TestMetricFilter returns only the matching events: none matched.
    expect(expectValue(await reader.testMetricFilter('x', ['a', 'b'], 'us-east-1'))).toEqual([false, false]);
    expect(expectValue(await reader.describeAlarmsForMetric('CIS', 'M', 'us-east-1'))).toEqual([]);
    expect(expectValue(await reader.describeMetricMathAlarms('us-east-1'))).toEqual([]);
    expect(expectValue(await reader.listSubscriptionsByTopic(TOPIC_ARN))).toEqual([]);
  });
});

describe('listings', () => {
  type Page = { items: object[]; token?: string };
  interface PaginatedRead {
    name: string;
    /** Makes the mock answer each page through `pageFor(requestedToken)`. */
    answer: (pageFor: (token?: string) => Page) => void;
    read: (reader: SdkAwsReader) => Promise<Fetched<unknown[]>>;
    calls: () => number;
    tokenName: string;
  }
  /** Every paginated read of the reader. */
  const listings: PaginatedRead[] = [
    {
      name: 'logs:DescribeMetricFilters',
      answer: (pageFor) => {
        clientMocks().logs.on(DescribeMetricFiltersCommand).callsFake(async (input: DescribeMetricFiltersCommandInput) => {
          const { items, token } = pageFor(input.nextToken);
          return { metricFilters: items, nextToken: token };
        });
      },
      read: (reader: SdkAwsReader) => reader.describeMetricFilters('trail', 'us-east-1'),
      calls: () => clientMocks().logs.commandCalls(DescribeMetricFiltersCommand).length,
      tokenName: 'nextToken',
    },
    {
      name: 'cloudwatch:DescribeAlarms',
      answer: (pageFor) => {
        clientMocks().cloudWatch.on(DescribeAlarmsCommand).callsFake(async (input: DescribeAlarmsCommandInput) => {
          const { items, token } = pageFor(input.NextToken);
          return { MetricAlarms: items, NextToken: token };
        });
      },
      read: (reader: SdkAwsReader) => reader.describeMetricMathAlarms('us-east-1'),
      calls: () => clientMocks().cloudWatch.commandCalls(DescribeAlarmsCommand).length,
      tokenName: 'NextToken',
    },
    {
      name: 'sns:ListSubscriptionsByTopic',
      answer: (pageFor) => {
        clientMocks().sns.on(ListSubscriptionsByTopicCommand).callsFake(async (input: ListSubscriptionsByTopicCommandInput) => {
          const { items, token } = pageFor(input.NextToken);
          // Pending subscriptions only, so that nothing stops the listing early.
          return { Subscriptions: items.map(() => ({ SubscriptionArn: 'PendingConfirmation' })), NextToken: token };
        });
      },
      read: (reader: SdkAwsReader) => reader.listSubscriptionsByTopic(TOPIC_ARN),
      calls: () => clientMocks().sns.commandCalls(ListSubscriptionsByTopicCommand).length,
      tokenName: 'NextToken',
    },
  ];

  describe.each(listings)('$name', ({ name, answer, read, calls, tokenName }) => {
    it('stops with PaginationLoop when the same token comes back, after 2 requests', async () => {
      answer(() => ({ items: [{}], token: 'same' }));

      expect(expectFailure(await read(newReader()))).toMatchObject({
        action: name,
        code: 'PaginationLoop',
        message: `returned the same ${tokenName} twice (page 2)`,
      });
      expect(calls()).toBe(2);
    });

    it('stops with PaginationLoop on a longer cycle', async () => {
      const next: Record<string, string> = { start: 't1', t1: 't2', t2: 't1' };
      answer((token) => ({ items: [{}], token: next[token ?? 'start'] }));

      expect(expectFailure(await read(newReader())).code).toBe('PaginationLoop');
      expect(calls()).toBe(3);
    });

    it(`stops with TooManyPages after ${MAX_PAGES} pages of new tokens`, async () => {
      let issued = 0;
      answer(() => ({ items: [], token: `t${++issued}` }));

      expect(expectFailure(await read(newReader()))).toMatchObject({
        action: name,
        code: 'TooManyPages',
        message: `more than ${MAX_PAGES} pages`,
      });
      expect(calls()).toBe(MAX_PAGES);
    });
  });

  it('reads subscriptions no further than the first page with a confirmed one', async () => {
    const page = (n: number) =>
      Array.from({ length: 100 }, (_, i) => ({
        SubscriptionArn: n === 0 && i === 57 ? `${TOPIC_ARN}:confirmed` : 'PendingConfirmation',
        Protocol: 'email',
        Endpoint: `user${n * 100 + i}@example.com`,
      }));
    clientMocks().sns.on(ListSubscriptionsByTopicCommand).callsFake(async (input: ListSubscriptionsByTopicCommandInput) => {
      const n = Number(input.NextToken ?? '0');
      return { Subscriptions: page(n), NextToken: n < 9 ? String(n + 1) : undefined };
    });

    const subscriptions = expectValue(await newReader().listSubscriptionsByTopic(TOPIC_ARN));

    expect(clientMocks().sns.commandCalls(ListSubscriptionsByTopicCommand)).toHaveLength(1);
    expect(subscriptions).toHaveLength(100);
    expect(subscriptions.filter((s) => s.subscriptionArn.startsWith('arn:'))).toHaveLength(1);
  });
});

/** A server on 127.0.0.1 that accepts connections and never answers, counting the connections the client closes. */
async function silentServer(): Promise<{ server: Server; url: string; closed: () => number; accepted: () => number }> {
  const sockets: Socket[] = [];
  let closed = 0;
  const server = createServer((socket) => {
    sockets.push(socket);
    socket.on('close', () => closed++);
    // Read and drop the request, answer nothing.
    socket.resume();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const close = server.close.bind(server);
  server.close = (callback) => {
    for (const socket of sockets) socket.destroy();
    return close(callback);
  };
  return { server, url: `http://127.0.0.1:${port}`, closed: () => closed, accepted: () => sockets.length };
}

describe('over a real connection to a server that never answers', () => {
  let silent: Awaited<ReturnType<typeof silentServer>>;
  const ENDPOINT_VARIABLES = ['AWS_ENDPOINT_URL', 'AWS_IGNORE_CONFIGURED_ENDPOINT_URLS'];
  let savedEnv: Array<[string, string | undefined]>;

  beforeEach(async () => {
    for (const stub of Object.values(clientMocks())) stub.restore();
    silent = await silentServer();
    savedEnv = ENDPOINT_VARIABLES.map((name) => [name, process.env[name]]);
    delete process.env['AWS_IGNORE_CONFIGURED_ENDPOINT_URLS'];
    process.env['AWS_ENDPOINT_URL'] = silent.url;
  });

  afterEach(async () => {
    for (const [name, value] of savedEnv) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
    await new Promise((resolve) => silent.server.close(resolve));
  });

  const fewAttempts = () => new ConfiguredRetryStrategy(2, () => 0);

  it('has every client throw on its request timeout, not just warn', () => {
    expect(awsClientConfig('us-east-1').requestHandler).toMatchObject({
      throwOnRequestTimeout: true,
      requestTimeout: HTTP_HANDLER_OPTIONS.requestTimeout,
      connectionTimeout: HTTP_HANDLER_OPTIONS.connectionTimeout,
    });
  });

  it('ends a held TestMetricFilter with TimeoutError once the request timeout passes, each attempt', async () => {
    // A shorter request timeout, merged over the project's handler options (which keep it throwing).
    const reader = newReader({ clientConfig: { requestHandler: { requestTimeout: 100 }, retryStrategy: fewAttempts() } });

    const failure = expectFailure(await reader.testMetricFilter('{ $.errorCode = "AccessDenied*" }', ['{}'], 'us-east-1'));

    expect(failure).toMatchObject({ action: 'logs:TestMetricFilter', code: 'TimeoutError' });
    expect(failure.message).toContain('100 ms requestTimeout');
    expect(silent.accepted()).toBe(2);
  });

  it('gives the Config client (as index.ts makes it) the same bound', async () => {
    const client = new ConfigServiceClient(
      awsClientConfig('us-east-1', CREDENTIALS, { requestHandler: { requestTimeout: 100 }, maxAttempts: 1 }),
    );

    await expect(client.send(new DescribeConfigRulesCommand({}))).rejects.toMatchObject({ name: 'TimeoutError' });
    client.destroy();
  });

  it('ends a held request when the evaluation budget runs out, closing the connection', async () => {
    // The default timeouts (10 s) are far longer than this budget: the budget ends the call.
    const reader = newReader({ budget: timeBudget(200) });

    const failure = expectFailure(await reader.testMetricFilter('x', ['{}'], 'us-east-1'));

    expect(failure).toStrictEqual({
      action: 'logs:TestMetricFilter',
      resource: 'filter pattern in us-east-1',
      code: 'TimeBudgetExhausted',
      message: "the evaluation's time ran out before this call finished",
    });
    expect(silent.accepted()).toBe(1);
    // The SDK's handler destroyed the request on the budget's signal, rather than leaving it open.
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(silent.closed()).toBe(1);
  });
});

describe('the evaluation time budget', () => {
  const throttled = () => awsJsonResponse(400, { __type: 'ThrottlingException', message: 'Rate exceeded' });

  it('fails a call asked for after the budget is spent, without a request', async () => {
    const reader = newReader({ budget: timeBudget(0) });

    expect(expectFailure(await reader.getTrailStatus(TRAIL))).toStrictEqual({
      action: 'cloudtrail:GetTrailStatus',
      resource: TRAIL_ARN,
      code: 'TimeBudgetExhausted',
      message: "the evaluation's time ran out before this call could start",
    });
    expect(clientMocks().cloudTrail.calls()).toHaveLength(0);
  });

  it('ends retries of a call throttled forever when the budget is spent', async () => {
    clientMocks().logs.restore();
    const http = fakeHttpHandler(() => throttled());
    // Up to 10,000 attempts 20 ms apart: 200 s unbounded; the 300 ms budget ends them.
    const reader = newReader({
      budget: timeBudget(300),
      clientConfig: { requestHandler: http, retryStrategy: new ConfiguredRetryStrategy(10_000, () => 20) },
    });

    expect(expectFailure(await reader.describeMetricFilters('trail', 'us-east-1')).code).toBe('TimeBudgetExhausted');
    expect(http.requests.length).toBeGreaterThan(1);
    expect(http.requests.length).toBeLessThan(100);
  });

  it('keeps adaptive retry within the budget: a call recovering from a throttle in time succeeds', async () => {
    clientMocks().logs.restore();
    const http = fakeHttpHandler((_request, index) => (index < 1 ? throttled() : awsJsonResponse(200, { metricFilters: [] })));
    const reader = newReader({ budget: timeBudget(60_000), clientConfig: { requestHandler: http } });

    expect(expectValue(await reader.describeMetricFilters('trail', 'us-east-1'))).toEqual([]);
    expect(http.requests).toHaveLength(2);
  });

  it('ends a call whose handler never answers, whatever the handler does with the signal', async () => {
    clientMocks().logs.restore();
    const hung = { ...fakeHttpHandler(() => new Error('unused')), handle: () => new Promise<never>(() => {}) };
    const reader = newReader({ budget: timeBudget(100), clientConfig: { requestHandler: hung } });

    expect(expectFailure(await reader.testMetricFilter('x', ['{}'], 'us-east-1')).code).toBe('TimeBudgetExhausted');
  });

  it("is per evaluation: forEvaluation shares the clients, not the budget", async () => {
    const clients: object[] = [];
    clientMocks().cloudTrail.on(GetTrailStatusCommand).callsFake(async (_input, getClient) => {
      clients.push(getClient());
      return { IsLogging: true };
    });
    const cached = newReader();

    const spent = cached.forEvaluation(timeBudget(0));
    const next = cached.forEvaluation(timeBudget(60_000));

    expect(expectFailure(await spent.getTrailStatus(TRAIL)).code).toBe('TimeBudgetExhausted');
    expect(expectValue(await next.getTrailStatus(TRAIL))).toEqual({ isLogging: true });
    expect(expectValue(await cached.getTrailStatus(TRAIL))).toEqual({ isLogging: true });
    expect(next.accountId).toBe(ACCOUNT);
    expect(clients).toHaveLength(2);
    expect(clients[0]).toBe(clients[1]);
  });

  it("carries over to a role's reader", async () => {
    let now = 0;
    const budget = timeBudget(1_000, () => now);
    clientMocks().sts.on(AssumeRoleCommand).resolves({
      Credentials: { AccessKeyId: 'ASIAROLE', SecretAccessKey: 'role-secret', SessionToken: 't', Expiration: new Date() },
    });
    clientMocks().cloudTrail.on(GetTrailStatusCommand).resolves({ IsLogging: true });
    const roleReader = expectValue(await newReader({ budget }).assumeRole(`arn:aws:iam::${ACCOUNT}:role/reader`));

    now = 1_000;

    expect(expectFailure(await roleReader.getTrailStatus(TRAIL)).code).toBe('TimeBudgetExhausted');
    expect(clientMocks().cloudTrail.calls()).toHaveLength(0);
  });
});
