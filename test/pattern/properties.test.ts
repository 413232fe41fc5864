/**
 * Property-based tests for the filter-pattern library: parser robustness, print/parse round trips, the
 * judge's independence from spelling, and the evaluator against an independent reference.
 *
 * Budgets (numRuns) are explicit so the whole file stays well under ~20 s on two cores.
 */
import fc from 'fast-check';
import type { ComparisonOperator, Condition, Expression, FilterPattern, SelectorSegment, Term, Value } from '../../rule/pattern/ast';
import { CIS_PATTERNS, UNAUTHORIZED_CALL_DEFINITION } from '../../rule/pattern/cis';
import type { JsonObject, JsonValue } from '../../rule/pattern/evaluate';
import { matchesLogEvent } from '../../rule/pattern/evaluate';
import { judgePattern, type JudgeOptions } from '../../rule/pattern/judge';
import { parseFilterPattern } from '../../rule/pattern/parser';
import { printCondition, printPattern } from '../../rule/pattern/printer';
import { regexSyntaxProblem } from '../../rule/pattern/regex';
import documented from '../fixtures/aws-documented-examples.json';

// ---------------------------------------------------------------------------------------------------------------
// Shared helpers
// ---------------------------------------------------------------------------------------------------------------

/** Characters the parser allows between `%` signs (parser.ts, REGEX_CHAR). */
const REGEX_CHARS = [...'ABCXYZabcxyz0123456789 :_#=@/;,-^$?[]{}|\\*+.'];

/** Regexes both engines take: RE2 (the parser's and evaluator's) and RegExp (the reference evaluator's below). */
function compiles(source: string): boolean {
  try {
    new RegExp(source);
  } catch {
    return false;
  }
  return regexSyntaxProblem(source) === undefined;
}

function isJsonObject(value: JsonValue): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function parseJson(text: string): Expression {
  const parsed = parseFilterPattern(text);
  if (!parsed.ok || parsed.pattern.kind !== 'json') throw new Error(`base pattern does not parse as JSON: ${text}`);
  return parsed.pattern.expression;
}

/** All conditions of a tree, left to right (written here rather than imported, to keep the test self-standing). */
function conditions(expression: Expression): Condition[] {
  return expression.kind === 'and' || expression.kind === 'or' ? expression.operands.flatMap(conditions) : [expression];
}

const CIS_TEXTS: string[] = Object.values(CIS_PATTERNS);

/** Patterns the AWS documentation prints (fixture), JSON and term ones alike: realistic seeds for mutation. */
const DOCUMENTED_PATTERNS: string[] = [...new Set(documented.cases.map((c) => c.pattern))];

// ---------------------------------------------------------------------------------------------------------------
// Arbitraries for pattern trees in the parser's normal form
// ---------------------------------------------------------------------------------------------------------------

interface TreeConfig {
  key: fc.Arbitrary<string>;
  index: fc.Arbitrary<number>;
  string: fc.Arbitrary<string>;
  number: fc.Arbitrary<number>;
  regex: fc.Arbitrary<string>;
  /**
   * Whether a selector may start with an index or `[*]` segment (`$.[0]`, `$.[*]`). The parser refuses these
   * (they have their own test below), so the general round trip leaves them out.
   */
  leadingIndex: boolean;
  maxDepth: number;
}

const MAX_WILDCARD_SELECTORS = 3;
const MAX_REGEXES = 2;

function segmentsArb(config: TreeConfig): fc.Arbitrary<SelectorSegment[]> {
  const key = config.key.map((name): SelectorSegment => ({ kind: 'key', name }));
  const index = config.index.map((i): SelectorSegment => ({ kind: 'index', index: i }));
  const first = config.leadingIndex ? fc.oneof(key, index) : key;
  // A wildcard is placed afterwards at one position, so a selector never holds more than one.
  const wildcard = fc.option(fc.tuple(fc.nat(), fc.boolean()), { nil: undefined });
  return fc.tuple(first, fc.array(fc.oneof(key, index), { maxLength: 2 }), wildcard).map(([head, rest, wild]) => {
    const segments = [head, ...rest];
    if (wild) {
      const at = wild[0] % segments.length;
      const anyIndex = wild[1] && (at > 0 || config.leadingIndex);
      segments[at] = anyIndex ? { kind: 'anyIndex' } : { kind: 'anyKey' };
    }
    return segments;
  });
}

function conditionArb(config: TreeConfig): fc.Arbitrary<Condition> {
  const selector = segmentsArb(config).map((segments) => ({ segments }));
  const stringValue = config.string.map((text): Value => ({ kind: 'string', text }));
  const numberValue = config.number.map((value): Value => ({ kind: 'number', value }));
  const regexValue = config.regex.map((source): Value => ({ kind: 'regex', source }));
  const equality = fc
    .tuple(selector, fc.constantFrom<ComparisonOperator>('=', '!='), fc.oneof(stringValue, numberValue, regexValue))
    .map(([sel, operator, value]): Condition => ({ kind: 'compare', selector: sel, operator, value }));
  // Ordering operators take numbers only: the parser rejects them with strings and regexes.
  const ordering = fc
    .tuple(selector, fc.constantFrom<ComparisonOperator>('<', '>', '<=', '>='), numberValue)
    .map(([sel, operator, value]): Condition => ({ kind: 'compare', selector: sel, operator, value }));
  const is = fc
    .tuple(selector, fc.constantFrom('TRUE' as const, 'FALSE' as const, 'NULL' as const))
    .map(([sel, test]): Condition => ({ kind: 'is', selector: sel, test }));
  const notExists = selector.map((sel): Condition => ({ kind: 'notExists', selector: sel }));
  return fc.oneof({ weight: 4, arbitrary: equality }, { weight: 2, arbitrary: ordering }, { weight: 1, arbitrary: is }, { weight: 1, arbitrary: notExists });
}

/**
 * The parser's quotas are per pattern (3 wildcard selectors, 2 regexes); rather than filtering (which would
 * discard most large trees), the excess is rewritten into plain key/index segments and string values.
 */
function withinQuotas(expression: Expression): Expression {
  let wildcards = 0;
  let regexes = 0;
  const fixCondition = (condition: Condition): Condition => {
    let selector = condition.selector;
    if (selector.segments.some((s) => s.kind === 'anyKey' || s.kind === 'anyIndex') && ++wildcards > MAX_WILDCARD_SELECTORS) {
      selector = {
        segments: selector.segments.map((s): SelectorSegment =>
          s.kind === 'anyKey' ? { kind: 'key', name: 'w' } : s.kind === 'anyIndex' ? { kind: 'index', index: 0 } : s,
        ),
      };
    }
    if (condition.kind === 'compare') {
      let value = condition.value;
      if (value.kind === 'regex' && ++regexes > MAX_REGEXES) value = { kind: 'string', text: value.source };
      return { ...condition, selector, value };
    }
    return { ...condition, selector };
  };
  const walk = (e: Expression): Expression =>
    e.kind === 'and' || e.kind === 'or' ? { kind: e.kind, operands: e.operands.map(walk) } : fixCondition(e);
  return walk(expression);
}

/** Trees in normal form: n-ary and/or with >= 2 operands, none of the same kind as its parent. */
function expressionArb(config: TreeConfig): fc.Arbitrary<Expression> {
  const depth = { maxDepth: config.maxDepth, depthIdentifier: fc.createDepthIdentifier(), withCrossShrink: true };
  const tree = fc.letrec<{ expr: Expression; and: Expression; or: Expression; cond: Condition }>((tie) => ({
    // The condition comes first in every oneof: at maxDepth fast-check falls back to the first option.
    expr: fc.oneof(depth, tie('cond'), tie('and'), tie('or')),
    and: fc
      .array(fc.oneof(depth, tie('cond'), tie('or')), { minLength: 2, maxLength: 3 })
      .map((operands): Expression => ({ kind: 'and', operands })),
    or: fc
      .array(fc.oneof(depth, tie('cond'), tie('and')), { minLength: 2, maxLength: 3 })
      .map((operands): Expression => ({ kind: 'or', operands })),
    cond: conditionArb(config),
  })).expr;
  return tree.map(withinQuotas);
}

/** Wide value domains, for the round trip: anything the printer must quote, escape or spell as a number. */
const WIDE: TreeConfig = {
  key: fc.oneof(
    fc.constantFrom('a', 'errorCode', 'x-y', '_z', '0', 'IS', 'a.b', 'na me', 'cluster.name', '*', 'x]y', '$', 'tab\tname', 'é'),
    // Names with a single quote are excluded: `['...']` has no escape, and the parser never yields such a name.
    fc.string({ minLength: 1, maxLength: 6 }).filter((s) => !s.includes("'")),
  ),
  index: fc.oneof(fc.nat(5), fc.nat()),
  string: fc.oneof(
    fc.constantFrom('', '*', '**', 'AccessDenied*', '*UnauthorizedOperation', '*mid*', 'a*b', 'say "hi"', 'back\\slash', '\\"', ' '),
    fc.string(),
    fc.string({ unit: fc.constantFrom('a', '*', '"', '\\', ' ', '\n', '%', "'") }),
    fc
      .tuple(fc.boolean(), fc.string({ maxLength: 4 }), fc.string({ maxLength: 4 }), fc.boolean())
      .map(([lead, a, b, trail]) => `${lead ? '*' : ''}${a}*${b}${trail ? '*' : ''}`),
  ),
  number: fc.oneof(
    fc.integer({ min: -1_000_000, max: 1_000_000 }),
    fc.double({ noNaN: true, noDefaultInfinity: true }),
    fc.constantFrom(-0, 0.5, -2.75, 10e3, 1e21, -1e-7, 123.456e-5, Number.MAX_VALUE, Number.MIN_VALUE),
  ),
  regex: fc.oneof(
    fc.constantFrom('^AccessDenied', 'Unauthorized$', '[0-9]{3}', 'a|b', '\\d+', '\\x28', 'a b', '.*'),
    fc.string({ unit: fc.constantFrom(...REGEX_CHARS), minLength: 1, maxLength: 10 }).filter(compiles),
  ),
  leadingIndex: false,
  maxDepth: 3,
};

const termArb: fc.Arbitrary<Term> = fc.oneof(
  fc
    .tuple(
      fc.constantFrom<Term['mode']>('all', 'any', 'exclude'),
      // A phrase of only whitespace is documented as no term at all (`" "` matches everything), so it cannot round-trip.
      fc.oneof(fc.string({ minLength: 1 }), fc.string({ unit: fc.constantFrom('a', '"', '\\', ' ', '?', '-', '%', '{') })).filter((s) => s.trim() !== ''),
    )
    .map(([mode, text]): Term => ({ mode, text, regex: false })),
  fc.tuple(fc.constantFrom<Term['mode']>('all', 'any', 'exclude'), WIDE.regex).map(([mode, text]): Term => ({ mode, text, regex: true })),
);

const termsPatternArb: fc.Arbitrary<FilterPattern> = fc.array(termArb, { maxLength: 5 }).map((terms) => {
  let regexes = 0;
  // Same regex quota as JSON patterns: drop the excess (demoting could leave a blank phrase, which is no term).
  return { kind: 'terms', terms: terms.filter((t) => !t.regex || ++regexes <= MAX_REGEXES) };
});

const jsonPatternTextArb: fc.Arbitrary<string> = expressionArb(WIDE).map((expression) => printPattern({ kind: 'json', expression }));

// ---------------------------------------------------------------------------------------------------------------
// 1. The parser never throws
// ---------------------------------------------------------------------------------------------------------------

/** Fragments of the grammar, so random soups reach past the first character of the parser. */
const SYNTAX_PIECES = [
  '{', '}', '(', ')', '[', ']', '$', '$.', '.', '*', '&&', '||', '&', '|', '=', '!=', '==', '!', '<', '>', '<=', '>=', '<>',
  '"', '\\', "'", '%', ' ', '\t', '\n', '?', '-', '+', 'e', 'IS', 'NOT', 'EXISTS', 'TRUE', 'null', 'a', 'errorCode', '0', '12', '1e999', '.5',
];

const MUTATION_CHARS = fc.oneof(fc.constantFrom(...SYNTAX_PIECES.filter((p) => p.length === 1)), fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }));

type Mutation = { op: 'insert' | 'delete' | 'replace'; at: number; ch: string };

function mutate(text: string, mutations: Mutation[]): string {
  let out = text;
  for (const { op, at, ch } of mutations) {
    const i = out.length === 0 ? 0 : at % (op === 'insert' ? out.length + 1 : out.length);
    if (op === 'insert') out = out.slice(0, i) + ch + out.slice(i);
    else if (op === 'delete') out = out.slice(0, i) + out.slice(i + 1);
    else out = out.slice(0, i) + ch + out.slice(i + 1);
  }
  return out;
}

const mutationArb: fc.Arbitrary<Mutation> = fc.record({ op: fc.constantFrom('insert' as const, 'delete' as const, 'replace' as const), at: fc.nat(), ch: MUTATION_CHARS });

function mutatedArb(base: fc.Arbitrary<string>): fc.Arbitrary<string> {
  return fc.tuple(base, fc.array(mutationArb, { minLength: 1, maxLength: 3 })).map(([text, ms]) => mutate(text, ms));
}

function expectWellFormedResult(text: string): void {
  const result = parseFilterPattern(text); // a throw here fails the property, which is the point
  if (result.ok) return;
  const { position, message, fix } = result.error;
  expect(Number.isInteger(position)).toBe(true);
  expect(position).toBeGreaterThanOrEqual(0);
  expect(position).toBeLessThanOrEqual(text.length);
  expect(message.trim()).not.toBe('');
  expect(fix.trim()).not.toBe('');
}

describe('parseFilterPattern on arbitrary input', () => {
  it('returns ok or a located, explained error, and never throws', () => {
    const inputs = fc.oneof(
      fc.string(),
      fc.string({ unit: 'grapheme' }),
      fc.string({ unit: 'binary' }),
      fc.array(fc.constantFrom(...SYNTAX_PIECES), { maxLength: 40 }).map((p) => p.join('')),
      fc.array(fc.constantFrom(...SYNTAX_PIECES), { maxLength: 40 }).map((p) => `{ ${p.join('')}`),
      mutatedArb(fc.constantFrom(...CIS_TEXTS, UNAUTHORIZED_CALL_DEFINITION, ...DOCUMENTED_PATTERNS)),
      mutatedArb(jsonPatternTextArb),
      mutatedArb(termsPatternArb.map(printPattern)),
      // Around the 1024-character limit.
      fc.string({ minLength: 1000, maxLength: 1100 }),
    );
    fc.assert(fc.property(inputs, expectWellFormedResult), { numRuns: 4000 });
  });
});

// ---------------------------------------------------------------------------------------------------------------
// 2. Printing then parsing gives back the same tree
// ---------------------------------------------------------------------------------------------------------------

function expectRoundTrip(pattern: FilterPattern): void {
  const text = printPattern(pattern);
  const reparsed = parseFilterPattern(text);
  if (!reparsed.ok) throw new Error(`printed text does not parse: ${text} (${reparsed.error.message})`);
  expect(reparsed.pattern).toEqual(pattern); // toEqual tells -0 from 0, which the printer takes care of
}

describe('printPattern', () => {
  it('prints JSON trees that parse back to the same tree', () => {
    fc.assert(
      fc.property(expressionArb(WIDE), (expression) => expectRoundTrip({ kind: 'json', expression })),
      { numRuns: 2000 },
    );
  });

  it('prints term patterns that parse back to the same terms', () => {
    fc.assert(fc.property(termsPatternArb, expectRoundTrip), { numRuns: 1000 });
  });

  // A selector starting with an index (`$.[0]`) or an index beyond 2^53 cannot be printed back, so the parser
  // refuses them with a fix; every selector it does accept must print back to the same tree.
  it('accepts only selectors it can print back, and says how to fix the others', () => {
    const config: TreeConfig = { ...WIDE, leadingIndex: true, index: fc.oneof(fc.nat(3), fc.constantFrom(2 ** 53, 1e21, 1e25)) };
    fc.assert(
      fc.property(segmentsArb(config), (segments) => {
        const parsed = parseFilterPattern(`{ $${userSpelling(segments)} = 1 }`);
        if (parsed.ok) expectRoundTrip(parsed.pattern);
        else expect(parsed.error.fix.length).toBeGreaterThan(0);
      }),
      { numRuns: 200 },
    );
  });
});

/** Spells a selector the way a user could (`$.[0]`, indexes in plain digits), independently of the printer. */
function userSpelling(segments: SelectorSegment[]): string {
  return segments
    .map((s, i) => {
      const dot = i === 0 ? '.' : ''; // every selector starts with `$.`
      switch (s.kind) {
        case 'key':
          return /^[A-Za-z0-9_-]+$/.test(s.name) ? `.${s.name}` : `.['${s.name}']`;
        case 'index':
          return `${dot}[${BigInt(s.index).toString()}]`;
        case 'anyKey':
          return '.*';
        case 'anyIndex':
          return `${dot}[*]`;
      }
    })
    .join('');
}

// ---------------------------------------------------------------------------------------------------------------
// 3. Verdicts do not depend on operand order, spacing or redundant parentheses
// ---------------------------------------------------------------------------------------------------------------

const JUDGE_BASES: string[] = [
  ...CIS_TEXTS, // includes the broken all-|| cis-1.3 text
  UNAUTHORIZED_CALL_DEFINITION, // the fully parenthesised (A || B) && C && D form
  '{ $.errorCode = "AccessDenied*" }',
  '{ ($.errorCode = "*UnauthorizedOperation") && ($.errorCode = "AccessDenied*") }',
  '{ ($.errorCode = "*UnauthorizedOperation" || $.errorCode = "AccessDenied*") && $.sourceIPAddress != "delivery.logs.amazonaws.com" }',
  '{ $.errorCode = "*UnauthorizedOperation" || $.errorCode = "AccessDenied*" || $.eventName = "ConsoleLogin" }',
  '{ $.errorCode = * }',
  '{ $.errorcode = "*UnauthorizedOperation" || $.errorcode = "AccessDenied*" }',
  '{ $.errorCode NOT EXISTS && $.eventName = "HeadBucket" }',
];

/** Random choices drawn through fast-check, so that failures shrink and replay. */
type Gen = fc.GeneratorValue;

function permuteOperands(expression: Expression, g: Gen): Expression {
  if (expression.kind !== 'and' && expression.kind !== 'or') return expression;
  const operands = expression.operands.map((o) => permuteOperands(o, g));
  for (let i = operands.length - 1; i > 0; i--) {
    const j = g(fc.nat, i);
    [operands[i], operands[j]] = [operands[j]!, operands[i]!];
  }
  return { kind: expression.kind, operands };
}

/** Like printExpression, but may wrap any subexpression in (possibly nested) redundant parentheses. */
function printWithParens(expression: Expression, g: Gen): string {
  const wrap = (text: string): string => {
    const extra = g(fc.nat, 2) === 0 ? g(fc.integer, { min: 1, max: 2 }) : 0;
    return '('.repeat(extra) + text + ')'.repeat(extra);
  };
  if (expression.kind === 'or') return wrap(expression.operands.map((o) => printWithParens(o, g)).join(' || '));
  if (expression.kind === 'and') {
    // `||` inside `&&` needs its parentheses; everything else gets them only at random.
    return wrap(expression.operands.map((o) => (o.kind === 'or' ? `(${printWithParens(o, g)})` : printWithParens(o, g))).join(' && '));
  }
  return wrap(printCondition(expression));
}

const WHITESPACE_CHARS = [' ', '\t', '\n', '\r'];
const TWO_CHAR_TOKENS = ['&&', '||', '!=', '<=', '>='];
const ONE_CHAR_TOKENS = '{}()=<>';

/**
 * Re-spaces a JSON pattern without a tokenizer: drops whitespace next to punctuation, then inserts random runs of
 * spaces, tabs and newlines around `{ } ( ) && || = != < > <= >=`. Double-quoted strings, `%regex%` and `['name']`
 * are copied verbatim, since whitespace there is part of the value.
 */
function respace(text: string, g: Gen): string {
  const ws = (): string => g(fc.array, fc.constantFrom(...WHITESPACE_CHARS), { maxLength: 3 }).join('');
  let out = '';
  let i = 0;
  const copyUntil = (close: string, escapes: boolean): void => {
    out += text[i++];
    while (i < text.length && text[i] !== close) {
      if (escapes && text[i] === '\\') out += text[i++];
      out += text[i++] ?? '';
    }
    out += text[i++] ?? '';
  };
  while (i < text.length) {
    const ch = text[i]!;
    if (ch === '"') copyUntil('"', true);
    else if (ch === '%') copyUntil('%', false);
    else if (ch === "'") copyUntil("'", false);
    else if (/\s/.test(ch)) {
      // Keep one space only where two words would otherwise merge (`$.a IS TRUE`); `$.a="x"&&` parses as is.
      while (i < text.length && /\s/.test(text[i]!)) i++;
      const before = out[out.length - 1] ?? '';
      const after = text[i] ?? '';
      if (/[A-Za-z0-9_.*\]-]/.test(before) && /[A-Za-z0-9_.*$-]/.test(after)) out += ' ';
    } else {
      const two = text.slice(i, i + 2);
      const token = TWO_CHAR_TOKENS.includes(two) ? two : ONE_CHAR_TOKENS.includes(ch) ? ch : undefined;
      if (token) {
        out += ws() + token + ws();
        i += token.length;
      } else out += text[i++];
    }
  }
  return out;
}

/** The kind of a verdict's reason: the words before the first ':' (details after it name records and branches). */
function reasonKind(reason: string): string {
  return reason.split(':')[0]!;
}

describe('judgePattern', () => {
  const bases = JUDGE_BASES.map((text) => ({ text, expression: parseJson(text) }));
  const options: JudgeOptions[] = [{}, { ceiling: false }];
  const expected = new Map(
    bases.flatMap(({ text }) => options.map((o) => [`${text}|${JSON.stringify(o)}`, judgePattern(text, o)] as const)),
  );

  it('gives the same verdict whatever the operand order, spacing and redundant parentheses', () => {
    fc.assert(
      fc.property(fc.constantFrom(...bases), fc.constantFrom(...options), fc.gen(), ({ text, expression }, option, g) => {
        const variant = respace(`{${printWithParens(permuteOperands(expression, g), g)}}`, g);
        const before = expected.get(`${text}|${JSON.stringify(option)}`)!;
        const after = judgePattern(variant, option);
        expect({ variant, valid: after.valid, accepted: after.accepted, kind: reasonKind(after.reason), same: after.sameMatchesAs }).toEqual({
          variant,
          valid: before.valid,
          accepted: before.accepted,
          kind: reasonKind(before.reason),
          same: before.sameMatchesAs,
        });
      }),
      { numRuns: 400 },
    );
  });
});

// ---------------------------------------------------------------------------------------------------------------
// 4. The evaluator agrees with a simple reference evaluator
// ---------------------------------------------------------------------------------------------------------------

/*
 * The reference implements the semantics documented at the top of evaluate.ts, written for clarity rather than
 * speed and without the library's helpers:
 * - a selector reaches a list of values; wildcards reach every child; an empty list means "absent";
 * - NOT EXISTS: nothing reached; IS TRUE/FALSE/NULL: some reached value is exactly that JSON value;
 * - a comparison holds when some reached value satisfies it; only strings and numbers can satisfy one;
 * - a number value makes the comparison numeric (`10e3` = 10000), on numbers and numeric strings only
 *   (so `!= 5` does not hold for "abc": numeric operators "apply only when the field holds a number");
 * - string values are exact, with a leading and/or trailing `*` as wildcard (`*` alone: any value node);
 *   regex values are unanchored; both test String(value); `!=` is the negation on a value node.
 */

const REFERENCE_NUMERIC = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;

function referenceReach(segments: SelectorSegment[], node: JsonValue): JsonValue[] {
  if (segments.length === 0) return [node];
  const [head, ...rest] = segments as [SelectorSegment, ...SelectorSegment[]];
  let children: JsonValue[] = [];
  if (head.kind === 'key' && isJsonObject(node) && Object.keys(node).includes(head.name)) children = [node[head.name]!];
  if (head.kind === 'index' && Array.isArray(node) && head.index < node.length) children = [node[head.index]!];
  if (head.kind === 'anyKey' && isJsonObject(node)) children = Object.keys(node).map((k) => node[k]!);
  if (head.kind === 'anyIndex' && Array.isArray(node)) children = node;
  return children.flatMap((child) => referenceReach(rest, child));
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** A string value as an anchored regex: `*` at either end becomes "anything", every other character is literal. */
function referenceStringMatches(pattern: string, actual: string): boolean {
  const leading = pattern.startsWith('*');
  const trailing = pattern.endsWith('*') && pattern.length >= 2;
  const core = pattern.slice(leading ? 1 : 0, pattern.length - (trailing ? 1 : 0));
  return new RegExp(`^${leading ? '[\\s\\S]*' : ''}${escapeRegExp(core)}${trailing ? '[\\s\\S]*' : ''}$`).test(actual);
}

function referenceCompare(operator: ComparisonOperator, value: Value, actual: JsonValue): boolean {
  if (typeof actual !== 'string' && typeof actual !== 'number') return false;
  if (value.kind === 'number') {
    if (typeof actual === 'string' && !REFERENCE_NUMERIC.test(actual)) return false;
    const n = Number(actual);
    const bound = value.value;
    return { '=': n === bound, '!=': n !== bound, '<': n < bound, '>': n > bound, '<=': n <= bound, '>=': n >= bound }[operator];
  }
  const matched = value.kind === 'regex' ? new RegExp(value.source).test(String(actual)) : referenceStringMatches(value.text, String(actual));
  if (operator === '=') return matched;
  if (operator === '!=') return !matched;
  return false; // the parser never builds ordering operators with strings or regexes
}

function referenceEvaluate(expression: Expression, event: JsonObject): boolean {
  switch (expression.kind) {
    case 'and':
      return expression.operands.every((o) => referenceEvaluate(o, event));
    case 'or':
      return expression.operands.some((o) => referenceEvaluate(o, event));
    case 'notExists':
      return referenceReach(expression.selector.segments, event).length === 0;
    case 'is': {
      const wanted = { TRUE: true, FALSE: false, NULL: null }[expression.test];
      return referenceReach(expression.selector.segments, event).some((v) => v === wanted);
    }
    case 'compare':
      return referenceReach(expression.selector.segments, event).some((v) => referenceCompare(expression.operator, expression.value, v));
  }
}

/** Narrow domains, so that generated events often hold exactly what the pattern asks about. */
const NARROW: TreeConfig = {
  key: fc.constantFrom('a', 'b', 'c', 'a.b'),
  index: fc.nat(2),
  string: fc.constantFrom('x', 'Ab', 'x*', '*x', '*x*', 'a*b', '*', '**', '5', '', 'x y'),
  number: fc.constantFrom(0, 1, -1, 2.5, 10000, -0.5, 1e21),
  regex: fc.constantFrom('x', '^A', 'b$', '[0-9]+', 'a|b', '^$', 'x*y', '\\d'),
  leadingIndex: false, // `$.[0]` on an object root always reaches nothing: a waste of runs here
  maxDepth: 2,
};

/** Values an atom is about, and near misses of them. */
function valuesAround(condition: Condition): JsonValue[] {
  if (condition.kind === 'is') return [true, false, null];
  if (condition.kind === 'notExists') return [null];
  const { value } = condition;
  switch (value.kind) {
    case 'string': {
      const core = value.text.replace(/^\*/, '').replace(/\*$/, '');
      return [value.text, core, `Z${core}`, `${core}Z`, `Z${core}Z`, core.toUpperCase(), Number(core) || 0];
    }
    case 'number': {
      const v = value.value;
      return [v, -v, v + 1, v - 0.5, String(v), v.toExponential(), `${v}.`, ` ${v}`, `${v}x`];
    }
    case 'regex': {
      const literal = value.source.replace(/[^A-Za-z0-9 ]/g, '');
      return [literal, `${literal}${literal}`, `q${literal}`, 'A', 'b', 'xy', '123', ''];
    }
  }
}

const NOISE_LEAVES: JsonValue[] = [null, true, false, 0, 5, -1, 10000, '5', '10e3', '-1.5', '.5', '5.', '1e400', ' 5', '0x10', 'abc', 'x', ''];

const noiseArb: fc.Arbitrary<JsonValue> = fc.letrec<{ value: JsonValue }>((tie) => ({
  value: fc.oneof(
    { maxDepth: 2, depthIdentifier: 'noise' },
    fc.constantFrom(...NOISE_LEAVES),
    fc.array(tie('value'), { maxLength: 3 }),
    fc.dictionary(fc.constantFrom('a', 'b', 'c', 'a.b', 'z'), tie('value'), { maxKeys: 3 }),
  ),
})).value;

/** Puts `value` at a concrete path, creating containers on the way; gives up where the path cannot exist. */
function setPath(root: JsonObject, path: SelectorSegment[], value: JsonValue): void {
  let node: JsonValue = root;
  for (let i = 0; i < path.length; i++) {
    const segment = path[i]!;
    const next = path[i + 1];
    const fits = (child: JsonValue | undefined): child is JsonValue =>
      child !== undefined && (next?.kind === 'index' ? Array.isArray(child) : isJsonObject(child));
    const fresh = (): JsonValue => (next?.kind === 'index' ? [] : {});
    if (segment.kind === 'key' && isJsonObject(node)) {
      if (next === undefined) node[segment.name] = value;
      else if (!fits(node[segment.name])) node[segment.name] = fresh();
      node = node[segment.name]!;
    } else if (segment.kind === 'index' && Array.isArray(node)) {
      while (node.length < segment.index) node.push(null);
      if (next === undefined) node[segment.index] = value;
      else if (!fits(node[segment.index])) node[segment.index] = fresh();
      node = node[segment.index]!;
    } else return; // the path runs through a value of the wrong type (or starts with an index on the object root)
  }
}

interface Placement {
  condition: number;
  value: JsonValue;
  /** Picks the key or index a wildcard segment stands for. */
  choice: number;
}

function buildEvent(expression: Expression, base: JsonValue, placements: Placement[]): JsonObject {
  const conds = conditions(expression);
  const event: JsonObject = isJsonObject(base) ? structuredClone(base) : {};
  for (const { condition, value, choice } of placements) {
    const segments = conds[condition % conds.length]!.selector.segments;
    const path = segments.map(
      (s): SelectorSegment =>
        s.kind === 'anyKey' ? { kind: 'key', name: ['a', 'b', 'z'][choice % 3]! } : s.kind === 'anyIndex' ? { kind: 'index', index: choice % 3 } : s,
    );
    setPath(event, path, value);
  }
  return event;
}

const patternAndEventArb = expressionArb(NARROW).chain((expression) => {
  const pool = [...new Set(conditions(expression).flatMap(valuesAround))];
  const value = fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom(...pool) },
    { weight: 1, arbitrary: noiseArb },
    { weight: 1, arbitrary: fc.constantFrom(...pool).map((v): JsonValue => [v]) },
  );
  const placement = fc.record({ condition: fc.nat(), value, choice: fc.nat() });
  return fc
    .tuple(fc.constant(expression), noiseArb, fc.array(placement, { maxLength: 8 }))
    .map(([e, base, placements]) => ({ expression: e, event: buildEvent(e, base, placements) }));
});

describe('matchesLogEvent', () => {
  it('reference evaluator agrees with the documented AWS examples (sanity check of the reference itself)', () => {
    const events = documented.events as Record<string, JsonValue>;
    for (const c of documented.cases) {
      const event = events[c.event ?? ''];
      if (!c.pattern.trim().startsWith('{') || event === undefined || !isJsonObject(event)) continue;
      expect({ pattern: c.pattern, matches: referenceEvaluate(parseJson(c.pattern), event) }).toEqual({ pattern: c.pattern, matches: c.matches });
    }
  });

  it('agrees with the reference evaluator, on objects and on their JSON text', () => {
    fc.assert(
      fc.property(patternAndEventArb, ({ expression, event }) => {
        const pattern: FilterPattern = { kind: 'json', expression };
        const expected = referenceEvaluate(expression, event);
        expect(matchesLogEvent(pattern, event)).toBe(expected);
        expect(matchesLogEvent(pattern, JSON.stringify(event))).toBe(expected);
      }),
      { numRuns: 3000 },
    );
  });
});
