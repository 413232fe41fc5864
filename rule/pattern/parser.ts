/**
 * Parser for the CloudWatch Logs filter-pattern syntax, as documented in "Filter pattern syntax for metric filters,
 * subscription filters, filter log events, and Live Tail" and its pages on JSON, unstructured and regex patterns.
 *
 * JSON patterns are parsed completely. Term patterns are parsed into terms so that they can be evaluated against
 * raw messages; space-delimited `[...]` patterns are only recognised. Every error names its position (0-based
 * character offset) and says how to fix it.
 */
import type {
  ComparisonOperator,
  Condition,
  Expression,
  FilterPattern,
  Selector,
  SelectorSegment,
  Term,
  Value,
} from './ast';
import { selectorHasWildcard } from './ast';
import { MAX_REGEX_REPETITIONS, regexSyntaxProblem, repetitionsOf } from './regex';

/** `filterPattern` is 0 to 1024 characters (PutMetricFilter, TestMetricFilter). */
export const MAX_PATTERN_LENGTH = 1024;
/** At most two regular expressions per filter pattern (regex page, "Quotas"). */
export const MAX_REGEXES = 2;
/** At most three wildcard selectors per compound JSON pattern, one per property selector. */
export const MAX_WILDCARD_SELECTORS = 3;

export interface PatternError {
  /** 0-based character offset in the pattern text where the problem was found. */
  position: number;
  message: string;
  /** How to fix it, in plain words. */
  fix: string;
}

export type ParseResult = { ok: true; pattern: FilterPattern } | { ok: false; error: PatternError };

class PatternSyntaxError extends Error {
  constructor(readonly detail: PatternError) {
    super(detail.message);
  }
}

const NAME_CHAR = /[A-Za-z0-9_-]/;
const WHITESPACE = /[ \t\r\n]/;
/** Characters allowed in an unquoted value. AWS's own examples leave IP prefixes and hostnames bare. */
const BARE_VALUE_CHAR = /[A-Za-z0-9_.*:/+-]/;
const NUMBER = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;
/**
 * Characters an unquoted term may hold. "Metric filter terms that include characters other than alphanumeric or
 * underscore must be placed inside double quotes" (FilterAndPatternSyntax, "Matching Terms in Log Events",
 * awsdocs/amazon-cloudwatch-logs-user-guide); the regex page defines alphanumeric as A-Z, a-z and 0-9.
 */
const BARE_TERM_CHAR = /[A-Za-z0-9_]/;
/** Characters the regex page allows between the percent signs, plus the space its own examples use. */
const REGEX_CHAR = /^[A-Za-z0-9 :_#=@/;,\-^$?[\]{}|\\*+.]$/;

export function formatPatternError(error: PatternError): string {
  return `at character ${error.position + 1}: ${error.message}; ${error.fix}`;
}

export function parseFilterPattern(text: string): ParseResult {
  try {
    return { ok: true, pattern: parseOrThrow(text) };
  } catch (e) {
    if (e instanceof PatternSyntaxError) return { ok: false, error: e.detail };
    throw e;
  }
}

function fail(position: number, message: string, fix: string): never {
  throw new PatternSyntaxError({ position, message, fix });
}

function parseOrThrow(text: string): FilterPattern {
  if (text.length > MAX_PATTERN_LENGTH) {
    fail(
      MAX_PATTERN_LENGTH,
      `the pattern is ${text.length} characters long, over CloudWatch Logs' limit of ${MAX_PATTERN_LENGTH}`,
      'shorten it',
    );
  }
  rejectLookalikes(text);
  const start = skipWhitespace(text, 0);
  if (text[start] === '{') return new JsonPatternParser(text, start).parse();
  if (text[start] === '[') return { kind: 'delimited', text };
  return { kind: 'terms', terms: parseTerms(text) };
}

function skipWhitespace(text: string, from: number): number {
  let i = from;
  while (i < text.length && WHITESPACE.test(text[i]!)) i++;
  return i;
}

/**
 * Characters that look like a space or like nothing: Unicode spaces, line and paragraph separators, format
 * characters (zero-width, bidi controls, BOM) and control characters. AWS's pages show patterns separated by
 * plain spaces, tabs and line breaks only and say nothing of other whitespace, so we accept those four and
 * report any other one by name (outside double-quoted strings, where a character is literal content to match).
 */
const LOOKALIKE = /[\p{Zs}\p{Zl}\p{Zp}\p{Cf}\p{Cc}]/u;
const SPACE_LIKE = /[\p{Zs}\p{Zl}\p{Zp}\v\f\u0085]/u;

/** Unicode names of the look-alike characters met in pasted patterns. */
const CHARACTER_NAMES: Record<number, string> = {
  0x0b: 'LINE TABULATION',
  0x0c: 'FORM FEED',
  0x85: 'NEXT LINE',
  0xa0: 'NO-BREAK SPACE',
  0xad: 'SOFT HYPHEN',
  0x1680: 'OGHAM SPACE MARK',
  0x180e: 'MONGOLIAN VOWEL SEPARATOR',
  0x2000: 'EN QUAD',
  0x2001: 'EM QUAD',
  0x2002: 'EN SPACE',
  0x2003: 'EM SPACE',
  0x2004: 'THREE-PER-EM SPACE',
  0x2005: 'FOUR-PER-EM SPACE',
  0x2006: 'SIX-PER-EM SPACE',
  0x2007: 'FIGURE SPACE',
  0x2008: 'PUNCTUATION SPACE',
  0x2009: 'THIN SPACE',
  0x200a: 'HAIR SPACE',
  0x200b: 'ZERO WIDTH SPACE',
  0x200c: 'ZERO WIDTH NON-JOINER',
  0x200d: 'ZERO WIDTH JOINER',
  0x200e: 'LEFT-TO-RIGHT MARK',
  0x200f: 'RIGHT-TO-LEFT MARK',
  0x2028: 'LINE SEPARATOR',
  0x2029: 'PARAGRAPH SEPARATOR',
  0x202a: 'LEFT-TO-RIGHT EMBEDDING',
  0x202b: 'RIGHT-TO-LEFT EMBEDDING',
  0x202c: 'POP DIRECTIONAL FORMATTING',
  0x202d: 'LEFT-TO-RIGHT OVERRIDE',
  0x202e: 'RIGHT-TO-LEFT OVERRIDE',
  0x202f: 'NARROW NO-BREAK SPACE',
  0x205f: 'MEDIUM MATHEMATICAL SPACE',
  0x2060: 'WORD JOINER',
  0x2066: 'LEFT-TO-RIGHT ISOLATE',
  0x2067: 'RIGHT-TO-LEFT ISOLATE',
  0x2068: 'FIRST STRONG ISOLATE',
  0x2069: 'POP DIRECTIONAL ISOLATE',
  0x3000: 'IDEOGRAPHIC SPACE',
  0xfeff: 'ZERO WIDTH NO-BREAK SPACE',
};

function isLookalike(ch: string): boolean {
  return !WHITESPACE.test(ch) && LOOKALIKE.test(ch);
}

/** "U+00A0 NO-BREAK SPACE"; the code point alone for characters without a name here. */
function characterName(ch: string): string {
  const code = ch.codePointAt(0)!;
  const name = CHARACTER_NAMES[code];
  return `U+${code.toString(16).toUpperCase().padStart(4, '0')}${name === undefined ? '' : ` ${name}`}`;
}

function describeChar(ch: string | undefined): string {
  if (ch === undefined) return 'the end of the pattern';
  return isLookalike(ch) ? characterName(ch) : `'${ch}'`;
}

/** Fails at the first look-alike space or invisible character outside a double-quoted string. */
function rejectLookalikes(text: string): void {
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = String.fromCodePoint(text.codePointAt(i)!);
    if (quoted && ch === '\\') {
      i++;
      continue;
    }
    if (ch === '"') quoted = !quoted;
    if (quoted || !isLookalike(ch)) {
      i += ch.length - 1; // past the second half of a surrogate pair
      continue;
    }
    if (SPACE_LIKE.test(ch)) fail(i, `${characterName(ch)} is not a space CloudWatch Logs accepts`, 'type a plain space');
    fail(i, `${characterName(ch)} is an invisible character CloudWatch Logs does not accept`, 'delete it');
  }
}

function checkRegex(source: string, position: number): void {
  if (source.length === 0) fail(position, 'the regular expression between % and % is empty', 'write a regex between the percent signs, or remove them');
  for (let i = 0; i < source.length; i++) {
    const ch = source[i]!;
    if (ch === '(' || ch === ')') {
      fail(
        position + 1 + i,
        'parentheses are not supported in filter-pattern regular expressions',
        'remove the group, or write the character as \\x28 or \\x29',
      );
    }
    if (!REGEX_CHAR.test(ch)) {
      fail(
        position + 1 + i,
        `${describeChar(ch)} is not allowed in a filter-pattern regular expression`,
        'use only letters, digits, spaces, : _ # = @ / ; , - and the operators ^ $ ? [ ] { } | \\ * + .',
      );
    }
  }
  // Checked before compiling: RE2 compiles each repetition into its own instructions.
  const repetitions = repetitionsOf(source);
  if (repetitions > MAX_REGEX_REPETITIONS) {
    fail(
      position,
      `%${source}% repeats items ${repetitions} times in all, more than the ${MAX_REGEX_REPETITIONS} this tool can check`,
      'use smaller repeat counts, or + and * instead',
    );
  }
  const problem = regexSyntaxProblem(source);
  if (problem !== undefined) {
    fail(position, `%${source}% is not a valid regular expression (${problem})`, 'check its brackets, braces and escapes');
  }
}

/** Reads a double-quoted string starting at `from` (which holds the opening quote). */
function readQuoted(text: string, from: number): { value: string; end: number } {
  let value = '';
  let i = from + 1;
  while (i < text.length) {
    const ch = text[i]!;
    if (ch === '"') return { value, end: i + 1 };
    if (ch === '\\' && (text[i + 1] === '"' || text[i + 1] === '\\')) {
      value += text[i + 1];
      i += 2;
      continue;
    }
    value += ch;
    i++;
  }
  return fail(from, 'this double-quoted string is never closed', 'add the closing double quote');
}

/** Reads a `%regex%` starting at `from` (which holds the opening percent sign). */
function readRegex(text: string, from: number): { source: string; end: number } {
  const close = text.indexOf('%', from + 1);
  if (close < 0) fail(from, 'this regular expression is never closed', 'end it with a second % sign');
  const source = text.slice(from + 1, close);
  checkRegex(source, from);
  return { source, end: close + 1 };
}

/**
 * A term pattern whose text reads as JSON conditions (`$.errorCode = "AccessDenied*"`, `a && b`) lost its braces:
 * CloudWatch Logs would take it for words to find, so say what was meant rather than judge it as words.
 */
function rejectJsonWithoutBraces(text: string): void {
  // Phrases and regexes are text to find: a `$.` or `||` inside them says nothing about the pattern.
  const unquoted = text.replace(/"(?:[^"\\]|\\.)*"?|%[^%]*%?/g, (q) => ' '.repeat(q.length));
  const selector = unquoted.search(/\$[.[]/);
  if (selector >= 0) {
    const wrapped = text.trim().length <= 80 ? `{ ${text.trim()} }` : '{ $.errorCode = "AccessDenied*" }';
    fail(selector, 'JSON conditions go inside { }; without the braces this is read as a term pattern', `wrap JSON conditions in { }, as in ${wrapped}`);
  }
  const operator = unquoted.search(/&&|\|\|/);
  if (operator >= 0) {
    const op = unquoted.slice(operator, operator + 2);
    fail(
      operator,
      `'${op}' joins conditions only inside a JSON pattern`,
      op === '&&'
        ? 'wrap JSON conditions in { }; in a term pattern, terms separated by spaces must all appear'
        : 'wrap JSON conditions in { }; in a term pattern, write ?term for each of several terms any of which may appear',
    );
  }
}

function parseTerms(text: string): Term[] {
  rejectJsonWithoutBraces(text);
  const terms: Term[] = [];
  let regexes = 0;
  let i = skipWhitespace(text, 0);
  while (i < text.length) {
    let mode: Term['mode'] = 'all';
    if (text[i] === '?' || text[i] === '-') {
      mode = text[i] === '?' ? 'any' : 'exclude';
      i++;
    }
    const ch = text[i];
    if (ch === undefined || WHITESPACE.test(ch)) {
      fail(i, `a term is missing after '${text[i - 1]}'`, 'write the term right after the sign, without a space');
    }
    if (ch === "'") {
      fail(i, 'single quotes are not string delimiters in filter patterns', 'use double quotes');
    }
    if (ch === '"') {
      const { value, end } = readQuoted(text, i);
      // A phrase of only spaces is no term at all: AWS documents `" "` as matching every event.
      if (value.trim() !== '') terms.push({ mode, text: value, regex: false });
      i = end;
    } else if (ch === '%') {
      if (++regexes > MAX_REGEXES) fail(i, `more than ${MAX_REGEXES} regular expressions in one pattern`, `use at most ${MAX_REGEXES}`);
      const { source, end } = readRegex(text, i);
      terms.push({ mode, text: source, regex: true });
      i = end;
    } else {
      let end = i;
      while (end < text.length && !WHITESPACE.test(text[end]!)) {
        const c = text[end]!;
        if (!BARE_TERM_CHAR.test(c)) {
          let word = end;
          while (word < text.length && !WHITESPACE.test(text[word]!)) word++;
          fail(
            end,
            `${describeChar(c)} cannot appear in an unquoted term`,
            `terms other than letters, digits and _ go in double quotes, as in "${text.slice(i, word)}"; a JSON pattern starts with {`,
          );
        }
        end++;
      }
      terms.push({ mode, text: text.slice(i, end), regex: false });
      i = end;
    }
    i = skipWhitespace(text, i);
  }
  return terms;
}

class JsonPatternParser {
  private pos: number;
  private wildcardSelectors = 0;
  private regexes = 0;

  constructor(
    private readonly text: string,
    start: number,
  ) {
    this.pos = start;
  }

  parse(): FilterPattern {
    const open = this.pos;
    this.pos++; // '{'
    this.skip();
    if (this.peek() === '}') fail(this.pos, 'the JSON pattern is empty', 'write at least one condition such as $.errorCode = "AccessDenied*"');
    const expression = this.parseOr();
    this.skip();
    if (this.peek() === undefined) {
      fail(this.text.length, `the JSON pattern opened at character ${open + 1} is never closed`, "add the closing '}'");
    }
    if (this.peek() !== '}') this.unexpected('&&, || or the closing }');
    this.pos++;
    this.skip();
    if (this.pos < this.text.length) {
      fail(this.pos, 'text after the closing } of the JSON pattern', 'put every condition inside the braces, joined with && or ||');
    }
    return { kind: 'json', expression };
  }

  private peek(offset = 0): string | undefined {
    return this.text[this.pos + offset];
  }

  private skip(): void {
    this.pos = skipWhitespace(this.text, this.pos);
  }

  private unexpected(expected: string): never {
    const ch = this.peek();
    if (ch === "'") fail(this.pos, 'single quotes are not string delimiters in filter patterns', 'use double quotes');
    if (ch === '&' || ch === '|') {
      fail(this.pos, `'${ch}' on its own is not an operator`, `write '${ch}${ch}'`);
    }
    return fail(this.pos, `expected ${expected} but found ${describeChar(ch)}`, `write ${expected} here`);
  }

  private parseOr(): Expression {
    const operands = [this.parseAnd()];
    for (;;) {
      this.skip();
      if (this.peek() === '|' && this.peek(1) === '|') {
        this.pos += 2;
        operands.push(this.parseAnd());
      } else break;
    }
    return combine('or', operands);
  }

  private parseAnd(): Expression {
    const operands = [this.parsePrimary()];
    for (;;) {
      this.skip();
      if (this.peek() === '&' && this.peek(1) === '&') {
        this.pos += 2;
        operands.push(this.parsePrimary());
      } else break;
    }
    return combine('and', operands);
  }

  private parsePrimary(): Expression {
    this.skip();
    if (this.peek() === '(') {
      const open = this.pos;
      this.pos++;
      const inner = this.parseOr();
      this.skip();
      if (this.peek() !== ')') {
        if (this.peek() === undefined || this.peek() === '}') {
          fail(this.pos, `the parenthesis opened at character ${open + 1} is never closed`, "add the closing ')'");
        }
        this.unexpected("&&, || or ')'");
      }
      this.pos++;
      return inner;
    }
    return this.parseCondition();
  }

  private parseCondition(): Condition {
    const selector = this.parseSelector();
    this.skip();
    const ch = this.peek();
    if (ch !== undefined && /[A-Za-z]/.test(ch)) return this.parseKeywordCondition(selector);
    const operator = this.parseOperator();
    this.skip();
    const valueStart = this.pos;
    const value = this.parseValue();
    if (value.kind !== 'number' && operator !== '=' && operator !== '!=') {
      fail(
        valueStart,
        `'${operator}' compares numbers only, and this value is ${value.kind === 'regex' ? 'a regular expression' : 'a string'}`,
        "compare with a number, or use '=' or '!='",
      );
    }
    return { kind: 'compare', selector, operator, value };
  }

  private parseKeywordCondition(selector: Selector): Condition {
    const start = this.pos;
    const word = this.readWord();
    if (word === 'IS') {
      this.skip();
      const testStart = this.pos;
      const test = this.readWord();
      if (test === 'TRUE' || test === 'FALSE' || test === 'NULL') return { kind: 'is', selector, test };
      if (test === 'NOT') {
        fail(testStart, "'IS NOT' is not supported in filter patterns", 'test presence with = * (for example $.field = *), or absence with NOT EXISTS');
      }
      if (['true', 'false', 'null'].includes(test.toLowerCase())) {
        fail(testStart, `keywords are upper case in filter patterns, so '${test}' is not understood`, `write IS ${test.toUpperCase()}`);
      }
      fail(testStart, `expected TRUE, FALSE or NULL after IS but found ${test ? `'${test}'` : describeChar(this.peek())}`, 'write IS TRUE, IS FALSE or IS NULL');
    }
    if (word === 'NOT') {
      this.skip();
      const next = this.pos;
      const w = this.readWord();
      if (w === 'EXISTS') return { kind: 'notExists', selector };
      if (w.toLowerCase() === 'exists') fail(next, `keywords are upper case in filter patterns, so '${w}' is not understood`, 'write NOT EXISTS');
      fail(next, `expected EXISTS after NOT but found ${w ? `'${w}'` : describeChar(this.peek())}`, 'write NOT EXISTS');
    }
    if (word === 'EXISTS') {
      fail(start, "'EXISTS' is not supported in filter patterns", 'test presence with = * (for example $.field = *)');
    }
    if (['is', 'not'].includes(word.toLowerCase())) {
      fail(start, `keywords are upper case in filter patterns, so '${word}' is not understood`, `write ${word.toUpperCase()}`);
    }
    return fail(start, `expected an operator after the selector but found '${word}'`, 'write one of = != < > <= >= IS NULL IS TRUE IS FALSE NOT EXISTS');
  }

  private readWord(): string {
    const start = this.pos;
    while (this.pos < this.text.length && /[A-Za-z]/.test(this.text[this.pos]!)) this.pos++;
    return this.text.slice(start, this.pos);
  }

  private parseOperator(): ComparisonOperator {
    const at = this.pos;
    const a = this.peek();
    const b = this.peek(1);
    if (a === '=' && b === '=') fail(at, "'==' is not an operator in filter patterns", "use a single '=' for equality");
    if (a === '!' && b === '=') return this.advance(2, '!=');
    if (a === '<' && b === '=') return this.advance(2, '<=');
    if (a === '>' && b === '=') return this.advance(2, '>=');
    if (a === '<' && b === '>') fail(at, "'<>' is not an operator in filter patterns", "use '!=' for inequality");
    if (a === '=') return this.advance(1, '=');
    if (a === '<') return this.advance(1, '<');
    if (a === '>') return this.advance(1, '>');
    if (a === '!') fail(at, "'!' on its own is not an operator", "write '!=' for inequality, or NOT EXISTS for absence");
    return this.unexpected('an operator (= != < > <= >=, IS NULL, IS TRUE, IS FALSE or NOT EXISTS)');
  }

  private advance<T>(n: number, result: T): T {
    this.pos += n;
    return result;
  }

  private parseSelector(): Selector {
    const start = this.pos;
    if (this.peek() !== '$') {
      if (this.peek() !== undefined && NAME_CHAR.test(this.peek()!)) {
        let end = this.pos;
        while (end < this.text.length && NAME_CHAR.test(this.text[end]!)) end++;
        const name = this.text.slice(this.pos, end);
        fail(start, `the property selector '${name}' does not start with $.`, `write $.${name}`);
      }
      this.unexpected('a property selector such as $.errorCode');
    }
    this.pos++;
    if (this.peek() !== '.') fail(this.pos, 'a property selector must start with $.', 'write $. followed by the field name, for example $.errorCode');
    const segments: SelectorSegment[] = [];
    for (;;) {
      const ch = this.peek();
      if (ch === '.') {
        this.pos++;
        segments.push(this.parseDotSegment());
      } else if (ch === '[') {
        segments.push(this.parseBracketSegment());
      } else break;
    }
    const selector: Selector = { segments };
    if (selectorHasWildcard(selector)) {
      const wildcards = segments.filter((s) => s.kind === 'anyKey' || s.kind === 'anyIndex').length;
      if (wildcards > 1) fail(start, 'a property selector may hold only one wildcard (* or [*])', 'keep one wildcard in this selector');
      if (++this.wildcardSelectors > MAX_WILDCARD_SELECTORS) {
        fail(start, `more than ${MAX_WILDCARD_SELECTORS} wildcard selectors in one pattern`, `use at most ${MAX_WILDCARD_SELECTORS}`);
      }
    }
    return selector;
  }

  private parseDotSegment(): SelectorSegment {
    const ch = this.peek();
    if (ch === '*') {
      this.pos++;
      return { kind: 'anyKey' };
    }
    if (ch === '[') {
      if (this.peek(1) !== "'") {
        fail(this.pos, 'an array index must follow a field name', "write the field first, as in $.users[0], or a quoted name as in $.['na.me']");
      }
      return this.parseBracketSegment();
    }
    const start = this.pos;
    while (this.pos < this.text.length && NAME_CHAR.test(this.text[this.pos]!)) this.pos++;
    if (this.pos === start) {
      if (ch !== undefined && !WHITESPACE.test(ch) && !'=!<>()&|}'.includes(ch)) {
        fail(this.pos, `${describeChar(ch)} cannot appear in a field name`, "field names hold letters, digits, - and _; write other names as $.['na.me']");
      }
      fail(this.pos, "a field name is missing after '.'", 'write the field name, for example $.errorCode');
    }
    return { kind: 'key', name: this.text.slice(start, this.pos) };
  }

  private parseBracketSegment(): SelectorSegment {
    const open = this.pos;
    this.pos++; // '['
    const ch = this.peek();
    let segment: SelectorSegment;
    if (ch === '*') {
      this.pos++;
      segment = { kind: 'anyIndex' };
    } else if (ch === "'") {
      const close = this.text.indexOf("'", this.pos + 1);
      if (close < 0) fail(open, "this ['...'] field name is never closed", "end it with ']");
      const name = this.text.slice(this.pos + 1, close);
      if (name.length === 0) fail(open, "the field name in ['...'] is empty", 'write the field name between the quotes');
      this.pos = close + 1;
      segment = { kind: 'key', name };
    } else if (ch !== undefined && /[0-9]/.test(ch)) {
      const start = this.pos;
      while (this.pos < this.text.length && /[0-9]/.test(this.text[this.pos]!)) this.pos++;
      const index = Number(this.text.slice(start, this.pos));
      if (!Number.isSafeInteger(index)) fail(start, 'this array index is too large', 'use an index below 2^53');
      segment = { kind: 'index', index };
    } else {
      fail(this.pos, `expected an array index, * or a quoted field name after '[' but found ${describeChar(ch)}`, "write [0], [*] or ['field.name']");
    }
    if (this.peek() !== ']') fail(this.pos, `the '[' at character ${open + 1} is never closed`, "add ']'");
    this.pos++;
    return segment;
  }

  private parseValue(): Value {
    const start = this.pos;
    const ch = this.peek();
    if (ch === '"') {
      const { value, end } = readQuoted(this.text, start);
      this.pos = end;
      return { kind: 'string', text: value };
    }
    if (ch === "'") fail(start, 'single quotes are not string delimiters in filter patterns', 'use double quotes');
    if (ch === '%') {
      if (++this.regexes > MAX_REGEXES) fail(start, `more than ${MAX_REGEXES} regular expressions in one pattern`, `use at most ${MAX_REGEXES}`);
      const { source, end } = readRegex(this.text, start);
      this.pos = end;
      return { kind: 'regex', source };
    }
    while (this.pos < this.text.length && BARE_VALUE_CHAR.test(this.text[this.pos]!)) this.pos++;
    const bare = this.text.slice(start, this.pos);
    const next = this.peek();
    if (next !== undefined && !WHITESPACE.test(next) && !')}&|'.includes(next)) {
      fail(this.pos, `${describeChar(next)} cannot appear in an unquoted value`, 'put the value in double quotes');
    }
    if (bare.length === 0) fail(start, `expected a value but found ${describeChar(next)}`, 'write a value such as "AccessDenied*" or a number');
    if (NUMBER.test(bare)) {
      const value = Number(bare);
      if (!Number.isFinite(value)) fail(start, `the number ${bare} is out of range`, 'use a smaller number');
      return { kind: 'number', value };
    }
    return { kind: 'string', text: bare };
  }
}

/** Builds an n-ary node, flattening nested nodes of the same kind (`a && (b && c)` is `a && b && c`). */
function combine(kind: 'and' | 'or', operands: Expression[]): Expression {
  if (operands.length === 1) return operands[0]!;
  return { kind, operands: operands.flatMap((o) => (o.kind === kind ? o.operands : [o])) };
}
