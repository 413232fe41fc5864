/**
 * Evaluates a filter pattern against one log event, with the semantics AWS documents:
 * - matching is case-sensitive;
 * - `=` and `!=` apply to value nodes (strings and numbers); on an array, an object, a boolean, null or a missing
 *   field both fail ("both {$.users = 1} and {$.users != 1} will fail" when users is an array), so `!=` means
 *   "present and different";
 * - a leading or trailing `*` in a string value is a wildcard, a `*` elsewhere is literal, `*` alone matches any
 *   value node;
 * - numeric operators compare numerically (`10e3` equals 10000) and apply only when the field holds a number,
 *   or a string that is a number; otherwise the condition does not match;
 * - `%regex%` values match unanchored unless the regex uses `^` or `$`, in linear time (regex.ts);
 * - `IS TRUE`, `IS FALSE`, `IS NULL` test for exactly that JSON value; `NOT EXISTS` for absence;
 * - a wildcard selector (`$.*`, `[*]`) matches when any of the values it reaches satisfies the condition.
 * JSON patterns match only messages that are JSON objects; term patterns match raw message text.
 */
import type { Condition, Expression, FilterPattern, Selector, Term, Value } from './ast';
import { isCondition } from './ast';
import { regexMatches } from './regex';

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

/** A log event as TestMetricFilter takes it: a raw message, or (for convenience) an already-parsed JSON object. */
export type LogEvent = string | JsonObject;

/** Marks a selector that reaches no value. */
export const MISSING: unique symbol = Symbol('missing');
export type FieldValue = JsonValue | typeof MISSING;

const NUMERIC_TEXT = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;

function isObject(value: JsonValue): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The values a selector reaches in an event: one (or MISSING) for a plain selector, any number for a wildcard. */
export function resolveSelector(selector: Selector, root: JsonValue): FieldValue[] {
  let current: JsonValue[] = [root];
  for (const segment of selector.segments) {
    const next: JsonValue[] = [];
    for (const node of current) {
      switch (segment.kind) {
        case 'key':
          if (isObject(node) && Object.prototype.hasOwnProperty.call(node, segment.name)) next.push(node[segment.name]!);
          break;
        case 'index':
          if (Array.isArray(node) && segment.index < node.length) next.push(node[segment.index]!);
          break;
        case 'anyKey':
          if (isObject(node)) next.push(...Object.values(node));
          break;
        case 'anyIndex':
          if (Array.isArray(node)) next.push(...node);
          break;
      }
    }
    current = next;
  }
  return current.length === 0 ? [MISSING] : current;
}

/** Whether a string matches a filter-pattern string value, honouring a leading and a trailing `*`. */
export function matchesStringValue(pattern: string, actual: string): boolean {
  const leading = pattern.startsWith('*');
  const trailing = pattern.length > 1 && pattern.endsWith('*');
  const core = pattern.slice(leading ? 1 : 0, trailing ? -1 : undefined);
  if (leading && trailing) return actual.includes(core);
  if (leading) return actual.endsWith(core);
  if (trailing) return actual.startsWith(core);
  return actual === core;
}

function numericValue(value: string | number): number | undefined {
  if (typeof value === 'number') return value;
  return NUMERIC_TEXT.test(value) ? Number(value) : undefined;
}

function valueMatches(value: Value, actual: string | number): boolean {
  switch (value.kind) {
    case 'string':
      return matchesStringValue(value.text, String(actual));
    case 'regex':
      return regexMatches(value, value.source, String(actual));
    case 'number':
      return numericValue(actual) === value.value;
  }
}

/** Whether one condition holds for one value that its selector reached. */
export function conditionHolds(condition: Condition, actual: FieldValue): boolean {
  switch (condition.kind) {
    case 'notExists':
      return actual === MISSING;
    case 'is':
      return actual === (condition.test === 'TRUE' ? true : condition.test === 'FALSE' ? false : null);
    case 'compare': {
      if (typeof actual !== 'string' && typeof actual !== 'number') return false;
      const { operator, value } = condition;
      if (value.kind === 'number') {
        const n = numericValue(actual);
        if (n === undefined) return false;
        switch (operator) {
          case '=':
            return n === value.value;
          case '!=':
            return n !== value.value;
          case '<':
            return n < value.value;
          case '>':
            return n > value.value;
          case '<=':
            return n <= value.value;
          case '>=':
            return n >= value.value;
        }
      }
      const matched = valueMatches(value, actual);
      return operator === '=' ? matched : !matched;
    }
  }
}

export function evaluateExpression(expression: Expression, event: JsonObject): boolean {
  if (isCondition(expression)) {
    return resolveSelector(expression.selector, event).some((actual) => conditionHolds(expression, actual));
  }
  if (expression.kind === 'and') return expression.operands.every((o) => evaluateExpression(o, event));
  return expression.operands.some((o) => evaluateExpression(o, event));
}

function termAppears(term: Term, message: string): boolean {
  return term.regex ? regexMatches(term, term.text, message) : message.includes(term.text);
}

/**
 * Plain terms must all appear and `-` terms must not. `?` terms count only in a pattern without plain terms: the
 * unstructured-events page shows `?ERROR ?ARGUMENTS REQUEST` matching "[INFO] REQUEST FAILED".
 */
function termsMatch(terms: Term[], message: string): boolean {
  const required = terms.filter((t) => t.mode === 'all');
  const optional = terms.filter((t) => t.mode === 'any');
  return (
    required.every((t) => termAppears(t, message)) &&
    !terms.some((t) => t.mode === 'exclude' && termAppears(t, message)) &&
    (required.length > 0 || optional.length === 0 || optional.some((t) => termAppears(t, message)))
  );
}

function parseJsonObject(message: string): JsonObject | undefined {
  const trimmed = message.trim();
  if (!trimmed.startsWith('{')) return undefined;
  try {
    const parsed: unknown = JSON.parse(trimmed);
    return isObject(parsed as JsonValue) ? (parsed as JsonObject) : undefined;
  } catch {
    return undefined;
  }
}

export class UnsupportedPatternError extends Error {}

/**
 * Whether a pattern matches a log event. Space-delimited patterns are not evaluated: they throw
 * UnsupportedPatternError, since guessing their outcome could report a match AWS would not make.
 */
export function matchesLogEvent(pattern: FilterPattern, event: LogEvent): boolean {
  switch (pattern.kind) {
    case 'json': {
      const json = typeof event === 'string' ? parseJsonObject(event) : event;
      return json !== undefined && evaluateExpression(pattern.expression, json);
    }
    case 'terms':
      return termsMatch(pattern.terms, typeof event === 'string' ? event : JSON.stringify(event));
    case 'delimited':
      throw new UnsupportedPatternError('space-delimited [...] patterns are recognised but not evaluated by this tool');
  }
}
