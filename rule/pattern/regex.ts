/**
 * The one place filter-pattern regular expressions are compiled, for the parser, the evaluator and the judge.
 *
 * They are compiled with RE2JS (a pure-JavaScript port of RE2), not with JavaScript's RegExp: V8's engine
 * backtracks without a time limit, so a filter such as `%.*.*.*Q%` that anyone with logs:PutMetricFilter can
 * create would stall an evaluation for minutes. RE2 matches in time linear in the input, as AWS's filter engine
 * does (it is not backtracking either). RE2 also refuses repeat counts above 1000 (`x{1001}`), which bounds the
 * strings the judge generates from a regex.
 */
import { RE2JS } from 're2js';

/**
 * The most repetitions a regex may add up to. RE2 refuses a count over 1000 but compiles `x{1000}` into a thousand
 * instructions, so a 1,024-character regex of 140 such counts takes a quarter of a second to compile. AWS documents
 * no limit; this is ours, stated in the parser's error, and no real filter comes near it.
 */
export const MAX_REGEX_REPETITIONS = 1000;

/** The sum of the regex's repeat counts (`{m}`, `{m,}`, `{m,n}` counting m or n), outside classes and escapes. */
export function repetitionsOf(source: string): number {
  let total = 0;
  for (let i = 0; i < source.length; i++) {
    const ch = source[i]!;
    if (ch === '\\') i++;
    else if (ch === '[') {
      i++;
      while (i < source.length && source[i] !== ']') i += source[i] === '\\' ? 2 : 1;
    } else if (ch === '{') {
      const count = /^\{(\d+)(?:,(\d*))?\}/.exec(source.slice(i));
      if (count) total += Math.max(Number(count[1]), Number(count[2] || 0));
    }
  }
  return total;
}

/**
 * Each parsed regex's compiled form, kept with the AST node it was parsed into (a `%regex%` value or term) and
 * gone with it: a pattern is compiled once however many records the judge evaluates, and nothing outlives the
 * parsed pattern.
 */
const compiled = new WeakMap<object, RE2JS>();

/** Why RE2 refuses a regex, e.g. "invalid repeat count: `{10000000}`"; undefined when it compiles. */
export function regexSyntaxProblem(source: string): string | undefined {
  try {
    RE2JS.compile(source);
    return undefined;
  } catch (e) {
    return (e instanceof Error ? e.message : String(e)).replace(/^error parsing regexp: /, '');
  }
}

/** The compiled regex of a `%...%` value; throws when RE2 refuses it (the parser reports that first). */
export function filterRegex(source: string): RE2JS {
  return RE2JS.compile(source);
}

/**
 * Whether the regex `source` of the AST node `node` matches somewhere in `text` (unanchored unless the regex uses
 * ^ or $, as AWS documents).
 */
export function regexMatches(node: object, source: string, text: string): boolean {
  let re = compiled.get(node);
  if (!re) {
    re = RE2JS.compile(source);
    compiled.set(node, re);
  }
  return re.test(text);
}
