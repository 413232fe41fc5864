/**
 * Fifteen Config rules on one Lambda: the per-control blocks of the templates and the automation role's alarm list
 * are what scripts/control-rules.ts generates from the catalogue (so they cannot drift from it), every control gets a
 * rule and a remediation under a condition the Controls parameter selects, and the unauthorized-api-calls rule keeps
 * its name, logical ids and parameters.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import remediationPolicy from '../../deploy/iam/remediation-policy.json';
import rdk from '../../parameters.json';
import { CONTROLS } from '../../rule/controls/catalogue';
import { DEFAULT_CONTROL, type Control } from '../../rule/controls/control';
import {
  TEMPLATE_BLOCKS,
  conditionName,
  organizationRuleLogicalId,
  rdkDefinitions,
  regenerate,
  regeneratePolicy,
  remediationLogicalId,
  ruleDescription,
  ruleLogicalId,
  selectionPattern,
} from '../../scripts/control-rules';
import { ROOT, allowedByPattern, isObject, loadTemplate, props, readTemplateText, resourcesOfType, stringOf, type Json, type Template } from './cfn-template';
import { ruleAccepts } from './support';

const account = loadTemplate('account-rule.yaml');
const central = loadTemplate('org-central-rule.yaml');

/**
 * Evaluates a condition of the template for the given parameter values, with the semantics CloudFormation documents
 * for the functions the selection uses (Fn::Or/Not/Equals, Ref, Fn::Sub of parameters, Fn::Split, Fn::Join).
 */
function evaluateCondition(t: Template, name: string, parameters: Record<string, string>): boolean {
  const value = (v: Json): Json => {
    if (!isObject(v)) return v;
    if ('Ref' in v) return parameters[v.Ref as string] ?? (t.Parameters[v.Ref as string]?.Default as Json) ?? null;
    if ('Fn::Sub' in v) return (v['Fn::Sub'] as string).replace(/\$\{(\w+)\}/g, (_m, p: string) => stringOf(value({ Ref: p }), p));
    if ('Fn::Split' in v) {
      const [separator, text] = v['Fn::Split'] as [string, Json];
      return stringOf(value(text), 'Fn::Split').split(separator);
    }
    if ('Fn::Join' in v) {
      const [separator, list] = v['Fn::Join'] as [string, Json];
      return (value(list) as string[]).join(separator);
    }
    return truth(v);
  };
  const truth = (c: Json): boolean => {
    if (!isObject(c)) throw new Error(`not a condition: ${JSON.stringify(c)}`);
    if ('Condition' in c) return evaluateCondition(t, c.Condition as string, parameters);
    if ('Fn::Or' in c) return (c['Fn::Or'] as Json[]).some(truth);
    if ('Fn::And' in c) return (c['Fn::And'] as Json[]).every(truth);
    if ('Fn::Not' in c) return !truth((c['Fn::Not'] as Json[])[0]!);
    if ('Fn::Equals' in c) {
      const [a, b] = c['Fn::Equals'] as [Json, Json];
      return JSON.stringify(value(a)) === JSON.stringify(value(b));
    }
    throw new Error(`unsupported condition function in ${JSON.stringify(c)}`);
  };
  return truth(t.Conditions[name]!);
}

/** The controls whose resources a stack with this Controls value creates. */
function deployed(t: Template, type: string, controls: string): string[] {
  return resourcesOfType(t, type)
    .filter(([, r]) => r.Condition === undefined || evaluateCondition(t, r.Condition, { Controls: controls }))
    .map(([id]) => id);
}

const ids = CONTROLS.map((c) => c.id);
const byId = (id: string): Control => CONTROLS.find((c) => c.id === id)!;

describe('generated from the catalogue', () => {
  it.each(Object.keys(TEMPLATE_BLOCKS))('%s: every generated block is what scripts/control-rules.ts gives', (file) => {
    const text = readTemplateText(file);
    // On a mismatch: node scripts/package.mjs --generate-controls
    expect(regenerate(text, TEMPLATE_BLOCKS[file]!, file)).toBe(text);
  });

  it('deploy/iam/remediation-policy.json lets the remediation write the alarm of every control, and no other', () => {
    expect(regeneratePolicy(remediationPolicy)).toEqual(remediationPolicy);
    const alarms = remediationPolicy.Statement.find((s) => s.Sid === 'CreateTheAlarm')!.Resource;
    expect(alarms).toHaveLength(CONTROLS.length);
    expect(alarms).toContain('arn:${AWS::Partition}:cloudwatch:${AWS::Region}:${AWS::AccountId}:alarm:${AlarmName}');
    for (const c of CONTROLS.filter((x) => x.id !== DEFAULT_CONTROL)) {
      expect(alarms).toContain(`arn:\${AWS::Partition}:cloudwatch:\${AWS::Region}:\${AWS::AccountId}:alarm:${c.names.alarm}`);
    }
    // The template parameter AlarmName defaults to the unauthorized-api-calls alarm of the catalogue.
    expect(account.Parameters.AlarmName!.Default).toBe(byId(DEFAULT_CONTROL).names.alarm);
  });

  it('refuses a template whose markers are missing, rather than leaving it ungenerated', () => {
    expect(() => regenerate('Resources: {}\n', TEMPLATE_BLOCKS['account-rule.yaml']!, 'x.yaml')).toThrow(/no '# BEGIN generated' marker for/);
  });
});

describe('account-rule.yaml: fifteen rules on one Lambda', () => {
  const rules = resourcesOfType(account, 'AWS::Config::ConfigRule');

  it('has one Config rule and one remediation per control, named <id>-monitored, on the one function', () => {
    expect(rules.map(([id]) => id)).toEqual(CONTROLS.map(ruleLogicalId));
    expect(resourcesOfType(account, 'AWS::Lambda::Function')).toHaveLength(1);
    expect(resourcesOfType(account, 'AWS::Lambda::Permission')).toHaveLength(1);
    for (const c of CONTROLS) {
      const rule = account.Resources[ruleLogicalId(c)]!;
      const p = props(rule);
      expect(p.ConfigRuleName).toEqual(c.id === DEFAULT_CONTROL ? { Ref: 'ConfigRuleName' } : c.names.configRule);
      expect(p.Source).toMatchObject({ Owner: 'CUSTOM_LAMBDA', SourceIdentifier: { 'Fn::GetAtt': ['RuleFunction', 'Arn'] } });
      // The one permission (SourceAccount) covers every rule; it must exist before AWS Config checks it.
      expect(rule.DependsOn).toBe('RuleInvokePermission');
      expect((p.InputParameters as Record<string, Json>).Control).toBe(c.id);
      const remediation = props(account.Resources[remediationLogicalId(c)]!);
      expect(remediation).toMatchObject({ ConfigRuleName: { Ref: ruleLogicalId(c) }, TargetId: { Ref: 'RemediationDocument' } });
      expect((remediation.Parameters as Record<string, Json>).Control).toEqual({ StaticValue: { Values: [c.id] } });
    }
    expect(account.Parameters.ConfigRuleName!.Default).toBe(byId(DEFAULT_CONTROL).names.configRule);
  });

  it('describes each rule by its CIS numbers and Security Hub id, within what AWS Config and RDK allow', () => {
    for (const c of CONTROLS) {
      const description = props(account.Resources[ruleLogicalId(c)]!).Description as string;
      expect(description).toBe(ruleDescription(c));
      expect(description.length).toBeLessThanOrEqual(250);
      expect(description).toContain(c.cisNumbers['v1.3-v5.0']);
      if (c.securityHubId) expect(description).toContain(`Security Hub ${c.securityHubId}`);
    }
    // The 4.1 rule's description is today's, the one parameters.json carries.
    expect(ruleDescription(byId(DEFAULT_CONTROL))).toBe(rdk.Parameters.Description);
  });

  it('passes the remediation the catalogue names of each control (4.1: the template parameters, as before)', () => {
    for (const c of CONTROLS) {
      const parameters = props(account.Resources[remediationLogicalId(c)]!).Parameters as Record<string, Json>;
      const names = { FilterName: c.names.filter, MetricNamespace: c.names.metricNamespace, MetricName: c.names.metric, AlarmName: c.names.alarm };
      for (const [name, value] of Object.entries(names)) {
        expect(parameters[name]).toEqual({ StaticValue: { Values: [c.id === DEFAULT_CONTROL ? { Ref: name } : value] } });
        if (c.id === DEFAULT_CONTROL) expect({ name, default: account.Parameters[name]!.Default }).toEqual({ name, default: value });
      }
    }
  });

  it('passes PatternSource only to the remediations whose document offers securityhub; the others create the CIS text', () => {
    const fixed = CONTROLS.filter((c) => {
      const parameters = props(account.Resources[remediationLogicalId(c)]!).Parameters as Record<string, Json>;
      const source = parameters.PatternSource;
      if (JSON.stringify(source) === JSON.stringify({ StaticValue: { Values: [{ Ref: 'PatternSource' }] } })) return false;
      expect(source).toEqual({ StaticValue: { Values: ['cis'] } });
      return true;
    }).map((c) => c.id);
    // CloudWatch.10 prints six names, without ModifySecurityGroupRules (CIS v5.0+); Organizations has no Security Hub control.
    expect(fixed).toEqual(['security-group-changes', 'organizations-changes']);
  });

  it('gives StrictPatternVersion to the unauthorized-api-calls rule only, whose pattern ids its values are', () => {
    for (const c of CONTROLS) {
      const input = props(account.Resources[ruleLogicalId(c)]!).InputParameters as Record<string, Json>;
      expect({ id: c.id, strict: input.StrictPatternVersion }).toEqual({ id: c.id, strict: c.id === DEFAULT_CONTROL ? { Ref: 'StrictPatternVersion' } : undefined });
    }
    for (const value of account.Parameters.StrictPatternVersion!.AllowedValues!) expect({ value, ok: ruleAccepts('StrictPatternVersion', String(value)) }).toEqual({ value, ok: true });
  });
});

describe.each([
  ['account-rule.yaml', account, 'AWS::Config::ConfigRule', ruleLogicalId],
  ['org-central-rule.yaml', central, 'AWS::Config::OrganizationConfigRule', organizationRuleLogicalId],
] as const)('%s: the Controls parameter selects the rules', (_file, t, type, logicalId) => {
  it('deploys all fifteen by default', () => {
    expect(t.Parameters.Controls!.Default).toBe('all');
    expect(deployed(t, type, 'all')).toEqual(CONTROLS.map(logicalId));
  });

  it('deploys exactly the listed controls, in any order, one id not matching inside another', () => {
    expect(deployed(t, type, 'root-usage,unauthorized-api-calls')).toEqual([logicalId(byId('unauthorized-api-calls')), logicalId(byId('root-usage'))]);
    expect(deployed(t, type, 'vpc-changes')).toEqual([logicalId(byId('vpc-changes'))]);
    expect(deployed(t, type, ids.join(','))).toEqual(CONTROLS.map(logicalId));
  });

  it('refuses what is not all or a comma list of control ids, before anything is created', () => {
    const p = t.Parameters.Controls!;
    expect(p.AllowedPattern).toBe(selectionPattern());
    for (const ok of ['all', 'root-usage', 'root-usage,vpc-changes', ids.join(',')]) expect({ ok, allowed: allowedByPattern(p, ok) }).toEqual({ ok, allowed: true });
    for (const bad of ['', 'ALL', 'all,root-usage', 'root-usage, vpc-changes', 'root', 'CloudWatch.1', 'root-usage,', ',root-usage']) {
      expect({ bad, allowed: allowedByPattern(p, bad) }).toEqual({ bad, allowed: false });
    }
  });

  it('puts every rule, its remediation and the outputs naming it under the condition of its control', () => {
    for (const c of CONTROLS) {
      expect(t.Resources[logicalId(c)]!.Condition).toBe(conditionName(c));
      const remediation = t.Resources[remediationLogicalId(c)];
      if (t === account) expect(remediation!.Condition).toBe(conditionName(c));
    }
    for (const [name, o] of Object.entries(t.Outputs)) {
      const rule = CONTROLS.find((c) => JSON.stringify(o.Value) === JSON.stringify({ Ref: logicalId(c) }));
      if (rule) expect({ name, condition: o.Condition }).toEqual({ name, condition: conditionName(rule) });
    }
  });
});

describe('package-rdk: one definition per control', () => {
  const definitions = rdkDefinitions(rdk);

  it('names each rule <id>-monitored, with Control in InputParameters and in its remediation', () => {
    expect(definitions.map(({ definition }) => definition.Parameters.RuleName)).toEqual(CONTROLS.map((c) => c.names.configRule));
    for (const { control, definition } of definitions) {
      const p = definition.Parameters;
      expect(JSON.parse(p.InputParameters)).toEqual({ Control: control.id });
      expect(Object.keys(JSON.parse(p.OptionalParameters) as object)).not.toContain('Control');
      expect(p.Description.length).toBeLessThanOrEqual(250);
      expect(p.Remediation.ConfigRuleName).toBe(p.RuleName);
      expect(p.Remediation.Parameters).toMatchObject({ Control: { StaticValue: { Values: [control.id] } } });
    }
  });

  it('keeps the root parameters.json as the unauthorized-api-calls definition', () => {
    const [first] = definitions;
    expect(first!.control.id).toBe(DEFAULT_CONTROL);
    const { InputParameters, OptionalParameters, Remediation, ...rest } = first!.definition.Parameters;
    const { InputParameters: _i, OptionalParameters: _o, Remediation: _r, ...root } = rdk.Parameters;
    expect(rest).toEqual(root);
    expect({ InputParameters, Remediation: Remediation.ConfigRuleName }).toEqual({ InputParameters: '{"Control":"unauthorized-api-calls"}', Remediation: rdk.Parameters.RuleName });
    expect(JSON.parse(OptionalParameters)).toEqual(Object.fromEntries(Object.entries(JSON.parse(rdk.Parameters.OptionalParameters) as object).filter(([k]) => k !== 'Control')));
  });
});

it('deploy/README.md lists every control with its rule name', () => {
  const readme = readFileSync(join(ROOT, 'deploy', 'README.md'), 'utf8');
  for (const c of CONTROLS) expect(readme).toContain(`\`${c.names.configRule}\``);
});
