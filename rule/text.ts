/**
 * Text that comes from outside (resource names anyone with write access chose, parameter values, event fields)
 * printed safely: on one line, with nothing that can reorder or hide what follows, and of bounded length.
 */

/**
 * Control characters (C0, DEL, C1: \p{Cc}), line and paragraph separators, bidirectional controls and invisible format
 * characters: in an annotation or a log line they break the line, reverse the text that follows (U+202E) or
 * hide characters (U+200B), so a name holding them could forge the verdict a reader sees.
 */
const UNSAFE = /[\p{Cc}\u00ad\u061c\u180e\u200b-\u200f\u2028-\u202e\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb]/gu;

/** `text` with every unsafe character written as `\u{…}`, so it shows instead of acting. */
export function escapeUnsafe(text: string): string {
  return text.replace(UNSAFE, (ch) => `\\u{${ch.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}}`);
}

/** At most `max` characters of `text` (never splitting a surrogate pair), ending in '…' when cut. */
export function clip(text: string, max: number): string {
  if (text.length <= max) return text;
  let kept = '';
  for (const ch of text) {
    if (kept.length + ch.length > max - 1) break;
    kept += ch;
  }
  return `${kept}…`;
}

/** A name or value from outside, escaped and cut, for one-line output. */
export function printable(text: string, max = 100): string {
  return clip(escapeUnsafe(text), max);
}
