/**
 * The security claims of README.md and deploy/README.md, each checked on the parsed templates: who may invoke the
 * functions, who may assume each role (no confused deputy), and that each role's permissions are scoped to the
 * resources it needs.
 */
import remediationPolicy from '../../deploy/iam/remediation-policy.json';
import {
  actionsOf,
  isObject,
  loadTemplate,
  onlyResourceOfType,
  permissionStatements,
  props,
  templateFiles,
  trustStatements,
  type Json,
  type JsonObject,
} from './cfn-template';
import { policyDocument } from './support';

const central = loadTemplate('org-central-rule.yaml');
const account = loadTemplate('account-rule.yaml');
const reader = loadTemplate('org-trail-read-role.yaml');
const runbook = loadTemplate('remediation-runbook.yaml');

/** deploy/iam/remediation-policy.json as a template holds it: each ${...} resource through Fn::Sub. */
function remediationPolicyAsTemplate(region: string): Json {
  return {
    ...remediationPolicy,
    Statement: remediationPolicy.Statement.map((s) => {
      const sub = (arn: string): Json => ({ 'Fn::Sub': arn.replace('${AWS::Region}', region) });
      if (s.Resource === '*') return s;
      return { ...s, Resource: Array.isArray(s.Resource) ? s.Resource.map(sub) : sub(s.Resource) };
    }),
  };
}

describe('who may invoke the functions', () => {
  it('account-rule.yaml: only AWS Config of this account (SourceAccount)', () => {
    const [, permission] = onlyResourceOfType(account, 'AWS::Lambda::Permission');
    expect(props(permission)).toMatchObject({ Principal: 'config.amazonaws.com', SourceAccount: { Ref: 'AWS::AccountId' } });
  });

  it("org-central-rule.yaml: only AWS Config for organization rules' member rules of this Region (SourceArn)", () => {
    const [, permission] = onlyResourceOfType(central, 'AWS::Lambda::Permission');
    expect(props(permission)).toMatchObject({
      Principal: 'config.amazonaws.com',
      SourceArn: { 'Fn::Sub': 'arn:${AWS::Partition}:config:${AWS::Region}:*:config-rule/aws-service-rule/config-multiaccountsetup.amazonaws.com/*' },
    });
    // PrincipalOrgID would refuse AWS Config itself: a service principal has no aws:PrincipalOrgID.
    expect(props(permission).PrincipalOrgID).toBeUndefined();
  });
});

describe('who may assume each role', () => {
  it.each(templateFiles())('%s: Lambda execution roles only for functions of this account (aws:SourceAccount)', (file) => {
    const lambdaTrust = trustStatements(loadTemplate(file)).filter((s) => isObject(s.statement.Principal) && s.statement.Principal.Service === 'lambda.amazonaws.com');
    for (const { role, statement } of lambdaTrust) {
      expect({ role, condition: statement.Condition }).toEqual({ role, condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } } });
    }
  });

  it('account-rule.yaml: the automation role only by automations of this account and Region', () => {
    const [trust] = trustStatements(account).filter((s) => s.role === 'RemediationRole');
    expect(trust!.statement.Condition).toEqual({
      StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } },
      ArnLike: { 'aws:SourceArn': { 'Fn::Sub': 'arn:${AWS::Partition}:ssm:${AWS::Region}:${AWS::AccountId}:automation-execution/*' } },
    });
  });

  it('org-trail-read-role.yaml: only the rule role on its own path and the member execution role, inside the organization', () => {
    const [trust] = trustStatements(reader).map((s) => s.statement);
    const condition = trust!.Condition as JsonObject;
    expect(condition.StringEquals).toEqual({ 'aws:PrincipalOrgID': { Ref: 'OrganizationId' } });
    expect(condition.ArnLike).toEqual({
      'aws:PrincipalArn': [
        { 'Fn::Sub': 'arn:${AWS::Partition}:iam::*:role/unauthorized-api-calls-monitored/UnauthorizedApiCallsMonitoredRule-*' },
        { 'Fn::Sub': 'arn:${AWS::Partition}:iam::*:role/${ExecutionRoleName}' },
      ],
    });
    // The path the read role trusts is the path the rule role is created on.
    expect(props(account.Resources.RuleRole!).Path).toBe('/unauthorized-api-calls-monitored/');
  });
});

describe('what each role may do', () => {
  it('org-central-rule.yaml: the central role assumes member roles only in accounts of the organization (aws:ResourceOrgID)', () => {
    const assume = permissionStatements(central).filter((s) => actionsOf(s.statement).includes('sts:AssumeRole'));
    expect(assume).toHaveLength(1);
    expect(assume[0]!.statement.Condition).toEqual({ StringEquals: { 'aws:ResourceOrgID': { Ref: 'OrganizationId' } } });
    expect(central.Parameters.OrganizationId).toMatchObject({ Type: 'String', AllowedPattern: '^o-[a-z0-9]{10,32}$' });
    expect(central.Parameters.OrganizationId!.Default).toBeUndefined();
  });

  it("org-trail-read-role.yaml: reads only the owner account's trails, alarms and topics; '*' only where an action has no resource type", () => {
    const byAction = new Map<string, Json | undefined>();
    for (const { statement } of permissionStatements(reader)) for (const a of actionsOf(statement)) byAction.set(a, statement.Resource);
    expect(Object.fromEntries(byAction)).toEqual({
      'cloudtrail:GetTrailStatus': { 'Fn::Sub': 'arn:${AWS::Partition}:cloudtrail:*:${AWS::AccountId}:trail/*' },
      'cloudtrail:GetEventSelectors': { 'Fn::Sub': 'arn:${AWS::Partition}:cloudtrail:*:${AWS::AccountId}:trail/*' },
      'cloudwatch:DescribeAlarms': { 'Fn::Sub': 'arn:${AWS::Partition}:cloudwatch:*:${AWS::AccountId}:alarm:*' },
      'sns:ListSubscriptionsByTopic': { 'Fn::Sub': 'arn:${AWS::Partition}:sns:*:${AWS::AccountId}:*' },
      'logs:DescribeMetricFilters': '*',
      'logs:TestMetricFilter': '*',
      'cloudwatch:DescribeAlarmsForMetric': '*',
    });
  });

  it('deploy/iam/remediation-policy.json: writes only in this account and Region, the alarm and topic by the names the document is given', () => {
    const writes = remediationPolicy.Statement.filter((s) => s.Sid !== 'ReadTheChain');
    expect(Object.fromEntries(writes.flatMap((s) => s.Action.map((a) => [a, s.Resource])))).toEqual({
      'logs:PutMetricFilter': 'arn:${AWS::Partition}:logs:${AWS::Region}:${AWS::AccountId}:log-group:*',
      // AlarmName and each other control's alarm by name (controls.test.ts checks the list against the catalogue).
      'cloudwatch:PutMetricAlarm': expect.arrayContaining(['arn:${AWS::Partition}:cloudwatch:${AWS::Region}:${AWS::AccountId}:alarm:${AlarmName}']),
      'sns:CreateTopic': 'arn:${AWS::Partition}:sns:${AWS::Region}:${AWS::AccountId}:${TopicName}',
      'sns:SetTopicAttributes': 'arn:${AWS::Partition}:sns:${AWS::Region}:${AWS::AccountId}:*',
      'sns:Subscribe': 'arn:${AWS::Partition}:sns:${AWS::Region}:${AWS::AccountId}:*',
    });
    // Every read is a read: nothing but Describe/Get/List/Test on '*'.
    const reads = remediationPolicy.Statement.filter((s) => s.Resource === '*').flatMap((s) => s.Action);
    expect(reads.filter((a) => !/:(Describe|Get|List|Test)/.test(a))).toEqual([]);
  });

  it('account-rule.yaml and remediation-runbook.yaml: the automation role carries that policy, filled in for the stack', () => {
    expect(policyDocument(account, 'RemediationRole', 'RemediateUnauthorizedApiCallsMonitoring')).toEqual(remediationPolicyAsTemplate('${AWS::Region}'));
    // The runbook's one role serves every Region (CreateAutomationRole=false after the first).
    expect(policyDocument(runbook, 'RemediationRole', 'RemediateUnauthorizedApiCallsMonitoring')).toEqual(remediationPolicyAsTemplate('*'));
    // The names in the policy are those the stack passes to the document, with the document's defaults.
    for (const t of [account, runbook]) {
      expect(t.Parameters.AlarmName!.Default).toBe('unauthorized-api-calls-alarm');
      expect(t.Parameters.TopicName!.Default).toBe('unauthorized-api-calls-alarms');
    }
  });

  it("no role of any template writes on Resource '*'", () => {
    // Every '*' resource in any template is a read (Describe/Get/List/Test) or config:PutEvaluations, which has no
    // resource type.
    for (const file of templateFiles()) {
      for (const { role, statement } of permissionStatements(loadTemplate(file))) {
        if (statement.Resource !== '*') continue;
        const writes = actionsOf(statement).filter((a) => !/:(Describe|Get|List|Test)/.test(a) && a !== 'config:PutEvaluations');
        expect({ file, role, writes }).toEqual({ file, role, writes: [] });
      }
    }
  });
});
