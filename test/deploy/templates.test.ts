/**
 * Every deployment template (deploy/templates/*.yaml): that CloudFormation has its resource types and properties
 * (@aws-cdk/aws-service-spec), that every reference resolves, that its parameters' defaults are valid, least
 * privilege in every role, and that each embedded SSM document is the file in remediation/.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { attributesOf, specErrors } from './cfn-spec';
import {
  PSEUDO_PARAMETERS,
  ROOT,
  actionsOf,
  allowedByPattern,
  asList,
  intrinsicName,
  isObject,
  loadTemplate,
  parseTemplate,
  permissionStatements,
  props,
  readTemplateText,
  resourcesOfType,
  stringOf,
  subVariables,
  templateFiles,
  trustStatements,
  walk,
  type Json,
  type Template,
} from './cfn-template';

const FILES = templateFiles();

/** Every reference that does not resolve, as 'path: message'. */
function unresolvedReferences(t: Template): string[] {
  const errors: string[] = [];
  const names = new Set<string>([...Object.keys(t.Parameters), ...Object.keys(t.Resources), ...PSEUDO_PARAMETERS]);
  const attribute = (resource: string, attr: string, path: string): void => {
    const r = t.Resources[resource];
    if (!r) errors.push(`${path}: Fn::GetAtt of unknown resource ${resource}`);
    else if (!attributesOf(r.Type).includes(attr)) errors.push(`${path}: ${r.Type} has no attribute ${attr} (has ${attributesOf(r.Type).join(', ')})`);
  };
  const condition = (name: Json, path: string): void => {
    if (typeof name !== 'string' || !(name in t.Conditions)) errors.push(`${path}: unknown condition ${JSON.stringify(name)}`);
  };
  const visit = (value: Json, path: string): void => {
    const fn = intrinsicName(value);
    if (!fn || !isObject(value)) return;
    const arg = value[fn]!;
    switch (fn) {
      case 'Ref':
        if (typeof arg !== 'string' || !names.has(arg)) errors.push(`${path}: Ref to unknown ${JSON.stringify(arg)}`);
        break;
      case 'Fn::GetAtt':
        if (!Array.isArray(arg) || arg.length !== 2 || typeof arg[0] !== 'string' || typeof arg[1] !== 'string') errors.push(`${path}: Fn::GetAtt takes [resource, attribute]`);
        else attribute(arg[0], arg[1], path);
        break;
      case 'Fn::Sub': {
        const [text, vars] = Array.isArray(arg) ? [arg[0], arg[1]] : [arg, undefined];
        if (typeof text !== 'string') {
          errors.push(`${path}: Fn::Sub text is not a string`);
          break;
        }
        const local = isObject(vars) ? Object.keys(vars) : [];
        for (const v of subVariables(text)) {
          const dot = v.indexOf('.');
          if (local.includes(v) || names.has(v)) continue;
          if (dot > 0) attribute(v.slice(0, dot), v.slice(dot + 1), path);
          else errors.push(`${path}: Fn::Sub variable \${${v}} resolves to nothing (an IAM policy variable must be written \${!${v}})`);
        }
        break;
      }
      case 'Fn::If':
        condition(Array.isArray(arg) ? arg[0]! : null, path);
        break;
      case 'Condition':
        condition(arg, path);
        break;
    }
  };
  for (const [name, c] of Object.entries(t.Conditions)) walk(c, visit, `Conditions.${name}`);
  for (const [id, r] of Object.entries(t.Resources)) {
    walk(r.Properties ?? {}, visit, `${id}.Properties`);
    if (r.Condition !== undefined) condition(r.Condition, `${id}.Condition`);
    for (const d of asList(r.DependsOn)) if (typeof d !== 'string' || !(d in t.Resources)) errors.push(`${id}.DependsOn: unknown resource ${JSON.stringify(d)}`);
  }
  for (const [name, o] of Object.entries(t.Outputs)) {
    walk(o, visit, `Outputs.${name}`);
    if (o.Condition !== undefined) condition(o.Condition, `Outputs.${name}.Condition`);
  }
  return errors;
}

function referencedNames(t: Template): { refs: Set<string>; conditions: Set<string> } {
  const refs = new Set<string>();
  const conditions = new Set<string>();
  const visit = (value: Json): void => {
    const fn = intrinsicName(value);
    if (!fn || !isObject(value)) return;
    const arg = value[fn]!;
    if (fn === 'Ref' && typeof arg === 'string') refs.add(arg);
    if (fn === 'Fn::Sub') for (const v of subVariables(stringOf(Array.isArray(arg) ? arg[0] : arg, 'Fn::Sub'))) refs.add(v.split('.')[0]!);
    if (fn === 'Fn::If' && Array.isArray(arg)) conditions.add(stringOf(arg[0], 'Fn::If condition'));
    if (fn === 'Condition') conditions.add(stringOf(arg, 'Condition'));
  };
  walk({ Conditions: t.Conditions, Resources: t.Resources as unknown as Json, Outputs: t.Outputs }, visit);
  for (const r of Object.values(t.Resources)) if (r.Condition) conditions.add(r.Condition);
  for (const o of Object.values(t.Outputs)) if (typeof o.Condition === 'string') conditions.add(o.Condition);
  return { refs, conditions };
}

describe.each(FILES)('%s', (file) => {
  const t = loadTemplate(file);

  it('is a CloudFormation template with a description', () => {
    expect(t.AWSTemplateFormatVersion).toBe('2010-09-09');
    expect(t.Description?.length).toBeGreaterThan(0);
    expect(t.Description!.length).toBeLessThanOrEqual(1024);
    expect(Object.keys(t.Resources).length).toBeGreaterThan(0);
  });

  it('uses only resource types and properties CloudFormation has, with their required properties (@aws-cdk/aws-service-spec)', () => {
    expect(specErrors(t)).toEqual([]);
  });

  it('resolves every Ref, Fn::GetAtt, Fn::Sub variable, condition and DependsOn', () => {
    expect(unresolvedReferences(t)).toEqual([]);
  });

  it('uses every parameter and every condition it declares', () => {
    const { refs, conditions } = referencedNames(t);
    expect(Object.keys(t.Parameters).filter((p) => !refs.has(p))).toEqual([]);
    expect(Object.keys(t.Conditions).filter((c) => !conditions.has(c))).toEqual([]);
  });

  it('has parameter defaults that its own constraints accept', () => {
    for (const [name, p] of Object.entries(t.Parameters)) {
      expect({ name, ok: ['String', 'Number', 'CommaDelimitedList'].includes(p.Type) }).toEqual({ name, ok: true });
      if (p.Default === undefined) continue;
      const value = String(p.Default);
      if (p.AllowedValues) expect(p.AllowedValues.map(String)).toContain(value);
      expect({ name, ok: allowedByPattern(p, value) }).toEqual({ name, ok: true });
      if (p.MinValue !== undefined) expect(Number(value)).toBeGreaterThanOrEqual(p.MinValue);
      if (p.MaxValue !== undefined) expect(Number(value)).toBeLessThanOrEqual(p.MaxValue);
    }
  });

  it('grants no wildcard action and never iam:PassRole', () => {
    const statements = permissionStatements(t);
    for (const { role, policy, statement } of statements) {
      expect({ role, policy, effect: statement.Effect }).toEqual({ role, policy, effect: 'Allow' });
      for (const action of actionsOf(statement)) {
        // Neither '*' nor 'service:*' nor 'service:Get*': every action is named.
        expect({ role, policy, action, wildcard: action.includes('*') }).toEqual({ role, policy, action, wildcard: false });
        expect(action).toMatch(/^[a-z0-9-]+:[A-Za-z0-9]+$/);
      }
      expect(statement.NotAction).toBeUndefined();
    }
    expect(JSON.stringify(t.Resources)).not.toMatch(/iam:PassRole/i);
  });

  it('attaches no managed policy but AWSConfigRoleForOrganizations to the aggregator role', () => {
    for (const [id, role] of resourcesOfType(t, 'AWS::IAM::Role')) {
      const managed = asList(props(role).ManagedPolicyArns);
      if (managed.length === 0) continue;
      expect({ id, managed }).toEqual({ id, managed: [{ 'Fn::Sub': 'arn:${AWS::Partition}:iam::aws:policy/service-role/AWSConfigRoleForOrganizations' }] });
      expect(trustStatements(t).filter((s) => s.role === id).map((s) => s.statement.Principal)).toEqual([{ Service: 'config.amazonaws.com' }]);
    }
  });

  it('scopes every trust policy: aws:SourceAccount for services, aws:PrincipalOrgID for accounts', () => {
    const trust = trustStatements(t);
    for (const { role, statement } of trust) {
      expect({ role, action: statement.Action, effect: statement.Effect }).toEqual({ role, action: 'sts:AssumeRole', effect: 'Allow' });
      const principal = statement.Principal;
      if (!isObject(principal)) throw new Error(`${role}: Principal is not a mapping`);
      const condition = isObject(statement.Condition) ? statement.Condition : {};
      const equals = isObject(condition.StringEquals) ? condition.StringEquals : {};
      if (principal.Service !== undefined) {
        expect({ role, principal }).toEqual({ role, principal: { Service: expect.stringMatching(/^(lambda|ssm|config)\.amazonaws\.com$/) } });
        expect({ role, sourceAccount: equals['aws:SourceAccount'] }).toEqual({ role, sourceAccount: { Ref: 'AWS::AccountId' } });
      } else {
        expect({ role, keys: Object.keys(principal) }).toEqual({ role, keys: ['AWS'] });
        expect({ role, orgId: equals['aws:PrincipalOrgID'] }).toEqual({ role, orgId: { Ref: 'OrganizationId' } });
        const like = isObject(condition.ArnLike) ? condition.ArnLike : {};
        expect({ role, principalArn: like['aws:PrincipalArn'] !== undefined }).toEqual({ role, principalArn: true });
      }
    }
  });

  it('runs every Lambda function on nodejs22.x with handler index.handler, code from S3, logs to its own group', () => {
    for (const [id, fn] of resourcesOfType(t, 'AWS::Lambda::Function')) {
      const p = props(fn);
      expect({ id, runtime: p.Runtime, handler: p.Handler }).toEqual({ id, runtime: 'nodejs22.x', handler: 'index.handler' });
      expect(p.Code).toEqual({ S3Bucket: expect.anything(), S3Key: { Ref: 'CodeS3Key' } });
      const logGroup = (p.LoggingConfig as { LogGroup?: Json } | undefined)?.LogGroup;
      expect(isObject(logGroup) && typeof logGroup.Ref === 'string' && t.Resources[logGroup.Ref]?.Type === 'AWS::Logs::LogGroup').toBe(true);
    }
  });

  it('lets only AWS Config invoke its functions', () => {
    for (const [id, permission] of resourcesOfType(t, 'AWS::Lambda::Permission')) {
      const p = props(permission);
      expect({ id, principal: p.Principal, action: p.Action }).toEqual({ id, principal: 'config.amazonaws.com', action: 'lambda:InvokeFunction' });
      const fn = p.FunctionName;
      expect(isObject(fn) && Array.isArray(fn['Fn::GetAtt']) && fn['Fn::GetAtt'][1] === 'Arn').toBe(true);
    }
  });

  it('embeds each SSM document byte for byte from remediation/', () => {
    const text = readTemplateText(file);
    const embedded = [...text.matchAll(/Content: \| +# embedded from (remediation\/[\w.-]+\.yaml)/g)].map((m) => m[1]!);
    const documents = resourcesOfType(t, 'AWS::SSM::Document');
    expect(embedded).toHaveLength(documents.length);
    documents.forEach(([id, doc], i) => {
      const file = readFileSync(join(ROOT, embedded[i]!), 'utf8');
      // On a mismatch: node scripts/package.mjs --embed-document
      expect({ id, same: props(doc).Content === file }).toEqual({ id, same: true });
      expect(props(doc)).toMatchObject({ DocumentType: 'Automation', DocumentFormat: 'YAML', UpdateMethod: 'NewVersion' });
    });
  });
});

describe('the CloudFormation tag set', () => {
  it('reads the short forms as their long forms', () => {
    const t = parseTemplate(
      [
        'Resources:',
        '  R:',
        '    Type: AWS::SNS::Topic',
        '    Properties:',
        "      A: !Sub 'x-${AWS::Region}'",
        '      B: !GetAtt Other.Arn',
        '      C: !If [Cond, !Ref P, !Ref AWS::NoValue]',
        '      D: !Join [",", !Split ["{r}", !Ref P]]',
        '      E: !Sub ["${x}", { x: !GetAtt [Other, Arn] }]',
        '      F: !Not [!Condition Cond]',
      ].join('\n'),
    );
    expect(t.Resources.R!.Properties).toEqual({
      A: { 'Fn::Sub': 'x-${AWS::Region}' },
      B: { 'Fn::GetAtt': ['Other', 'Arn'] },
      C: { 'Fn::If': ['Cond', { Ref: 'P' }, { Ref: 'AWS::NoValue' }] },
      D: { 'Fn::Join': [',', { 'Fn::Split': ['{r}', { Ref: 'P' }] }] },
      E: { 'Fn::Sub': ['${x}', { x: { 'Fn::GetAtt': ['Other', 'Arn'] } }] },
      F: { 'Fn::Not': [{ Condition: 'Cond' }] },
    });
  });

  it('finds what the checks look for', () => {
    const t = parseTemplate(
      [
        'Parameters: { P: { Type: String } }',
        'Resources:',
        '  R:',
        '    Type: AWS::SNS::Topic',
        '    Properties:',
        '      TopicName: !Sub "${Missing}-${P}-${!Literal}"',
        '      Nope: 1',
        '      KmsMasterKeyId: !GetAtt R.NoSuchAttribute',
      ].join('\n'),
    );
    expect(unresolvedReferences(t)).toEqual([
      'R.Properties.TopicName: Fn::Sub variable ${Missing} resolves to nothing (an IAM policy variable must be written ${!Missing})',
      expect.stringMatching(/^R.Properties.KmsMasterKeyId: AWS::SNS::Topic has no attribute NoSuchAttribute/),
    ]);
    expect(specErrors(t)).toEqual([expect.stringMatching(/unknown property Nope/)]);
    expect(specErrors(parseTemplate('Resources: { R: { Type: AWS::Nope::Thing } }'))).toEqual(['R: unknown resource type AWS::Nope::Thing']);
    expect(specErrors(parseTemplate('Resources: { R: { Type: AWS::Lambda::Permission, Properties: { Action: x, Principal: y } } }'))).toEqual([
      expect.stringMatching(/required property FunctionName is missing/),
    ]);
    expect(specErrors(parseTemplate('Resources: { R: { Type: AWS::SSM::Document, Properties: { Content: x, DocumentType: Nope } } }'))).toEqual([
      expect.stringMatching(/DocumentType: 'Nope' is not one of/),
    ]);
  });
});
