/**
 * The tree of a CloudWatch Logs filter pattern.
 *
 * The tree keeps only what changes what a pattern matches: quoting, spacing and redundant parentheses are gone,
 * and chains of the same boolean operator are flattened, so two spellings of one pattern give equal trees.
 */

/** One step of a property selector: `.name` or `['na.me']`, `[3]`, `.*`, `[*]`. */
export type SelectorSegment =
  | { kind: 'key'; name: string }
  | { kind: 'index'; index: number }
  | { kind: 'anyKey' }
  | { kind: 'anyIndex' };

export interface Selector {
  segments: SelectorSegment[];
}

/** A string value. A leading or trailing `*` is a wildcard; a `*` anywhere else is a literal character. */
export interface StringValue {
  kind: 'string';
  text: string;
}

export interface NumberValue {
  kind: 'number';
  value: number;
}

/** A `%...%` regular expression value; `source` is the text between the percent signs. */
export interface RegexValue {
  kind: 'regex';
  source: string;
}

export type Value = StringValue | NumberValue | RegexValue;

export type ComparisonOperator = '=' | '!=' | '<' | '>' | '<=' | '>=';

export type Condition =
  | { kind: 'compare'; selector: Selector; operator: ComparisonOperator; value: Value }
  | { kind: 'is'; selector: Selector; test: 'TRUE' | 'FALSE' | 'NULL' }
  | { kind: 'notExists'; selector: Selector };

export type Expression =
  | Condition
  | { kind: 'and'; operands: Expression[] }
  | { kind: 'or'; operands: Expression[] };

/** One term of an unstructured (term) pattern. */
export interface Term {
  /** `all`: must appear; `any`: `?term`, at least one of these must appear; `exclude`: `-term`, must not appear. */
  mode: 'all' | 'any' | 'exclude';
  text: string;
  regex: boolean;
}

export type FilterPattern =
  | { kind: 'json'; expression: Expression }
  /** Terms and phrases matched in the raw message; an empty term list is the empty pattern, which matches everything. */
  | { kind: 'terms'; terms: Term[] }
  /** A space-delimited `[...]` pattern: recognised, not evaluated. `text` is the pattern as written. */
  | { kind: 'delimited'; text: string };

export function isCondition(expression: Expression): expression is Condition {
  return expression.kind === 'compare' || expression.kind === 'is' || expression.kind === 'notExists';
}

export function selectorHasWildcard(selector: Selector): boolean {
  return selector.segments.some((s) => s.kind === 'anyKey' || s.kind === 'anyIndex');
}

/** All conditions of an expression, left to right. */
export function conditionsOf(expression: Expression): Condition[] {
  if (isCondition(expression)) return [expression];
  return expression.operands.flatMap(conditionsOf);
}
