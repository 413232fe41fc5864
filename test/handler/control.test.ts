/**
 * One Lambda, fifteen Config rules: the rule parameter Control says which control a run evaluates, and the handler
 * passes it on with the other parameters; a bad Control, CisVersion or StrictPatternVersion writes nothing.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { ConfigServiceClient, PutEvaluationsCommand } from '@aws-sdk/client-config-service';
import { mockClient } from 'aws-sdk-client-mock';
import { createHandler, type EvaluateAccount } from '../../rule/handler';
import { DEFAULT_PARAMETERS, ParameterError, parseRuleParameters } from '../../rule/parameters';
import { RESULT_TOKEN, scheduledEvent } from '../support/config-events';

const ACCOUNT = '111111111111';
const CONTEXT = { invokedFunctionArn: `arn:aws:lambda:us-east-1:${ACCOUNT}:function:cis-monitoring`, awsRequestId: 'req-1', getRemainingTimeInMillis: () => 120_000 };

const configMock = mockClient(ConfigServiceClient);
beforeEach(() => {
  configMock.reset();
  configMock.on(PutEvaluationsCommand).resolves({ FailedEvaluations: [] });
});

function setup() {
  const logger = new Logger({ serviceName: 'test', logLevel: 'SILENT' });
  const info = jest.spyOn(logger, 'info');
  const evaluateAccount = jest.fn<ReturnType<EvaluateAccount>, Parameters<EvaluateAccount>>(async ({ parameters }) => ({
    complianceType: 'NON_COMPLIANT',
    annotation: `evaluated ${parameters.control}`,
  }));
  const handler = createHandler({
    logger,
    region: 'us-east-1',
    evaluateAccount,
    assumeRole: async () => ({ accessKeyId: 'unused', secretAccessKey: 'unused' }),
    configClient: () => new ConfigServiceClient({ region: 'us-east-1' }),
  });
  return { handler, info, evaluateAccount };
}

function ruleEvent(configRuleName: string, ruleParameters: Record<string, string>) {
  return scheduledEvent(ACCOUNT, { configRuleName, ruleParameters: JSON.stringify(ruleParameters) });
}

describe('the handler, per control', () => {
  it('evaluates root-usage for the root-usage rule (Control=root-usage) and writes its evaluation', async () => {
    const t = setup();
    const result = await t.handler(ruleEvent('root-usage-monitored', { Control: 'root-usage' }), CONTEXT);
    expect(t.evaluateAccount).toHaveBeenCalledWith(
      expect.objectContaining({ accountId: ACCOUNT, parameters: expect.objectContaining({ control: 'root-usage', cisVersion: '7.0' }) }),
    );
    expect(result).toEqual({ accountId: ACCOUNT, complianceType: 'NON_COMPLIANT', annotation: 'evaluated root-usage' });
    const puts = configMock.commandCalls(PutEvaluationsCommand).map((c) => c.args[0].input);
    expect(puts).toEqual([
      expect.objectContaining({ ResultToken: RESULT_TOKEN, Evaluations: [expect.objectContaining({ Annotation: 'evaluated root-usage' })] }),
    ]);
    expect(t.info).toHaveBeenCalledWith(expect.objectContaining({ message: 'account evaluated', configRuleName: 'root-usage-monitored', control: 'root-usage' }));
  });

  it('takes the Security Hub id and the CIS version, and keeps the other parameters', async () => {
    const t = setup();
    await t.handler(ruleEvent('cmk-monitored', { Control: 'cloudwatch.7', CisVersion: '4.0.1', AllowBroadFilterPattern: 'true' }), CONTEXT);
    expect(t.evaluateAccount).toHaveBeenCalledWith(
      expect.objectContaining({
        parameters: expect.objectContaining({ control: 'cmk-disable-or-scheduled-deletion', cisVersion: '4.0', allowBroadFilterPattern: true }),
      }),
    );
  });

  it('evaluates unauthorized-api-calls when the rule names no control, as before the family', async () => {
    const t = setup();
    await t.handler(scheduledEvent(ACCOUNT), CONTEXT);
    expect(t.evaluateAccount).toHaveBeenCalledWith(expect.objectContaining({ parameters: expect.objectContaining({ control: 'unauthorized-api-calls' }) }));
  });

  it.each([
    ['an unknown control', { Control: 'root-usage-monitored' }, /^Control must be a control's short id or Security Hub id .*, not 'root-usage-monitored'; controls: unauthorized-api-calls, /],
    ['an empty control', { Control: '' }, /^Control must be .*, not ''/],
    ['an unknown CIS version', { CisVersion: '8.0' }, /^CisVersion must be one of 1\.2, 1\.3, 1\.4, 1\.5, 2\.0, 3\.0, 4\.0, 5\.0, 6\.0, 7\.0, not '8\.0'/],
    ['a strict pattern of another control', { Control: 'root-usage', StrictPatternVersion: 'cis-2.0-sso' }, /^StrictPatternVersion must be empty or one of .* for root-usage, not 'cis-2\.0-sso'/],
  ])('refuses %s: logged and thrown, nothing evaluated or written', async (_what, parameters, message) => {
    const t = setup();
    const run = t.handler(ruleEvent('some-rule', parameters), CONTEXT);
    await expect(run).rejects.toThrow(ParameterError);
    await expect(run).rejects.toThrow(message);
    expect(t.evaluateAccount).not.toHaveBeenCalled();
    expect(configMock.commandCalls(PutEvaluationsCommand)).toHaveLength(0);
  });
});

describe('the rule parameters Control, CisVersion and StrictPatternVersion', () => {
  it('default to unauthorized-api-calls judged by the newest CIS version', () => {
    expect(DEFAULT_PARAMETERS).toMatchObject({ control: 'unauthorized-api-calls', cisVersion: '7.0' });
  });

  it.each([
    ['root-usage', 'root-usage'],
    [' Root-Usage ', 'root-usage'],
    ['CloudWatch.1', 'root-usage'],
    ['cloudwatch.2', 'unauthorized-api-calls'],
    ['organizations-changes', 'organizations-changes'],
  ])('Control %j is %s', (value, control) => {
    expect(parseRuleParameters({ Control: value }).control).toBe(control);
  });

  it.each([
    ['5.0', '5.0'],
    ['v1.4.0', '1.4'],
    ['4.0.1', '4.0'],
    ['1.2', '1.2'],
  ])('CisVersion %j is %s', (value, version) => {
    expect(parseRuleParameters({ CisVersion: value }).cisVersion).toBe(version);
  });

  it.each(['8.0', '5', '', 'latest', '1.2.3.4'])('refuses CisVersion %j', (value) => {
    expect(() => parseRuleParameters({ CisVersion: value })).toThrow(`CisVersion must be one of 1.2, 1.3, 1.4, 1.5, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, not '${value}'`);
  });

  it('keeps cis-1.2 and cis-2.0 for unauthorized-api-calls, and adds securityhub', () => {
    expect(parseRuleParameters({ StrictPatternVersion: 'cis-1.2' }).strictPatternVersion).toBe('cis-1.2');
    expect(parseRuleParameters({ StrictPatternVersion: 'CIS-2.0' }).strictPatternVersion).toBe('cis-2.0');
    expect(parseRuleParameters({ StrictPatternVersion: 'securityhub' }).strictPatternVersion).toBe('securityhub');
  });

  it('checks StrictPatternVersion against the control, whichever comes first', () => {
    expect(parseRuleParameters({ StrictPatternVersion: 'securityhub', Control: 'root-usage' })).toMatchObject({ control: 'root-usage', strictPatternVersion: 'securityhub' });
    // Organizations changes have no Security Hub control, so no Security Hub text.
    expect(() => parseRuleParameters({ StrictPatternVersion: 'securityhub', Control: 'organizations-changes' })).toThrow(
      /^StrictPatternVersion must be empty or one of cis-1\.3.* for organizations-changes, not 'securityhub'$/,
    );
  });

  it('refuses a published text FAMILY.md marks broken, saying why', () => {
    expect(() => parseRuleParameters({ StrictPatternVersion: 'cis-1.3' })).toThrow(
      "StrictPatternVersion must be empty or one of cis-1.2, cis-2.0, securityhub for unauthorized-api-calls, not 'cis-1.3' (that text is broken: its exclusions are joined by ||, so it matches nearly every call)",
    );
  });

  it('echoes at most about 100 characters of a bad control, escaped', () => {
    let message = '';
    try {
      parseRuleParameters({ Control: `root\u202e${'x'.repeat(100_000)}` });
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toContain("not 'root\\u{202E}xxx");
    expect(message).toContain('x…');
    expect(message.length).toBeLessThan(600);
  });
});
