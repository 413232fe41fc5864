/**
 * rule/index.ts's wiring of the reader into the Lambda: every invocation reads within its own time budget, while
 * readers with the Lambda's own credentials keep their clients across invocations.
 */
import { CloudTrailClient, DescribeTrailsCommand } from '@aws-sdk/client-cloudtrail';
import { ConfigServiceClient, PutEvaluationsCommand } from '@aws-sdk/client-config-service';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import type { HandlerContext, HandlerResult } from '../../rule/handler';
import { scheduledEvent } from '../support/config-events';

const LAMBDA_ACCOUNT = '111111111111';
const MEMBER = '222222222222';

function context(remainingMs: number): HandlerContext {
  return {
    invokedFunctionArn: `arn:aws:lambda:us-east-1:${LAMBDA_ACCOUNT}:function:unauthorized-api-calls-monitored`,
    awsRequestId: 'req-1',
    getRemainingTimeInMillis: () => remainingMs,
  };
}

const cloudTrail = mockClient(CloudTrailClient);
const config = mockClient(ConfigServiceClient);
const sts = mockClient(STSClient);
let handler: (event: unknown, context: HandlerContext) => Promise<HandlerResult>;
let savedLogLevel: string | undefined;

beforeAll(async () => {
  savedLogLevel = process.env['POWERTOOLS_LOG_LEVEL'];
  process.env['POWERTOOLS_LOG_LEVEL'] = 'SILENT';
  // Loaded after the mocks and the log level: index.ts makes its logger and clients at load, as at Lambda init.
  ({ handler } = await import('../../rule/index'));
});

afterAll(() => {
  if (savedLogLevel === undefined) delete process.env['POWERTOOLS_LOG_LEVEL'];
  else process.env['POWERTOOLS_LOG_LEVEL'] = savedLogLevel;
  for (const stub of [cloudTrail, config, sts]) stub.restore();
});

beforeEach(() => {
  for (const stub of [cloudTrail, config, sts]) stub.reset();
  config.on(PutEvaluationsCommand).resolves({ FailedEvaluations: [] });
  sts.on(AssumeRoleCommand).resolves({
    Credentials: { AccessKeyId: 'ASIAMEMBER', SecretAccessKey: 'member-secret', SessionToken: 'member-token', Expiration: new Date() },
  });
});

it("reads within the invocation's budget, and the next invocation with its own, sharing the clients", async () => {
  const clients: object[] = [];
  cloudTrail.on(DescribeTrailsCommand).callsFake(async (_input, getClient) => {
    clients.push(getClient());
    return { trailList: [] };
  });

  // No time left: the budget is spent before the first read.
  const spent = await handler(scheduledEvent(LAMBDA_ACCOUNT), context(0));
  const first = await handler(scheduledEvent(LAMBDA_ACCOUNT), context(120_000));
  const second = await handler(scheduledEvent(LAMBDA_ACCOUNT), context(120_000));

  expect(spent).toMatchObject({ complianceType: 'NON_COMPLIANT' });
  expect(spent.annotation).toContain('cloudtrail:DescribeTrails on trails in us-east-1 failed (TimeBudgetExhausted)');
  expect(first.annotation).not.toContain('TimeBudgetExhausted');
  expect(second.annotation).not.toContain('TimeBudgetExhausted');
  expect(clients).toHaveLength(2);
  expect(clients[0]).toBe(clients[1]);
});

it("assumes a member account's role within the function's remaining time: with none left, it fails saying so", async () => {
  cloudTrail.on(DescribeTrailsCommand).resolves({ trailList: [] });

  await expect(handler(scheduledEvent(MEMBER), context(0))).rejects.toThrow(
    `sts:AssumeRole on arn:aws:iam::${MEMBER}:role/config-role failed (TimeBudgetExhausted)`,
  );
  expect(sts.commandCalls(AssumeRoleCommand)).toHaveLength(0);
  expect(cloudTrail.commandCalls(DescribeTrailsCommand)).toHaveLength(0);
});

it("evaluates a member account through its role and writes the evaluation", async () => {
  cloudTrail.on(DescribeTrailsCommand).resolves({ trailList: [] });

  const result = await handler(scheduledEvent(MEMBER), context(120_000));

  expect(sts.commandCalls(AssumeRoleCommand)).toHaveLength(1);
  expect(result.annotation).toContain(`No CloudTrail trail covers us-east-1`);
  expect(config.commandCalls(PutEvaluationsCommand)).toHaveLength(1);
});
