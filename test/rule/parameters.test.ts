/** Rule parameters: validation, and agreement between the code and parameters.json (the RDK rule definition). */
import rdk from '../../parameters.json';
import { DEFAULT_PARAMETERS, PARAMETER_DEFINITIONS, parseRuleParameters, parseRuleParametersJson } from '../../rule/parameters';

describe('rule parameters', () => {
  it('defaults when absent or empty', () => {
    expect(parseRuleParametersJson(undefined)).toEqual(DEFAULT_PARAMETERS);
    expect(parseRuleParametersJson('  ')).toEqual(DEFAULT_PARAMETERS);
    expect(parseRuleParametersJson('{}')).toEqual({ control: 'unauthorized-api-calls', cisVersion: '7.0', allowBroadFilterPattern: false, confirmWithTestMetricFilter: true });
  });

  it('reads every parameter', () => {
    expect(
      parseRuleParameters({
        StrictPatternVersion: 'CIS-1.2',
        AllowBroadFilterPattern: 'TRUE',
        ConfirmWithTestMetricFilter: 'false',
        OrgTrailReadRoleName: 'UnauthorizedApiCallsReader',
        ExecutionRoleName: 'ConfigRuleMemberRole',
      }),
    ).toEqual({
      control: 'unauthorized-api-calls',
      cisVersion: '7.0',
      strictPatternVersion: 'cis-1.2',
      allowBroadFilterPattern: true,
      confirmWithTestMetricFilter: false,
      orgTrailReadRoleName: 'UnauthorizedApiCallsReader',
      executionRoleName: 'ConfigRuleMemberRole',
    });
  });

  it('treats empty optional values as unset, as RDK drops them', () => {
    expect(parseRuleParameters({ StrictPatternVersion: '', OrgTrailReadRoleName: ' ', ExecutionRoleName: '' })).toEqual(DEFAULT_PARAMETERS);
  });

  it.each([
    ['not JSON', '{StrictPatternVersion:cis-1.2}', /ruleParameters is not valid JSON/],
    ['an array', '[]', /rule parameters must be a JSON object/],
    ['an unknown name', '{"StrictVersion":"cis-1.2"}', /unknown rule parameter 'StrictVersion'; known: Control, CisVersion, StrictPatternVersion, /],
    ['a bad version', '{"StrictPatternVersion":"cis-1.3"}', /StrictPatternVersion must be empty or one of cis-1\.2, cis-2\.0, securityhub for unauthorized-api-calls, not 'cis-1\.3' \(that text is broken/],
    ['a bad boolean', '{"AllowBroadFilterPattern":"yes"}', /AllowBroadFilterPattern must be true or false, not 'yes'/],
    ['a role ARN instead of a name', '{"OrgTrailReadRoleName":"arn:aws:iam::999988887777:role/Reader"}', /OrgTrailReadRoleName must be an IAM role name/],
    ['a non-string value', '{"ExecutionRoleName":{"name":"x"}}', /ExecutionRoleName must be a string/],
  ])('refuses %s with a message naming the parameter', (_what, text, message) => {
    expect(() => parseRuleParametersJson(text)).toThrow(message);
  });

  // JSON.parse makes each of these an own property of the decoded object, so each must be seen and refused.
  it.each(['constructor', 'toString', 'valueOf', 'hasOwnProperty', '__proto__'])('refuses %s, a name Object.prototype also has', (name) => {
    expect(() => parseRuleParametersJson(`{"${name}":"true"}`)).toThrow(`unknown rule parameter '${name}'`);
    expect(() => parseRuleParameters(Object.fromEntries([[name, 'true']]))).toThrow(`unknown rule parameter '${name}'`);
  });

  it('refuses a __proto__ object without polluting any prototype', () => {
    expect(() => parseRuleParametersJson('{"__proto__":{"polluted":"yes"}}')).toThrow("unknown rule parameter '__proto__'");
    expect(() => parseRuleParametersJson('{"AllowBroadFilterPattern":"false","__proto__":{"allowBroadFilterPattern":true}}')).toThrow(
      "unknown rule parameter '__proto__'",
    );
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(({} as Record<string, unknown>).allowBroadFilterPattern).toBeUndefined();
  });

  it('echoes at most about 100 characters of a bad value or name, with control and bidirectional characters shown', () => {
    const huge = 'R'.repeat(1_000_000);
    for (const text of [`{"ExecutionRoleName":"${huge}"}`, `{"StrictPatternVersion":"${huge}"}`, `{"AllowBroadFilterPattern":"${huge}"}`, `{"${huge}":"x"}`]) {
      let message = '';
      try {
        parseRuleParametersJson(text);
      } catch (e) {
        message = (e as Error).message;
      }
      expect(message).toMatch(/R…'/);
      expect(message.length).toBeLessThan(300);
    }
    expect(() => parseRuleParameters({ OrgTrailReadRoleName: 'Reader\u202e\nFAKE' })).toThrow("not 'Reader\\u{202E}\\u{000A}FAKE'");
  });

  describe('parameters.json', () => {
    const optional = JSON.parse(rdk.Parameters.OptionalParameters) as Record<string, string>;

    it('is in the shape RDK reads', () => {
      expect(rdk.Version).toBe('1.0');
      expect(rdk.Parameters).toMatchObject({
        RuleName: 'unauthorized-api-calls-monitored',
        SourceRuntime: 'nodejs22.x',
        SourceHandler: 'index.handler',
        SourceEvents: 'AWS::CloudTrail::Trail,AWS::CloudWatch::Alarm,AWS::SNS::Topic',
        SourcePeriodic: 'TwentyFour_Hours',
      });
      expect(typeof rdk.Parameters.InputParameters).toBe('string');
      expect(typeof rdk.Tags).toBe('string');
      expect(rdk.Parameters.RuleName.length).toBeLessThanOrEqual(64);
    });

    it('lists every rule parameter with the default the code uses', () => {
      expect(Object.keys(optional).sort()).toEqual(Object.keys(PARAMETER_DEFINITIONS).sort());
      for (const [name, definition] of Object.entries(PARAMETER_DEFINITIONS)) expect(optional[name]).toBe(definition.default);
      expect(parseRuleParameters({ ...JSON.parse(rdk.Parameters.InputParameters), ...optional })).toEqual(DEFAULT_PARAMETERS);
    });

    it('fits the 1024 characters AWS Config allows for InputParameters', () => {
      expect(JSON.stringify({ ...JSON.parse(rdk.Parameters.InputParameters), ...optional }).length).toBeLessThanOrEqual(1024);
    });
  });
});
