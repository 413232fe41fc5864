/**
 * deploy/templates/account-rule.yaml (one account; also the StackSets template): the wiring of rule, function,
 * permission, document, roles and remediation; least privilege against deploy/iam/*.json; and parameters that agree
 * with rule/parameters.ts, parameters.json and the remediation document.
 */
import remediationPolicy from '../../deploy/iam/remediation-policy.json';
import rulePolicy from '../../deploy/iam/rule-policy.json';
import rdk from '../../parameters.json';
import { PARAMETER_DEFINITIONS, type ParameterName } from '../../rule/parameters';
import {
  actionsOf,
  allowedByPattern,
  listItems,
  loadTemplate,
  onlyResourceOfType,
  permissionStatements,
  props,
  stringOf,
  trustStatements,
  type JsonObject,
} from './cfn-template';
import { controlById } from '../../rule/controls/catalogue';
import { NAME_PARAMETERS } from '../../scripts/control-rules';
import { ROLE_NAME_SAMPLES, documentParameters, policyDocument, ruleAccepts } from './support';

const t = loadTemplate('account-rule.yaml');
const documentParameterSpecs = documentParameters();
const optional = JSON.parse(rdk.Parameters.OptionalParameters) as Record<string, string>;
const PARAMETER_NAMES = Object.keys(PARAMETER_DEFINITIONS) as ParameterName[];
const defaultControl = controlById('unauthorized-api-calls');
const defaultNames = Object.fromEntries(Object.entries(NAME_PARAMETERS).map(([p, key]) => [p, defaultControl.names[key]])) as Record<keyof typeof NAME_PARAMETERS, string>;
/** Control is fixed per rule (controls.test.ts); every other rule parameter is a template parameter. */
const TEMPLATE_PARAMETER_NAMES = PARAMETER_NAMES.filter((name) => name !== 'Control');

describe('account-rule.yaml', () => {
  // The unauthorized-api-calls rule and its remediation, by the logical ids they keep (controls.test.ts: the others).
  const ruleId = 'ConfigRule';
  const rule = t.Resources[ruleId]!;
  const [fnId] = onlyResourceOfType(t, 'AWS::Lambda::Function');
  const [permissionId, permission] = onlyResourceOfType(t, 'AWS::Lambda::Permission');
  const [documentId, document] = onlyResourceOfType(t, 'AWS::SSM::Document');
  const remediation = t.Resources.Remediation!;

  describe('wiring', () => {
    it('points the rule at the function, after the permission that lets AWS Config invoke it', () => {
      expect(props(rule).Source).toMatchObject({ Owner: 'CUSTOM_LAMBDA', SourceIdentifier: { 'Fn::GetAtt': [fnId, 'Arn'] } });
      expect(rule.DependsOn).toBe(permissionId);
      expect(props(permission)).toEqual({
        FunctionName: { 'Fn::GetAtt': [fnId, 'Arn'] },
        Action: 'lambda:InvokeFunction',
        Principal: 'config.amazonaws.com',
        SourceAccount: { Ref: 'AWS::AccountId' },
      });
    });

    it('triggers on changes of trails, alarms and topics and periodically, as parameters.json says', () => {
      const source = props(rule).Source as JsonObject;
      expect(source.SourceDetails).toEqual([
        { EventSource: 'aws.config', MessageType: 'ConfigurationItemChangeNotification' },
        { EventSource: 'aws.config', MessageType: 'OversizedConfigurationItemChangeNotification' },
        { EventSource: 'aws.config', MessageType: 'ScheduledNotification', MaximumExecutionFrequency: { Ref: 'MaximumExecutionFrequency' } },
      ]);
      expect(props(rule).Scope).toEqual({ ComplianceResourceTypes: rdk.Parameters.SourceEvents.split(',') });
      expect(t.Parameters.MaximumExecutionFrequency!.Default).toBe(rdk.Parameters.SourcePeriodic);
      expect(t.Parameters.ConfigRuleName!.Default).toBe(rdk.Parameters.RuleName);
      expect(stringOf(props(rule).Description, 'Description').length).toBeLessThanOrEqual(256);
    });

    it('builds InputParameters from the template parameters of the same names, one per rule parameter, and its Control', () => {
      const input = props(rule).InputParameters;
      expect(input).toEqual(Object.fromEntries(PARAMETER_NAMES.map((name) => [name, name === 'Control' ? 'unauthorized-api-calls' : { Ref: name }])));
    });

    it('remediates with the document, run by the automation role, on the account the rule evaluates', () => {
      const p = props(remediation);
      expect(p).toMatchObject({
        ConfigRuleName: { Ref: ruleId },
        TargetType: 'SSM_DOCUMENT',
        TargetId: { Ref: documentId },
        ResourceType: 'AWS::::Account',
        Automatic: { 'Fn::If': ['RemediatesAutomatically', true, false] },
        MaximumAutomaticAttempts: { Ref: 'MaximumAutomaticAttempts' },
        RetryAttemptSeconds: { Ref: 'RetryAttemptSeconds' },
      });
      const parameters = p.Parameters as JsonObject;
      expect(parameters.AutomationAssumeRole).toEqual({ StaticValue: { Values: [{ 'Fn::GetAtt': ['RemediationRole', 'Arn'] }] } });
      expect(parameters.AccountId).toEqual({ ResourceValue: { Value: 'RESOURCE_ID' } });
      expect(t.Parameters.AutomaticRemediation!.Default).toBe('false');
    });

    it('names the document and sets remediation defaults as parameters.json does', () => {
      const r = rdk.Parameters.Remediation;
      expect(props(document).Name).toBe(r.TargetId);
      expect(r.TargetType).toBe(props(remediation).TargetType);
      expect(r.ResourceType).toBe(props(remediation).ResourceType);
      expect(props(remediation).ExecutionControls).toEqual(r.ExecutionControls);
      expect(String(r.Automatic)).toBe(t.Parameters.AutomaticRemediation!.Default);
      expect(t.Parameters.MaximumAutomaticAttempts!.Default).toBe(r.MaximumAutomaticAttempts);
      expect(t.Parameters.RetryAttemptSeconds!.Default).toBe(r.RetryAttemptSeconds);
      expect(Object.keys(r.Parameters).sort()).toEqual(['AccountId', 'AutomationAssumeRole']);
      // The RDK folders add Control per rule (controls.test.ts).
    });

    it('passes every document parameter: the required ones from the rule, the others from template parameters', () => {
      const parameters = props(remediation).Parameters as JsonObject;
      expect(Object.keys(parameters).sort()).toEqual(Object.keys(documentParameterSpecs).sort());
      for (const [name, spec] of Object.entries(documentParameterSpecs)) {
        if (name === 'AutomationAssumeRole' || name === 'AccountId') {
          expect(spec.default).toBeUndefined();
          continue;
        }
        if (name === 'Control') {
          expect(parameters[name]).toEqual({ StaticValue: { Values: ['unauthorized-api-calls'] } });
          continue;
        }
        const passed = { StaticValue: { Values: [{ Ref: name }] } };
        // Empty values cannot be static values: optional ones are left out when empty, and the document's default applies.
        if (spec.default === '' && !(name in NAME_PARAMETERS)) expect(parameters[name]).toEqual({ 'Fn::If': [`Has${name}`, passed, { Ref: 'AWS::NoValue' }] });
        else expect(parameters[name]).toEqual(passed);
      }
    });

    it('offers the document parameters as template parameters with the same defaults and constraints', () => {
      for (const [name, spec] of Object.entries(documentParameterSpecs)) {
        // Control is fixed per rule, not a template parameter.
        if (name === 'AutomationAssumeRole' || name === 'AccountId' || name === 'Control') continue;
        const p = t.Parameters[name];
        if (name in NAME_PARAMETERS) {
          // The document's empty default means the control's name; the template spells 4.1's out, so that the
          // automation role's policy names its alarm (controls.test.ts), and the document accepts it.
          expect({ name, type: p?.Type, default: p?.Default }).toEqual({ name, type: 'String', default: defaultNames[name as keyof typeof NAME_PARAMETERS] });
          expect(String(p!.Default)).toMatch(new RegExp(spec.allowedPattern!));
          continue;
        }
        expect({ name, type: p?.Type, default: p?.Default, pattern: p?.AllowedPattern, values: p?.AllowedValues }).toEqual({
          name,
          type: 'String',
          default: spec.default,
          pattern: spec.allowedPattern,
          values: spec.allowedValues,
        });
      }
    });
  });

  describe('rule parameters', () => {
    it('are template parameters with the defaults of rule/parameters.ts and parameters.json', () => {
      for (const name of TEMPLATE_PARAMETER_NAMES) {
        const definition = PARAMETER_DEFINITIONS[name];
        const p = t.Parameters[name];
        expect({ name, type: p?.Type, default: p?.Default }).toEqual({ name, type: 'String', default: definition.default });
        expect({ name, optional: optional[name] }).toEqual({ name, optional: definition.default });
      }
      expect(Object.keys(optional).sort()).toEqual([...PARAMETER_NAMES].sort());
      expect(t.Parameters.Control).toBeUndefined();
    });

    it('allow exactly the values the rule validates', () => {
      for (const name of TEMPLATE_PARAMETER_NAMES) {
        const definition: { default: string; allowedValues?: readonly string[] } = PARAMETER_DEFINITIONS[name];
        const p = t.Parameters[name]!;
        if (name === 'StrictPatternVersion') {
          // Pattern ids of the unauthorized-api-calls control, the one rule that takes it (controls.test.ts).
          expect(p.AllowedValues).toEqual(['', 'cis-1.2', 'cis-2.0']);
        } else if (definition.allowedValues) {
          expect({ name, values: p.AllowedValues }).toEqual({ name, values: [...definition.allowedValues] });
          expect(definition.allowedValues.every((v) => ruleAccepts(name, v))).toBe(true);
        } else {
          // Role names: the template's pattern and the rule's validation agree (the rule also trims whitespace,
          // which the template does not let through).
          for (const value of ROLE_NAME_SAMPLES) {
            expect({ name, value, template: allowedByPattern(p, value) }).toEqual({ name, value, template: ruleAccepts(name, value) && value.trim() === value });
          }
        }
      }
    });
  });

  describe('the rule role', () => {
    const statements = permissionStatements(t).filter((s) => s.role === 'RuleRole');

    it('carries deploy/iam/rule-policy.json exactly', () => {
      expect(policyDocument(t, 'RuleRole', 'ReadTheChainAndWriteEvaluations')).toEqual(rulePolicy);
    });

    it('adds only writing its own logs and, under conditions, assuming the configured roles', () => {
      const fromFile = new Set(rulePolicy.Statement.flatMap((s) => s.Action));
      const extra = statements.filter((s) => actionsOf(s.statement).some((a) => !fromFile.has(a)));
      expect(extra.map((s) => ({ policy: s.policy, conditions: s.conditions, actions: actionsOf(s.statement), resource: s.statement.Resource }))).toEqual([
        { policy: 'WriteOwnLogs', conditions: [], actions: ['logs:CreateLogStream', 'logs:PutLogEvents'], resource: { 'Fn::GetAtt': ['RuleLogGroup', 'Arn'] } },
        {
          policy: 'AssumeConfiguredRoles',
          conditions: ['AssumesRoles', 'HasOrgTrailReadRole'],
          actions: ['sts:AssumeRole'],
          resource: { 'Fn::Sub': 'arn:${AWS::Partition}:iam::*:role/${OrgTrailReadRoleName}' },
        },
        {
          policy: 'AssumeConfiguredRoles',
          conditions: ['AssumesRoles', 'HasExecutionRole'],
          actions: ['sts:AssumeRole'],
          resource: { 'Fn::Sub': 'arn:${AWS::Partition}:iam::${AWS::AccountId}:role/${ExecutionRoleName}' },
        },
      ]);
      expect(t.Conditions.HasOrgTrailReadRole).toEqual({ 'Fn::Not': [{ 'Fn::Equals': [{ Ref: 'OrgTrailReadRoleName' }, ''] }] });
      expect(t.Conditions.HasExecutionRole).toEqual({ 'Fn::Not': [{ 'Fn::Equals': [{ Ref: 'ExecutionRoleName' }, ''] }] });
      const all = new Set(statements.flatMap((s) => actionsOf(s.statement)));
      expect([...all].sort()).toEqual([...fromFile, 'logs:CreateLogStream', 'logs:PutLogEvents', 'sts:AssumeRole'].sort());
    });

    it('is the function role, named so the org-trail read role can trust it', () => {
      expect(props(t.Resources[fnId]!).Role).toEqual({ 'Fn::GetAtt': ['RuleRole', 'Arn'] });
      expect(props(t.Resources.RuleRole!).RoleName).toEqual({ 'Fn::Sub': 'UnauthorizedApiCallsMonitoredRule-${AWS::Region}' });
    });
  });

  describe('the automation role', () => {
    it('carries deploy/iam/remediation-policy.json (its actions; resources in security.test.ts), and nothing else', () => {
      expect(listItems(props(t.Resources.RemediationRole!).Policies)).toHaveLength(1);
      const document = policyDocument(t, 'RemediationRole', 'RemediateUnauthorizedApiCallsMonitoring') as { Statement: { Action: string[] }[] };
      expect(document.Statement.map((s) => s.Action)).toEqual(remediationPolicy.Statement.map((s) => s.Action));
      expect(props(t.Resources.RemediationRole!).ManagedPolicyArns).toBeUndefined();
    });

    it('is trusted by Systems Manager for automations of this account and Region only', () => {
      expect(trustStatements(t).filter((s) => s.role === 'RemediationRole').map((s) => s.statement)).toEqual([
        {
          Effect: 'Allow',
          Principal: { Service: 'ssm.amazonaws.com' },
          Action: 'sts:AssumeRole',
          Condition: {
            StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } },
            ArnLike: { 'aws:SourceArn': { 'Fn::Sub': 'arn:${AWS::Partition}:ssm:${AWS::Region}:${AWS::AccountId}:automation-execution/*' } },
          },
        },
      ]);
    });

    it('has a name the document accepts as AutomationAssumeRole', () => {
      const role = stringOf((props(t.Resources.RemediationRole!).RoleName as JsonObject)['Fn::Sub'], 'RoleName').replace('${AWS::Region}', 'ap-southeast-5');
      expect(role.length).toBeLessThanOrEqual(64);
      const arn = `arn:aws:iam::111122223333:role/${role}`;
      expect(arn).toMatch(new RegExp(documentParameterSpecs.AutomationAssumeRole!.allowedPattern!));
    });
  });
});
