/**
 * Loading the deployment templates (deploy/templates/*.yaml) and walking them: the CloudFormation short-form tags
 * (!Ref, !Sub, !GetAtt, ...) as a tag set for the `yaml` package, turning each into its long form ({ Ref: x },
 * { 'Fn::Sub': ... }), so that tests see templates as CloudFormation does.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parse, type Tags } from 'yaml';

export const ROOT = join(__dirname, '..', '..');
export const TEMPLATE_DIR = join(ROOT, 'deploy', 'templates');

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

// --- The tag set ---------------------------------------------------------------------------------------------------
// https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/intrinsic-function-reference.html
const FUNCTIONS = [
  'And', 'Base64', 'Cidr', 'Equals', 'FindInMap', 'GetAtt', 'GetAZs', 'If', 'ImportValue', 'Join', 'Length', 'Not', 'Or',
  'Select', 'Split', 'Sub', 'ToJsonString', 'Transform',
] as const;

function longName(short: string): string {
  return short === 'Ref' || short === 'Condition' ? short : `Fn::${short}`;
}

/** `!GetAtt Resource.Attribute` is the scalar form of `Fn::GetAtt: [Resource, Attribute]` (split at the first dot). */
function getAttScalar(value: string): Json {
  const dot = value.indexOf('.');
  if (dot <= 0) throw new Error(`!GetAtt '${value}' is not Resource.Attribute`);
  return { 'Fn::GetAtt': [value.slice(0, dot), value.slice(dot + 1)] };
}

export const CFN_TAGS: Tags = [
  { tag: '!Ref', resolve: (value: string): Json => ({ Ref: value }) },
  { tag: '!Condition', resolve: (value: string): Json => ({ Condition: value }) },
  ...FUNCTIONS.flatMap((fn): Tags => {
    const name = longName(fn);
    return [
      { tag: `!${fn}`, resolve: (value: string): Json => (fn === 'GetAtt' ? getAttScalar(value) : { [name]: value }) },
      // Collection nodes are already composed: toJSON() gives their contents with inner tags resolved.
      { tag: `!${fn}`, collection: 'seq', resolve: (node): Json => ({ [name]: node.toJSON() as Json }) },
      { tag: `!${fn}`, collection: 'map', resolve: (node): Json => ({ [name]: node.toJSON() as Json }) },
    ];
  }),
];

// --- Template shape ---------------------------------------------------------------------------------------------
export interface Parameter {
  Type: string;
  Description?: string;
  Default?: string | number;
  AllowedValues?: (string | number)[];
  AllowedPattern?: string;
  MinValue?: number;
  MaxValue?: number;
}

export interface Resource {
  Type: string;
  Properties?: JsonObject;
  DependsOn?: string | string[];
  Condition?: string;
  Metadata?: JsonObject;
}

export interface Template {
  AWSTemplateFormatVersion?: string;
  Description?: string;
  Metadata?: JsonObject;
  Parameters: Record<string, Parameter>;
  Conditions: Record<string, Json>;
  Resources: Record<string, Resource>;
  Outputs: Record<string, JsonObject>;
}

/** CloudFormation's AllowedPattern matches the whole value (Java regex; the templates' patterns mean the same in JS). */
export function allowedByPattern(p: Parameter, value: string): boolean {
  return p.AllowedPattern === undefined || new RegExp(`^(?:${p.AllowedPattern})$`).test(value);
}

export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `value`, which the template must give as a string (not an intrinsic function or a list). */
export function stringOf(value: Json | undefined, what: string): string {
  if (typeof value !== 'string') throw new Error(`${what} is ${JSON.stringify(value) ?? 'missing'}, not a string`);
  return value;
}

function sectionOf(doc: JsonObject, key: string, file: string): Record<string, Json> {
  const section = doc[key];
  if (section === undefined) return {};
  if (!isObject(section)) throw new Error(`${file}: ${key} is not a mapping`);
  return section;
}

/** Parses a template, checking the shape of its sections (so the casts below describe what was checked). */
export function parseTemplate(text: string, file = 'template'): Template {
  const doc: unknown = parse(text, { customTags: CFN_TAGS, strict: true, uniqueKeys: true });
  if (!isObject(doc)) throw new Error(`${file}: not a mapping`);
  const parameters = sectionOf(doc, 'Parameters', file);
  for (const [name, p] of Object.entries(parameters)) {
    if (!isObject(p) || typeof p.Type !== 'string') throw new Error(`${file}: parameter ${name} has no Type`);
  }
  const resources = sectionOf(doc, 'Resources', file);
  for (const [name, r] of Object.entries(resources)) {
    if (!isObject(r) || typeof r.Type !== 'string') throw new Error(`${file}: resource ${name} has no Type`);
    if (r.Properties !== undefined && !isObject(r.Properties)) throw new Error(`${file}: resource ${name} Properties is not a mapping`);
  }
  const outputs = sectionOf(doc, 'Outputs', file);
  for (const [name, o] of Object.entries(outputs)) {
    if (!isObject(o)) throw new Error(`${file}: output ${name} is not a mapping`);
  }
  return {
    ...doc,
    // Checked above: every parameter is a mapping with a string Type, every resource a mapping with a string Type.
    Parameters: parameters as unknown as Record<string, Parameter>,
    Conditions: sectionOf(doc, 'Conditions', file),
    Resources: resources as unknown as Record<string, Resource>,
    Outputs: outputs as Record<string, JsonObject>,
  };
}

export function templateFiles(): string[] {
  return readdirSync(TEMPLATE_DIR)
    .filter((f) => /\.ya?ml$/.test(f))
    .sort();
}

export function readTemplateText(file: string): string {
  return readFileSync(join(TEMPLATE_DIR, file), 'utf8');
}

const cache = new Map<string, Template>();
export function loadTemplate(file: string): Template {
  let t = cache.get(file);
  if (!t) {
    t = parseTemplate(readTemplateText(file), file);
    cache.set(file, t);
  }
  return t;
}

export function resourcesOfType(template: Template, type: string): [string, Resource][] {
  return Object.entries(template.Resources).filter(([, r]) => r.Type === type);
}

export function onlyResourceOfType(template: Template, type: string): [string, Resource] {
  const found = resourcesOfType(template, type);
  if (found.length !== 1) throw new Error(`expected one ${type}, found ${found.length}`);
  return found[0]!;
}

export function props(resource: Resource): JsonObject {
  return resource.Properties ?? {};
}

// --- Intrinsic functions ----------------------------------------------------------------------------------------
export const PSEUDO_PARAMETERS = [
  'AWS::AccountId', 'AWS::NotificationARNs', 'AWS::NoValue', 'AWS::Partition', 'AWS::Region', 'AWS::StackId',
  'AWS::StackName', 'AWS::URLSuffix',
] as const;

/** The single key of an intrinsic-function object ({ Ref: x }, { 'Fn::If': [...] }), or undefined. */
export function intrinsicName(value: Json): string | undefined {
  if (!isObject(value)) return undefined;
  const keys = Object.keys(value);
  if (keys.length !== 1) return undefined;
  const [key] = keys as [string];
  return key === 'Ref' || key === 'Condition' || key.startsWith('Fn::') ? key : undefined;
}

export function isNoValue(value: Json): boolean {
  return isObject(value) && value.Ref === 'AWS::NoValue' && Object.keys(value).length === 1;
}

/** Visits every value of a JSON tree with its path. */
export function walk(value: Json, visit: (value: Json, path: string) => void, path = ''): void {
  visit(value, path);
  if (Array.isArray(value)) value.forEach((v, i) => walk(v, visit, `${path}[${i}]`));
  else if (isObject(value)) for (const [k, v] of Object.entries(value)) walk(v, visit, path ? `${path}.${k}` : k);
}

/** `${Name}` and `${Resource.Attribute}` variables of an Fn::Sub string (`${!Literal}` is not a variable). */
export function subVariables(text: string): string[] {
  return [...text.matchAll(/\$\{([^}]*)\}/g)].map((m) => m[1]!).filter((v) => !v.startsWith('!'));
}

/**
 * The possible values of a property written with Fn::If: each branch, recursively; AWS::NoValue dropped. Values
 * with the conditions under which they are chosen.
 */
export function branches(value: Json, conditions: string[] = []): { value: Json; conditions: string[] }[] {
  if (isObject(value) && intrinsicName(value) === 'Fn::If') {
    const args = value['Fn::If'];
    if (!Array.isArray(args) || args.length !== 3 || typeof args[0] !== 'string') throw new Error('Fn::If takes [condition, then, else]');
    const [cond, yes, no] = args as [string, Json, Json];
    return [...branches(yes, [...conditions, cond]), ...branches(no, [...conditions, `!${cond}`])];
  }
  return isNoValue(value) ? [] : [{ value, conditions }];
}

/** A list whose items may be Fn::If: every possible item, with its conditions. */
export function listItems(value: Json | undefined): { value: Json; conditions: string[] }[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) return branches(value).flatMap((b) => listItems(b.value).map((i) => ({ value: i.value, conditions: [...b.conditions, ...i.conditions] })));
  return value.flatMap((item) => branches(item));
}

// --- IAM --------------------------------------------------------------------------------------------------------
export interface Statement {
  /** Role's logical id and policy name ('' for the trust policy). */
  role: string;
  policy: string;
  conditions: string[];
  statement: JsonObject;
}

export function asList(value: Json | undefined): Json[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

export function actionsOf(statement: JsonObject): string[] {
  return asList(statement.Action).map((a) => {
    if (typeof a !== 'string') throw new Error(`action ${JSON.stringify(a)} is not a literal string`);
    return a;
  });
}

/** Statements of a policy document, with the Fn::If conditions they sit under. */
export function statementsOf(document: Json, conditions: string[] = []): { statement: JsonObject; conditions: string[] }[] {
  if (!isObject(document)) throw new Error('policy document is not a mapping');
  return listItems(document.Statement).map((s) => {
    if (!isObject(s.value)) throw new Error('statement is not a mapping');
    return { statement: s.value, conditions: [...conditions, ...s.conditions] };
  });
}

/** Every permission statement of the roles of a template (inline Policies), with the conditions they sit under. */
export function permissionStatements(template: Template): Statement[] {
  const out: Statement[] = [];
  for (const [id, role] of resourcesOfType(template, 'AWS::IAM::Role')) {
    for (const policy of listItems(props(role).Policies)) {
      if (!isObject(policy.value)) throw new Error(`${id}: policy is not a mapping`);
      const name = stringOf(policy.value.PolicyName, `${id}: PolicyName`);
      for (const s of statementsOf(policy.value.PolicyDocument ?? null, policy.conditions)) {
        out.push({ role: id, policy: name, conditions: s.conditions, statement: s.statement });
      }
    }
  }
  return out;
}

export function trustStatements(template: Template): Statement[] {
  return resourcesOfType(template, 'AWS::IAM::Role').flatMap(([id, role]) =>
    statementsOf(props(role).AssumeRolePolicyDocument ?? null).map((s) => ({ role: id, policy: '', conditions: s.conditions, statement: s.statement })),
  );
}
