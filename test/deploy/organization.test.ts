/**
 * The organization templates: the central organization rule and its member execution role, the org-trail read role,
 * the aggregator, and the RDK companion (remediation-runbook.yaml). Wiring between templates (names one template
 * trusts or assumes must be the names another creates), least privilege, and rule parameters.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import rulePolicy from '../../deploy/iam/rule-policy.json';
import rdk from '../../parameters.json';
import { PARAMETER_DEFINITIONS, type ParameterName } from '../../rule/parameters';
import {
  ROOT,
  actionsOf,
  allowedByPattern,
  isObject,
  loadTemplate,
  onlyResourceOfType,
  permissionStatements,
  props,
  stringOf,
  trustStatements,
  type JsonObject,
} from './cfn-template';
import { ROLE_NAME_SAMPLES, policyDocument, ruleAccepts } from './support';

const central = loadTemplate('org-central-rule.yaml');
const member = loadTemplate('org-member-execution-role.yaml');
const reader = loadTemplate('org-trail-read-role.yaml');
const aggregator = loadTemplate('org-aggregator.yaml');
const runbook = loadTemplate('remediation-runbook.yaml');
const account = loadTemplate('account-rule.yaml');
const PARAMETER_NAMES = Object.keys(PARAMETER_DEFINITIONS) as ParameterName[];

/** The literal text of a role name written !Sub 'Prefix-${AWS::Region}', as an ARN wildcard ('Prefix-*'). */
function roleNamePattern(roleName: unknown): string {
  if (!isObject(roleName) || typeof roleName['Fn::Sub'] !== 'string') throw new Error('role name is not a !Sub');
  return roleName['Fn::Sub'].replace('${AWS::Region}', '*');
}

/** The IAM actions of rule/collect/reader.ts's methods, from the action each method's comment names. */
function readerActions(): Map<string, string> {
  const source = readFileSync(join(ROOT, 'rule', 'collect', 'reader.ts'), 'utf8');
  return new Map([...source.matchAll(/\/\*\* ([a-z0-9]+:[A-Za-z]+)[^]*?\*\/\s*(\w+)\(/g)].map((m) => [m[2]!, m[1]!]));
}

describe('org-central-rule.yaml', () => {
  // The unauthorized-api-calls organization rule, by the logical id it keeps (controls.test.ts: the others).
  const rule = central.Resources.OrganizationRule!;
  const [fnId, fn] = onlyResourceOfType(central, 'AWS::Lambda::Function');
  const [permissionId, permission] = onlyResourceOfType(central, 'AWS::Lambda::Permission');
  const metadata = props(rule).OrganizationCustomRuleMetadata as JsonObject;

  it('runs the central function for every member, periodically only', () => {
    expect(metadata.LambdaFunctionArn).toEqual({ 'Fn::GetAtt': [fnId, 'Arn'] });
    expect(metadata.OrganizationConfigRuleTriggerTypes).toEqual(['ScheduledNotification']);
    expect(metadata.MaximumExecutionFrequency).toEqual({ Ref: 'MaximumExecutionFrequency' });
    expect(central.Parameters.MaximumExecutionFrequency!.Default).toBe(rdk.Parameters.SourcePeriodic);
    expect(central.Parameters.OrganizationConfigRuleName!.Default).toBe(rdk.Parameters.RuleName);
    expect(stringOf(metadata.Description, 'Description').length).toBeLessThanOrEqual(256);
    expect(rule.DependsOn).toBe(permissionId);
    expect(props(permission)).toMatchObject({ FunctionName: { 'Fn::GetAtt': [fnId, 'Arn'] }, Action: 'lambda:InvokeFunction', Principal: 'config.amazonaws.com' });
  });

  it('passes every rule parameter from the template parameter of the same name, as a JSON string', () => {
    const text = metadata.InputParameters;
    if (!isObject(text) || typeof text['Fn::Sub'] !== 'string') throw new Error('InputParameters is not a !Sub string');
    const json = JSON.parse(text['Fn::Sub']) as Record<string, string>;
    expect(json).toEqual(Object.fromEntries(PARAMETER_NAMES.map((name) => [name, name === 'Control' ? 'unauthorized-api-calls' : `\${${name}}`])));
    // Filled in with the longest values the parameters allow, it stays within Config's 1024 characters.
    const longest = text['Fn::Sub'].replace(/\$\{(\w+)\}/g, (_m, name: string) => (name.endsWith('RoleName') ? 'x'.repeat(64) : 'cis-2.0'));
    expect(longest.length).toBeLessThanOrEqual(1024);
  });

  it('has the rule parameters with the rule\'s allowed values and defaults; ExecutionRoleName is required', () => {
    for (const name of PARAMETER_NAMES.filter((n) => n !== 'Control')) {
      const definition: { default: string; allowedValues?: readonly string[] } = PARAMETER_DEFINITIONS[name];
      const p = central.Parameters[name]!;
      if (name === 'StrictPatternVersion') {
        expect(p.AllowedValues).toEqual(['', 'cis-1.2', 'cis-2.0']);
        continue;
      }
      if (name === 'ExecutionRoleName') {
        expect(p.Default).toBe(member.Parameters.ExecutionRoleName!.Default);
        for (const value of ROLE_NAME_SAMPLES) {
          expect({ value, template: allowedByPattern(p, value) }).toEqual({ value, template: value !== '' && ruleAccepts(name, value) && value.trim() === value });
        }
        continue;
      }
      expect({ name, default: p.Default }).toEqual({ name, default: definition.default });
      if (definition.allowedValues) expect({ name, values: p.AllowedValues }).toEqual({ name, values: [...definition.allowedValues] });
      else for (const value of ROLE_NAME_SAMPLES) expect({ name, value, ok: allowedByPattern(p, value) }).toEqual({ name, value, ok: ruleAccepts(name, value) && value.trim() === value });
    }
  });

  it('lets the central role assume the member execution role and write its own logs, nothing else', () => {
    expect(props(fn).Role).toEqual({ 'Fn::GetAtt': ['CentralRole', 'Arn'] });
    const statements = permissionStatements(central);
    expect(statements.map((s) => ({ actions: actionsOf(s.statement), resource: s.statement.Resource, conditions: s.conditions }))).toEqual([
      // Its aws:ResourceOrgID condition: security.test.ts.
      { actions: ['sts:AssumeRole'], resource: { 'Fn::Sub': 'arn:${AWS::Partition}:iam::*:role/${ExecutionRoleName}' }, conditions: [] },
      { actions: ['logs:CreateLogStream', 'logs:PutLogEvents'], resource: { 'Fn::GetAtt': ['CentralLogGroup', 'Arn'] }, conditions: [] },
    ]);
  });

  it('names the central role as the member role trusts it', () => {
    const pattern = roleNamePattern(props(central.Resources.CentralRole!).RoleName);
    const trust = trustStatements(member)[0]!.statement;
    expect(trust.Condition).toEqual({
      StringEquals: { 'aws:PrincipalOrgID': { Ref: 'OrganizationId' } },
      ArnLike: { 'aws:PrincipalArn': { 'Fn::Sub': `arn:\${AWS::Partition}:iam::\${CentralAccountId}:role/${pattern}` } },
    });
    expect(trust.Principal).toEqual({ AWS: { 'Fn::Sub': 'arn:${AWS::Partition}:iam::${CentralAccountId}:root' } });
  });
});

describe('org-member-execution-role.yaml', () => {
  const [roleId, role] = onlyResourceOfType(member, 'AWS::IAM::Role');

  it('is named by ExecutionRoleName and carries deploy/iam/rule-policy.json exactly', () => {
    expect(props(role).RoleName).toEqual({ Ref: 'ExecutionRoleName' });
    expect(policyDocument(member, roleId, 'ReadTheChainAndWriteEvaluations')).toEqual(rulePolicy);
  });

  it('may assume the org-trail read role only when one is named', () => {
    const fromFile = new Set(rulePolicy.Statement.flatMap((s) => s.Action));
    const extra = permissionStatements(member).filter((s) => actionsOf(s.statement).some((a) => !fromFile.has(a)));
    expect(extra.map((s) => ({ actions: actionsOf(s.statement), resource: s.statement.Resource, conditions: s.conditions }))).toEqual([
      { actions: ['sts:AssumeRole'], resource: { 'Fn::Sub': 'arn:${AWS::Partition}:iam::*:role/${OrgTrailReadRoleName}' }, conditions: ['HasOrgTrailReadRole'] },
    ]);
    expect(member.Parameters.OrgTrailReadRoleName!.Default).toBe('');
  });
});

describe('org-trail-read-role.yaml', () => {
  const [, role] = onlyResourceOfType(reader, 'AWS::IAM::Role');

  it('grants what the rule reads in the trail owner\'s account (the chain\'s reads via the assumed role), a subset of rule-policy.json', () => {
    const actions = readerActions();
    const collector = readFileSync(join(ROOT, 'rule', 'collect', 'account.ts'), 'utf8');
    const chain = readFileSync(join(ROOT, 'rule', 'chain.ts'), 'utf8');
    // The collector performs a read the chain asks `via` a role with that role's reader.
    expect(collector).toMatch(/this\.assumed\.get\(request\.via\)/);
    // Every read the chain may ask via the owner account's role.
    const called = [...actions.keys()].filter((method) => new RegExp(`read: '${method}', \\.\\.\\.via`).test(chain));
    const expected = called.map((m) => actions.get(m)!).sort();
    expect(expected).toEqual([
      'cloudtrail:GetEventSelectors',
      'cloudtrail:GetTrailStatus',
      'cloudwatch:DescribeAlarms',
      'cloudwatch:DescribeAlarmsForMetric',
      'logs:DescribeMetricFilters',
      'logs:TestMetricFilter',
      'sns:ListSubscriptionsByTopic',
    ]);
    const granted = permissionStatements(reader).flatMap((s) => actionsOf(s.statement)).sort();
    expect(granted).toEqual(expected);
    const fromFile = new Set(rulePolicy.Statement.flatMap((s) => s.Action));
    expect(granted.every((a) => fromFile.has(a))).toBe(true);
    expect(props(role).RoleName).toEqual({ Ref: 'RoleName' });
  });

  it('trusts the rule role by the name and path account-rule.yaml gives it, and the member role by ExecutionRoleName', () => {
    const [trust] = trustStatements(reader).map((s) => s.statement);
    expect(trust!.Principal).toEqual({ AWS: '*' });
    const rule = props(account.Resources.RuleRole!);
    expect((trust!.Condition as JsonObject).ArnLike).toEqual({
      'aws:PrincipalArn': [
        { 'Fn::Sub': `arn:\${AWS::Partition}:iam::*:role${stringOf(rule.Path, 'RuleRole Path')}${roleNamePattern(rule.RoleName)}` },
        { 'Fn::Sub': 'arn:${AWS::Partition}:iam::*:role/${ExecutionRoleName}' },
      ],
    });
    expect(reader.Parameters.ExecutionRoleName!.Default).toBe(member.Parameters.ExecutionRoleName!.Default);
    expect(reader.Parameters.RoleName!.AllowedPattern).toBe(member.Parameters.ExecutionRoleName!.AllowedPattern);
  });
});

describe('org-aggregator.yaml', () => {
  const [, agg] = onlyResourceOfType(aggregator, 'AWS::Config::ConfigurationAggregator');
  const [roleId, role] = onlyResourceOfType(aggregator, 'AWS::IAM::Role');

  it('aggregates the organization with a role trusted by AWS Config carrying AWSConfigRoleForOrganizations', () => {
    expect(props(agg).OrganizationAggregationSource).toMatchObject({ RoleArn: { 'Fn::GetAtt': [roleId, 'Arn'] } });
    expect(props(role).ManagedPolicyArns).toEqual([{ 'Fn::Sub': 'arn:${AWS::Partition}:iam::aws:policy/service-role/AWSConfigRoleForOrganizations' }]);
    expect(props(role).Policies).toBeUndefined();
    expect(trustStatements(aggregator).map((s) => s.statement)).toEqual([
      { Effect: 'Allow', Principal: { Service: 'config.amazonaws.com' }, Action: 'sts:AssumeRole', Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } } },
    ]);
  });
});

describe('remediation-runbook.yaml (for rdk deploy)', () => {
  it('creates the document and role under the names parameters.json\'s Remediation refers to', () => {
    const remediation = rdk.Parameters.Remediation;
    const [, doc] = onlyResourceOfType(runbook, 'AWS::SSM::Document');
    expect(props(doc).Name).toBe(remediation.TargetId);
    const roleArn = remediation.Parameters.AutomationAssumeRole.StaticValue.Values[0]!['Fn::Sub'];
    expect(roleArn).toBe(`arn:\${AWS::Partition}:iam::\${AWS::AccountId}:role/${runbook.Parameters.AutomationRoleName!.Default}`);
  });

  it('has the same document and role as account-rule.yaml', () => {
    const [, doc] = onlyResourceOfType(runbook, 'AWS::SSM::Document');
    const [, accountDoc] = onlyResourceOfType(account, 'AWS::SSM::Document');
    expect(props(doc)).toEqual(props(accountDoc));
    // The same policy, but for the Region, which the runbook's shared role cannot pin (security.test.ts).
    const regionless = (t: typeof runbook): string => JSON.stringify(policyDocument(t, 'RemediationRole', 'RemediateUnauthorizedApiCallsMonitoring')).replaceAll('${AWS::Region}', '*');
    expect(regionless(runbook)).toBe(regionless(account));
    expect(JSON.stringify(props(runbook.Resources.RemediationRole!).AssumeRolePolicyDocument)).toBe(
      JSON.stringify(props(account.Resources.RemediationRole!).AssumeRolePolicyDocument).replace('ssm:${AWS::Region}:', 'ssm:*:'),
    );
  });
});
