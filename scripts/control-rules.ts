/**
 * The per-control parts of the deployment, generated from the catalogue (rule/controls/catalogue.ts) so that fifteen
 * Config rules, their remediations, the selection conditions and the automation role's alarm names cannot drift from
 * it: `node scripts/package.mjs --generate-controls` rewrites each block between `# BEGIN generated <name>` and
 * `# END generated <name>` in deploy/templates/*.yaml and the alarm list of deploy/iam/remediation-policy.json;
 * test/deploy/controls.test.ts checks that the files equal what this gives. Everything else in the templates is
 * written by hand.
 */
import { CONTROLS } from '../rule/controls/catalogue';
import { DEFAULT_CONTROL, type Control } from '../rule/controls/control';
import { remediationPatterns } from '../remediation/controls-data';

/** The template parameter selecting the controls, and its value for every control. */
export const SELECTION_PARAMETER = 'Controls';
export const ALL = 'all';
/** AWS Config's limit on a rule description (PutConfigRule); RDK's own template allows 255, the brief asks 250. */
export const DESCRIPTION_MAX = 250;
/** Rule parameters each rule gets from the template parameter of the same name (Control is fixed per rule). */
export const SHARED_RULE_PARAMETERS = ['CisVersion', 'AllowBroadFilterPattern', 'ConfirmWithTestMetricFilter', 'OrgTrailReadRoleName', 'ExecutionRoleName'];
/**
 * Only the unauthorized-api-calls rule takes StrictPatternVersion from the template: its values are ids of one
 * control's published patterns (cis-1.2, cis-2.0), which another control may not have; one shared value would make
 * the other rules fail on a ParameterError.
 */
export const DEFAULT_ONLY_RULE_PARAMETERS = ['StrictPatternVersion'];
/** Remediation document parameters shared by every control's remediation (one topic serves every alarm). */
export const SHARED_DOCUMENT_PARAMETERS = ['PatternSource', 'TopicArn', 'TopicName', 'KmsKeyId', 'SubscriptionProtocol', 'SubscriptionEndpoint'];
/** Those whose default is empty: left out when empty (a static value cannot be empty), the document's default applies. */
const EMPTY_BY_DEFAULT = new Set(['TopicArn', 'KmsKeyId', 'SubscriptionEndpoint']);
/** Document parameters naming what the remediation creates: template parameters for 4.1, the catalogue's names otherwise. */
export const NAME_PARAMETERS = { FilterName: 'filter', MetricNamespace: 'metricNamespace', MetricName: 'metric', AlarmName: 'alarm' } as const;

const isDefault = (c: Control): boolean => c.id === DEFAULT_CONTROL;

/** 'root-usage' -> 'RootUsage' (CloudFormation logical ids and condition names are alphanumeric). */
export function pascal(id: string): string {
  return id
    .split('-')
    .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
    .join('');
}

/** Logical ids: the 4.1 rule keeps today's (a renamed logical id would replace the rule, and its fixed name would collide). */
export function ruleLogicalId(c: Control): string {
  return isDefault(c) ? 'ConfigRule' : `${pascal(c.id)}ConfigRule`;
}
export function remediationLogicalId(c: Control): string {
  return isDefault(c) ? 'Remediation' : `${pascal(c.id)}Remediation`;
}
export function organizationRuleLogicalId(c: Control): string {
  return isDefault(c) ? 'OrganizationRule' : `${pascal(c.id)}OrganizationRule`;
}
export function conditionName(c: Control): string {
  return `Deploys${pascal(c.id)}`;
}

/** "CIS 3.1/4.1/5.1" (v1.2, v1.3-v5.0, v6.0-v7.0; organizations-changes has no v1.2 number). */
export function cisNumbers(c: Control): string {
  const n = c.cisNumbers;
  return `CIS ${[n['v1.2'], n['v1.3-v5.0'], n['v6.0-v7.0']].filter((x) => x !== undefined).join('/')}`;
}

/** The subject inside a sentence: "Unauthorized API calls" -> "unauthorized API calls"; "CloudTrail ...", "S3 ..." kept. */
function inSentence(subject: string): string {
  const [first = '', ...rest] = subject.split(' ');
  return /^[A-Z][a-z]+$/.test(first) ? [first.toLowerCase(), ...rest].join(' ') : subject;
}

/**
 * The rule's description, naming its CIS numbers and Security Hub id: the 4.1 text of today (parameters.json) when it
 * fits DESCRIPTION_MAX, else a shorter one (long subjects).
 */
export function ruleDescription(c: Control): string {
  const head = `${cisNumbers(c)}${c.securityHubId ? ` (Security Hub ${c.securityHubId})` : ''}: a multi-Region, logging trail`;
  const tail = `delivers to CloudWatch Logs, a metric filter catches ${inSentence(c.subject)}, and its alarm notifies an SNS topic with a confirmed subscription.`;
  const long = `${head} recording all management events ${tail}`;
  const short = `${head} delivers to CloudWatch Logs, a metric filter catches ${inSentence(c.subject)}; its alarm notifies a topic with a confirmed subscription.`;
  const text = long.length <= DESCRIPTION_MAX ? long : short;
  if (text.length > DESCRIPTION_MAX) throw new Error(`${c.id}: description is ${text.length} characters; at most ${DESCRIPTION_MAX}`);
  return text;
}

/** YAML single-quoted scalar. */
function q(text: string): string {
  return `'${text.replace(/'/g, "''")}'`;
}

/** The selection parameter's pattern: 'all', or a comma list of short ids without spaces. */
export function selectionPattern(): string {
  const one = `(${CONTROLS.map((c) => c.id).join('|')})`;
  return `^${ALL}$|^${one}(,${one})*$`;
}

function selectionParameter(): string[] {
  return [
    `  ${SELECTION_PARAMETER}:`,
    '    Type: String',
    `    Description: Controls to deploy a Config rule for, 'all' or a comma list of short ids without spaces (e.g. unauthorized-api-calls,root-usage); deploy/README.md lists them.`,
    `    Default: ${ALL}`,
    `    AllowedPattern: ${q(selectionPattern())}`,
  ];
}

/**
 * A condition per control: 'all', or its id in the list. CloudFormation has no list membership outside Rules, so
 * ',<list>,' split on ',<id>,' and joined again differs from ',<list>,' exactly when the id is in the list (the commas
 * keep vpc-changes from matching inside another id); Fn::Join of a Split in a condition is what HasExcludedAccounts
 * of org-central-rule.yaml already does.
 */
function selectionConditions(): string[] {
  const wrapped = `!Sub ',\${${SELECTION_PARAMETER}},'`;
  return CONTROLS.flatMap((c) => [
    `  ${conditionName(c)}: !Or`,
    `    - !Equals [!Ref ${SELECTION_PARAMETER}, ${ALL}]`,
    `    - !Not [!Equals [!Join ['', !Split [',${c.id},', ${wrapped}]], ${wrapped}]]`,
  ]);
}

function accountRules(): string[] {
  const lines: string[] = [];
  for (const c of CONTROLS) {
    const ruleParameters = [...(isDefault(c) ? DEFAULT_ONLY_RULE_PARAMETERS : []), ...SHARED_RULE_PARAMETERS];
    lines.push(
      `  ${ruleLogicalId(c)}:`,
      '    Type: AWS::Config::ConfigRule',
      `    Condition: ${conditionName(c)}`,
      '    DependsOn: RuleInvokePermission',
      '    Properties:',
      `      ConfigRuleName: ${isDefault(c) ? '!Ref ConfigRuleName' : c.names.configRule}`,
      `      Description: ${q(ruleDescription(c))}`,
      '      InputParameters:',
      `        Control: ${c.id}`,
      ...ruleParameters.map((p) => `        ${p}: !Ref ${p}`),
      '      Scope:',
      '        ComplianceResourceTypes: [AWS::CloudTrail::Trail, AWS::CloudWatch::Alarm, AWS::SNS::Topic]',
      '      Source:',
      '        Owner: CUSTOM_LAMBDA',
      '        SourceIdentifier: !GetAtt RuleFunction.Arn',
      '        SourceDetails:',
      '          - { EventSource: aws.config, MessageType: ConfigurationItemChangeNotification }',
      '          - { EventSource: aws.config, MessageType: OversizedConfigurationItemChangeNotification }',
      '          - { EventSource: aws.config, MessageType: ScheduledNotification, MaximumExecutionFrequency: !Ref MaximumExecutionFrequency }',
      `  ${remediationLogicalId(c)}:`,
      '    Type: AWS::Config::RemediationConfiguration',
      `    Condition: ${conditionName(c)}`,
      '    Properties:',
      `      ConfigRuleName: !Ref ${ruleLogicalId(c)}`,
      '      TargetType: SSM_DOCUMENT',
      '      TargetId: !Ref RemediationDocument',
      '      ResourceType: AWS::::Account',
      '      Automatic: !If [RemediatesAutomatically, true, false]',
      '      MaximumAutomaticAttempts: !Ref MaximumAutomaticAttempts',
      '      RetryAttemptSeconds: !Ref RetryAttemptSeconds',
      '      ExecutionControls: { SsmControls: { ConcurrentExecutionRatePercentage: 10, ErrorPercentage: 50 } }',
      '      Parameters:',
      '        AutomationAssumeRole: { StaticValue: { Values: [!GetAtt RemediationRole.Arn] } }',
      '        AccountId: { ResourceValue: { Value: RESOURCE_ID } }',
      `        Control: { StaticValue: { Values: [${c.id}] } }`,
      ...SHARED_DOCUMENT_PARAMETERS.map((p) =>
        EMPTY_BY_DEFAULT.has(p)
          ? `        ${p}: !If [Has${p}, { StaticValue: { Values: [!Ref ${p}] } }, !Ref AWS::NoValue]`
          : p === 'PatternSource' && remediationPatterns(c).securityhub === undefined
            ? // The document refuses securityhub for a control whose Security Hub text misses what CIS requires.
              `        ${p}: { StaticValue: { Values: [cis] } }`
            : `        ${p}: { StaticValue: { Values: [!Ref ${p}] } }`,
      ),
      ...Object.entries(NAME_PARAMETERS).map(
        ([p, key]) => `        ${p}: { StaticValue: { Values: [${isDefault(c) ? `!Ref ${p}` : q(c.names[key])}] } }`,
      ),
    );
  }
  return lines;
}

function organizationRules(): string[] {
  const lines: string[] = [];
  for (const c of CONTROLS) {
    const ruleParameters = [...(isDefault(c) ? DEFAULT_ONLY_RULE_PARAMETERS : []), ...SHARED_RULE_PARAMETERS];
    const input = `{"Control":"${c.id}",${ruleParameters.map((p) => `"${p}":"\${${p}}"`).join(',')}}`;
    lines.push(
      `  ${organizationRuleLogicalId(c)}:`,
      '    Type: AWS::Config::OrganizationConfigRule',
      `    Condition: ${conditionName(c)}`,
      '    DependsOn: CentralInvokePermission',
      '    Properties:',
      `      OrganizationConfigRuleName: ${isDefault(c) ? '!Ref OrganizationConfigRuleName' : c.names.configRule}`,
      '      ExcludedAccounts: !If [HasExcludedAccounts, !Ref ExcludedAccounts, !Ref AWS::NoValue]',
      '      OrganizationCustomRuleMetadata:',
      `        Description: ${q(ruleDescription(c))}`,
      '        LambdaFunctionArn: !GetAtt CentralFunction.Arn',
      '        OrganizationConfigRuleTriggerTypes: [ScheduledNotification]',
      '        MaximumExecutionFrequency: !Ref MaximumExecutionFrequency',
      `        InputParameters: !Sub ${q(input)}`,
    );
  }
  return lines;
}

/**
 * The alarms the remediation may create or update, by ARN: AlarmName (the template parameter, 4.1's alarm) and every
 * other control's alarm by the catalogue's name. `region` is '${AWS::Region}' or '*'.
 */
export function remediationAlarmArns(region: string): string[] {
  const arn = (name: string): string => `arn:\${AWS::Partition}:cloudwatch:${region}:\${AWS::AccountId}:alarm:${name}`;
  return CONTROLS.map((c) => arn(isDefault(c) ? '${AlarmName}' : c.names.alarm));
}

function alarmResources(region: string, indent: number): string[] {
  return remediationAlarmArns(region).map((a) => `${' '.repeat(indent)}- !Sub ${q(a)}`);
}

/** Each generated block of each template, by block name. */
export const TEMPLATE_BLOCKS: Record<string, Record<string, () => string[]>> = {
  'account-rule.yaml': {
    'selection-parameter': selectionParameter,
    'selection-conditions': selectionConditions,
    'remediation-alarms': () => alarmResources('${AWS::Region}', 18),
    rules: accountRules,
  },
  'org-central-rule.yaml': {
    'selection-parameter': selectionParameter,
    'selection-conditions': selectionConditions,
    rules: organizationRules,
  },
  'remediation-runbook.yaml': {
    'remediation-alarms': () => alarmResources('*', 18),
  },
};

const BEGIN = /^(\s*)# BEGIN generated ([\w-]+)/;

/** The text with every generated block of `blocks` rewritten; throws when a block's markers are missing. */
export function regenerate(text: string, blocks: Record<string, () => string[]>, file: string): string {
  const lines = text.split('\n');
  const out: string[] = [];
  const seen = new Set<string>();
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    out.push(line);
    const m = BEGIN.exec(line);
    if (!m) continue;
    const name = m[2]!;
    const block = blocks[name];
    if (!block) throw new Error(`${file}: unknown generated block ${name}`);
    const end = lines.findIndex((l, j) => j > i && l.trim() === `# END generated ${name}`);
    if (end < 0) throw new Error(`${file}: generated block ${name} has no '# END generated ${name}'`);
    out.push(...block(), lines[end]!);
    seen.add(name);
    i = end;
  }
  const missing = Object.keys(blocks).filter((b) => !seen.has(b));
  if (missing.length > 0) throw new Error(`${file}: no '# BEGIN generated' marker for ${missing.join(', ')}`);
  return out.join('\n');
}

interface PolicyStatement {
  Sid?: string;
  Resource: string | string[];
}

/** deploy/iam/remediation-policy.json with its CreateTheAlarm statement's resources generated. */
export function regeneratePolicy<T extends { Statement: PolicyStatement[] }>(policy: T): T {
  const statement = policy.Statement.find((s) => s.Sid === 'CreateTheAlarm');
  if (!statement) throw new Error('remediation-policy.json has no CreateTheAlarm statement');
  return { ...policy, Statement: policy.Statement.map((s) => (s === statement ? { ...s, Resource: remediationAlarmArns('${AWS::Region}') } : s)) };
}

interface RdkDefinition {
  Parameters: {
    RuleName: string;
    Description: string;
    InputParameters: string;
    OptionalParameters: string;
    Remediation?: { ConfigRuleName: string; Parameters: Record<string, unknown> };
  } & Record<string, unknown>;
  [key: string]: unknown;
}

/**
 * One RDK rule definition per control, from the root parameters.json (the 4.1 definition): its rule name, description,
 * Control in InputParameters (out of OptionalParameters), and its remediation passing Control; the document's
 * defaults give the control's filter, metric and alarm names.
 */
export function rdkDefinitions<T extends RdkDefinition>(root: T): { control: Control; definition: T }[] {
  return CONTROLS.map((c) => {
    const definition = structuredClone(root);
    const p = definition.Parameters;
    p.RuleName = isDefault(c) ? p.RuleName : c.names.configRule;
    // The root's description is 4.1's own (and what package-rdk checks against RDK's limits); equal to ruleDescription.
    if (!isDefault(c)) p.Description = ruleDescription(c);
    p.InputParameters = JSON.stringify({ ...(JSON.parse(p.InputParameters) as object), Control: c.id });
    const optional = JSON.parse(p.OptionalParameters) as Record<string, string>;
    delete optional.Control;
    if (!isDefault(c)) delete optional.StrictPatternVersion;
    p.OptionalParameters = JSON.stringify(optional);
    if (p.Remediation) {
      p.Remediation.ConfigRuleName = p.RuleName;
      p.Remediation.Parameters = { ...p.Remediation.Parameters, Control: { StaticValue: { Values: [c.id] } } };
    }
    return { control: c, definition };
  });
}
