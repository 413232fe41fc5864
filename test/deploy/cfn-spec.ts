/**
 * Checks templates against the CloudFormation resource model in @aws-cdk/aws-service-spec (cdklabs/awscdk-service-spec:
 * the CloudFormation registry schemas of every resource type, as the AWS CDK generates its L1 classes from them):
 * resource types, property names at every level, required properties, literal values against enumerations and
 * primitive types, and Fn::GetAtt attribute names.
 *
 * Values computed by intrinsic functions are not typed (they are known only at deployment), except Fn::If, whose
 * branches are checked like literal values.
 */
import { loadAwsServiceSpecSync } from '@aws-cdk/aws-service-spec';
import type { PropertyType, Resource as SpecResource, SpecDatabase, TypeDefinition } from '@aws-cdk/service-spec-types';
import { branches, intrinsicName, isObject, type Json, type Template } from './cfn-template';

let database: SpecDatabase | undefined;
/** The database (~15 MB of JSON, about a second to load): once per test file. */
export function spec(): SpecDatabase {
  database ??= loadAwsServiceSpecSync();
  return database;
}

export function specResource(type: string): SpecResource | undefined {
  const found = spec().lookup('resource', 'cloudFormationType', 'equals', type);
  return found.length === 1 ? found[0] : undefined;
}

function typeName(t: PropertyType): string {
  switch (t.type) {
    case 'ref':
      return spec().get('typeDefinition', t.reference).name;
    case 'array':
    case 'map':
      return `${t.type}<${typeName(t.element)}>`;
    case 'union':
      return t.types.map(typeName).join(' | ');
    default:
      return t.type;
  }
}

/** Errors of a value against a property type ([] when it fits). */
function checkValue(value: Json, type: PropertyType, path: string): string[] {
  if (isObject(value) && intrinsicName(value) !== undefined) {
    // Fn::If: each branch must fit (AWS::NoValue removes the property); anything else is computed.
    if (intrinsicName(value) !== 'Fn::If') return [];
    return branches(value).flatMap((b) => checkValue(b.value, type, path));
  }
  switch (type.type) {
    case 'string':
      if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') return [`${path}: expected a string, got ${JSON.stringify(value)}`];
      if (type.allowedValues && typeof value === 'string' && !type.allowedValues.includes(value)) {
        return [`${path}: '${value}' is not one of ${type.allowedValues.join(', ')}`];
      }
      return [];
    case 'number':
    case 'integer':
      if (typeof value === 'number' || (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value)))) {
        if (type.type === 'integer' && !Number.isInteger(Number(value))) return [`${path}: expected an integer, got ${JSON.stringify(value)}`];
        return [];
      }
      return [`${path}: expected a number, got ${JSON.stringify(value)}`];
    case 'boolean':
      return typeof value === 'boolean' || value === 'true' || value === 'false' ? [] : [`${path}: expected a boolean, got ${JSON.stringify(value)}`];
    case 'json':
      return [];
    case 'date-time':
      return typeof value === 'string' ? [] : [`${path}: expected a date-time string`];
    case 'null':
      return value === null ? [] : [`${path}: expected null`];
    case 'tag':
      return isObject(value) && 'Key' in value && 'Value' in value && Object.keys(value).length === 2 ? [] : [`${path}: expected a tag { Key, Value }`];
    case 'array':
      if (!Array.isArray(value)) return [`${path}: expected a list, got ${JSON.stringify(value)}`];
      return value.flatMap((item, i) => checkValue(item, type.element, `${path}[${i}]`));
    case 'map':
      if (!isObject(value)) return [`${path}: expected a map`];
      return Object.entries(value).flatMap(([k, v]) => checkValue(v, type.element, `${path}.${k}`));
    case 'union': {
      const results = type.types.map((t) => checkValue(value, t, path));
      return results.some((r) => r.length === 0) ? [] : [`${path}: fits none of ${typeName(type)}: ${results.flat().join('; ')}`];
    }
    case 'ref': {
      const definition: TypeDefinition = spec().get('typeDefinition', type.reference);
      if (!isObject(value)) return [`${path}: expected a ${definition.name} mapping, got ${JSON.stringify(value)}`];
      return checkProperties(value, definition.properties, `${path} (${definition.name})`);
    }
  }
}

function checkProperties(values: Record<string, Json>, properties: SpecResource['properties'], path: string): string[] {
  const errors: string[] = [];
  for (const [name, value] of Object.entries(values)) {
    const property = properties[name];
    if (!property) {
      errors.push(`${path}: unknown property ${name} (known: ${Object.keys(properties).sort().join(', ')})`);
      continue;
    }
    // A property fits its current type or, as CloudFormation still accepts them, one of its previous types.
    const candidates = [property.type, ...(property.previousTypes ?? [])];
    const results = candidates.map((t) => checkValue(value, t, `${path}.${name}`));
    if (!results.some((r) => r.length === 0)) errors.push(...results[0]!);
  }
  for (const [name, property] of Object.entries(properties)) {
    if (property.required && !(name in values)) errors.push(`${path}: required property ${name} is missing`);
  }
  return errors;
}

/** Every error of the template's resources against the specification. */
export function specErrors(template: Template): string[] {
  const errors: string[] = [];
  for (const [id, resource] of Object.entries(template.Resources)) {
    const model = specResource(resource.Type);
    if (!model) {
      errors.push(`${id}: unknown resource type ${resource.Type}`);
      continue;
    }
    errors.push(...checkProperties(resource.Properties ?? {}, model.properties, `${id} (${resource.Type})`));
  }
  return errors;
}

/** Attribute names of a resource type for Fn::GetAtt. */
export function attributesOf(type: string): string[] {
  return Object.keys(specResource(type)?.attributes ?? {});
}
