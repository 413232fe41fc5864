import { Logger } from '@aws-lambda-powertools/logger';
import { ConfigServiceClient, PutEvaluationsCommand } from '@aws-sdk/client-config-service';
import type { AwsCredentialIdentity } from '@aws-sdk/types';
import { mockClient } from 'aws-sdk-client-mock';
import { ConfigEventError } from '../../rule/config-event';
import {
  ExecutionRoleError,
  createHandler,
  type AssumeRole,
  type ConfigClientFactory,
  type EvaluateAccount,
} from '../../rule/handler';
import { ParameterError } from '../../rule/parameters';
import { WRITE_RESERVE_MS } from '../../rule/budget';
import { RESULT_TOKEN, SCHEDULED_AT, scheduledEvent } from '../support/config-events';
import type { AccountDecision } from '../../rule/decide';

const CENTRAL = '111111111111';
const MEMBER = '222222222222';
/** The evaluation's time budget, as the handler passes it on. */
const BUDGET = expect.objectContaining({ deadline: expect.any(Number) });
const CONTEXT = { invokedFunctionArn: `arn:aws:lambda:us-east-1:${CENTRAL}:function:RDK-Rule-Function-UnauthorizedApiCalls`, awsRequestId: 'req-1', getRemainingTimeInMillis: () => 120_000 };
const MEMBER_CREDENTIALS: AwsCredentialIdentity = { accessKeyId: 'ASIAMEMBER', secretAccessKey: 'member-secret', sessionToken: 'member-session' };

const configMock = mockClient(ConfigServiceClient);

function setup(verdict: AccountDecision | Error = { complianceType: 'NON_COMPLIANT', annotation: 'no alarm on the unauthorized-API-calls metric' }) {
  const logger = new Logger({ serviceName: 'test', logLevel: 'SILENT' });
  const info = jest.spyOn(logger, 'info');
  const error = jest.spyOn(logger, 'error');
  const evaluateAccount = jest.fn<ReturnType<EvaluateAccount>, Parameters<EvaluateAccount>>(async () => {
    if (verdict instanceof Error) throw verdict;
    return verdict;
  });
  const assumeRole = jest.fn<ReturnType<AssumeRole>, Parameters<AssumeRole>>(async () => MEMBER_CREDENTIALS);
  const configClient = jest.fn<ReturnType<ConfigClientFactory>, Parameters<ConfigClientFactory>>(
    (credentials) => new ConfigServiceClient({ region: 'us-east-1', ...(credentials ? { credentials } : {}) }),
  );
  const handler = createHandler({ logger, region: 'us-east-1', evaluateAccount, assumeRole, configClient });
  return { handler, logger, info, error, evaluateAccount, assumeRole, configClient };
}

function puts() {
  return configMock.commandCalls(PutEvaluationsCommand).map((c) => c.args[0].input);
}

beforeEach(() => {
  configMock.reset();
  configMock.on(PutEvaluationsCommand).resolves({ FailedEvaluations: [] });
});

describe('handler: single account', () => {
  it('scheduled: one account evaluation ordered by notificationCreationTime, own credentials', async () => {
    const t = setup();
    const result = await t.handler(scheduledEvent(CENTRAL), CONTEXT);

    expect(result).toEqual({ accountId: CENTRAL, complianceType: 'NON_COMPLIANT', annotation: 'no alarm on the unauthorized-API-calls metric' });
    expect(t.assumeRole).not.toHaveBeenCalled();
    expect(t.evaluateAccount).toHaveBeenCalledWith({
      accountId: CENTRAL,
      region: 'us-east-1',
      partition: 'aws',
      parameters: { control: 'unauthorized-api-calls', cisVersion: '7.0', allowBroadFilterPattern: false, confirmWithTestMetricFilter: true },
      budget: BUDGET,
    });
    expect(t.configClient).toHaveBeenCalledWith(undefined);
    expect(puts()).toEqual([
      {
        ResultToken: RESULT_TOKEN,
        Evaluations: [
          {
            ComplianceResourceType: 'AWS::::Account',
            ComplianceResourceId: CENTRAL,
            ComplianceType: 'NON_COMPLIANT',
            Annotation: 'no alarm on the unauthorized-API-calls metric',
            OrderingTimestamp: new Date(SCHEDULED_AT),
          },
        ],
      },
    ]);
    expect(t.info).toHaveBeenCalledWith(
      expect.objectContaining({
        message: 'account evaluated',
        accountId: CENTRAL,
        compliance: 'NON_COMPLIANT',
        annotation: 'no alarm on the unauthorized-API-calls metric',
        messageType: 'ScheduledNotification',
        testMode: false,
      }),
    );
    // The result token is never logged.
    expect(JSON.stringify(t.info.mock.calls)).not.toContain(RESULT_TOKEN);
  });

  it('change notification of a deleted alarm: the account is evaluated, ordered by capture time', async () => {
    const t = setup({ complianceType: 'NON_COMPLIANT', annotation: 'alarm UnauthorizedAPICalls was deleted' });
    const event = scheduledEvent(CENTRAL, {
      eventLeftScope: true,
      invokingEvent: JSON.stringify({
        configurationItemDiff: null,
        configurationItem: {
          configurationItemCaptureTime: '2024-05-13T09:12:44.310Z',
          configurationItemStatus: 'ResourceDeleted',
          resourceType: 'AWS::CloudWatch::Alarm',
          resourceId: 'UnauthorizedAPICalls',
          awsAccountId: CENTRAL,
          configuration: null,
        },
        notificationCreationTime: '2024-05-13T09:13:02.981Z',
        messageType: 'ConfigurationItemChangeNotification',
        recordVersion: '1.3',
      }),
    });
    await t.handler(event, CONTEXT);
    const evaluation = puts()[0]!.Evaluations![0]!;
    expect(evaluation.ComplianceResourceId).toBe(CENTRAL);
    expect(evaluation.OrderingTimestamp).toEqual(new Date('2024-05-13T09:12:44.310Z'));
  });

  it('TESTMODE: TestMode: true and logged as a test', async () => {
    const t = setup({ complianceType: 'COMPLIANT', annotation: 'ok' });
    await t.handler(scheduledEvent(CENTRAL, { resultToken: 'TESTMODE' }), CONTEXT);
    expect(puts()).toEqual([expect.objectContaining({ ResultToken: 'TESTMODE', TestMode: true })]);
    expect(t.info).toHaveBeenCalledWith(expect.objectContaining({ testMode: true, compliance: 'COMPLIANT' }));
  });

  it('same account with ExecutionRoleName: assumes that role (as RDK does) and writes with it', async () => {
    const t = setup();
    await t.handler(scheduledEvent(CENTRAL, { ruleParameters: '{"ExecutionRoleName":"ConfigRuleExecution"}' }), CONTEXT);
    expect(t.assumeRole).toHaveBeenCalledWith(`arn:aws:iam::${CENTRAL}:role/ConfigRuleExecution`, BUDGET);
    expect(t.evaluateAccount).toHaveBeenCalledWith(expect.objectContaining({ accountId: CENTRAL, credentials: MEMBER_CREDENTIALS }));
    expect(t.configClient).toHaveBeenCalledWith(MEMBER_CREDENTIALS);
  });
});

describe('handler: organization rule run from a central account', () => {
  it('ExecutionRoleName: assumes it in the member account, evaluates and writes with its credentials', async () => {
    const t = setup();
    const result = await t.handler(scheduledEvent(MEMBER, { ruleParameters: '{"ExecutionRoleName":"ConfigRuleExecution"}' }), CONTEXT);
    expect(t.assumeRole).toHaveBeenCalledTimes(1);
    expect(t.assumeRole).toHaveBeenCalledWith(`arn:aws:iam::${MEMBER}:role/ConfigRuleExecution`, BUDGET);
    expect(t.evaluateAccount).toHaveBeenCalledWith(expect.objectContaining({ accountId: MEMBER, credentials: MEMBER_CREDENTIALS }));
    expect(t.configClient).toHaveBeenCalledTimes(1);
    expect(t.configClient).toHaveBeenCalledWith(MEMBER_CREDENTIALS);
    expect(puts()[0]!.Evaluations![0]!.ComplianceResourceId).toBe(MEMBER);
    expect(result.accountId).toBe(MEMBER);
    // Credentials are never logged.
    expect(JSON.stringify([...t.info.mock.calls, ...t.error.mock.calls])).not.toContain('member-secret');
  });

  it('no ExecutionRoleName: assumes the event executionRoleArn', async () => {
    const t = setup();
    await t.handler(scheduledEvent(MEMBER, { executionRoleArn: `arn:aws:iam::${MEMBER}:role/service/config-role` }), CONTEXT);
    expect(t.assumeRole).toHaveBeenCalledWith(`arn:aws:iam::${MEMBER}:role/service/config-role`, BUDGET);
    expect(t.configClient).toHaveBeenCalledWith(MEMBER_CREDENTIALS);
    expect(puts()).toHaveLength(1);
  });

  it('uses the partition of the function for the role ARN', async () => {
    const t = setup();
    const context = { ...CONTEXT, invokedFunctionArn: `arn:aws-us-gov:lambda:us-gov-west-1:${CENTRAL}:function:rule:live` };
    await t.handler(scheduledEvent(MEMBER, { ruleParameters: '{"ExecutionRoleName":"ConfigRuleExecution"}' }), context);
    expect(t.assumeRole).toHaveBeenCalledWith(`arn:aws-us-gov:iam::${MEMBER}:role/ConfigRuleExecution`, BUDGET);
  });

  it.each([
    ['no executionRoleArn', { executionRoleArn: undefined }, /has no executionRoleArn; set the ExecutionRoleName rule parameter/],
    ['a role in another account', { executionRoleArn: `arn:aws:iam::${CENTRAL}:role/config-role` }, /is not a role in the evaluated account 222222222222/],
    [
      'the service-linked role',
      { executionRoleArn: `arn:aws:iam::${MEMBER}:role/aws-service-role/config.amazonaws.com/AWSServiceRoleForConfig` },
      /service-linked role, which cannot be assumed/,
    ],
  ])('%s: a clear error, nothing assumed, evaluated or written', async (_name, overrides, message) => {
    const t = setup();
    const event = scheduledEvent(MEMBER, overrides);
    if (overrides.executionRoleArn === undefined) delete event.executionRoleArn;
    const failure = t.handler(event, CONTEXT);
    await expect(failure).rejects.toThrow(ExecutionRoleError);
    await expect(failure).rejects.toThrow(message);
    expect(t.assumeRole).not.toHaveBeenCalled();
    expect(t.evaluateAccount).not.toHaveBeenCalled();
    expect(puts()).toHaveLength(0);
  });

  it('an assumeRole failure propagates and writes nothing', async () => {
    const t = setup();
    t.assumeRole.mockRejectedValueOnce(Object.assign(new Error('not authorized to perform sts:AssumeRole'), { name: 'AccessDenied' }));
    await expect(t.handler(scheduledEvent(MEMBER), CONTEXT)).rejects.toThrow('sts:AssumeRole');
    expect(t.evaluateAccount).not.toHaveBeenCalled();
    expect(puts()).toHaveLength(0);
  });
});

describe('handler: failures', () => {
  it.each([
    ['not an object', 'hello', ConfigEventError],
    ['invokingEvent not JSON', scheduledEvent(CENTRAL, { invokingEvent: '{' }), ConfigEventError],
    ['bad accountId', scheduledEvent(CENTRAL, { accountId: 'abc' }), ConfigEventError],
    ['bad rule parameter', scheduledEvent(CENTRAL, { ruleParameters: '{"Typo":"true"}' }), ParameterError],
  ])('malformed event (%s): logged, rethrown, nothing evaluated or written', async (_name, event, errorClass) => {
    const t = setup();
    await expect(t.handler(event, CONTEXT)).rejects.toThrow(errorClass);
    expect(t.error).toHaveBeenCalledWith(
      expect.objectContaining({ message: 'invalid AWS Config event; nothing evaluated', requestId: 'req-1', reason: expect.any(String) }),
      expect.any(errorClass),
    );
    expect(t.evaluateAccount).not.toHaveBeenCalled();
    expect(t.configClient).not.toHaveBeenCalled();
    expect(puts()).toHaveLength(0);
  });

  it('an evaluateAccount failure is logged and written as NON_COMPLIANT saying so, since Config would keep the last result', async () => {
    const boom = new Error('decision crashed');
    const t = setup(boom);
    const result = await t.handler(scheduledEvent(CENTRAL), CONTEXT);
    const annotation = 'Could not evaluate: Error: decision crashed';
    expect(result).toEqual({ accountId: CENTRAL, complianceType: 'NON_COMPLIANT', annotation });
    expect(t.error).toHaveBeenCalledWith(expect.objectContaining({ message: 'evaluation failed; writing NON_COMPLIANT', accountId: CENTRAL }), boom);
    expect(puts()).toEqual([expect.objectContaining({ Evaluations: [expect.objectContaining({ ComplianceType: 'NON_COMPLIANT', Annotation: annotation })] })]);
  });

  it('gives the evaluation the Lambda\'s remaining time less the write reserve', async () => {
    const t = setup();
    const before = Date.now();
    await t.handler(scheduledEvent(CENTRAL), { ...CONTEXT, getRemainingTimeInMillis: () => 120_000 });
    const { budget } = t.evaluateAccount.mock.calls[0]![0];
    expect(budget.deadline).toBeGreaterThanOrEqual(before + 120_000 - WRITE_RESERVE_MS);
    expect(budget.deadline).toBeLessThanOrEqual(Date.now() + 120_000 - WRITE_RESERVE_MS);
  });

  it('FailedEvaluations fail the invocation', async () => {
    const t = setup();
    configMock.on(PutEvaluationsCommand).resolves({
      FailedEvaluations: [{ ComplianceResourceType: 'AWS::::Account', ComplianceResourceId: CENTRAL, ComplianceType: 'NON_COMPLIANT', OrderingTimestamp: new Date(SCHEDULED_AT) }],
    });
    await expect(t.handler(scheduledEvent(CENTRAL), CONTEXT)).rejects.toThrow('AWS Config refused 1 of 1 evaluation(s)');
  });

  it('a malformed invokedFunctionArn is echoed escaped and cut, never as raw lines', async () => {
    const t = setup();
    const forged = `x\nlevel=INFO ${'a'.repeat(5000)}`;
    const failure = t.handler(scheduledEvent(CENTRAL), { ...CONTEXT, invokedFunctionArn: forged });
    await expect(failure).rejects.toThrow(/^context\.invokedFunctionArn is not a Lambda function ARN: 'x\\u\{000A\}level=INFO a+…'$/);
  });

  it('a malformed invokedFunctionArn is reported, nothing written', async () => {
    const t = setup();
    await expect(t.handler(scheduledEvent(CENTRAL), { ...CONTEXT, invokedFunctionArn: 'not-an-arn' })).rejects.toThrow(
      /context.invokedFunctionArn is not a Lambda function ARN/,
    );
    expect(puts()).toHaveLength(0);
  });
});
