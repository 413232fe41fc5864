/**
 * A bound on the nesting of JSON text from outside, checked before parsing it. V8's JSON.parse itself is not
 * recursive, but what later walks the value (JSON.stringify, loggers, evaluators) is, and overflows the call stack
 * on a 100,000-deep array.
 */

/** Whether JSON `text` nests arrays and objects more than `limit` deep (brackets inside strings do not count). */
export function nestsDeeperThan(text: string, limit: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === '\\') i++; // skips the escaped character, which may be a quote
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === '[' || c === '{') {
      if (++depth > limit) return true;
    } else if (c === ']' || c === '}') depth--;
  }
  return false;
}
