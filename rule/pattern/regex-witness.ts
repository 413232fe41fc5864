/**
 * Strings that a filter-pattern regular expression matches, for the judge's search. Filter-pattern regexes have
 * no groups (parentheses are not allowed), so a regex is a top-level alternation of sequences of single-character
 * items with quantifiers, which is simple to walk. No library generates strings from JavaScript regexes without
 * pulling in a full regex engine, and this subset needs only this.
 */
import type { RE2JS } from 're2js';
import { filterRegex } from './regex';

interface Item {
  /** Characters that satisfy the item, most typical first. */
  chars: string[];
  min: number;
  /** Whether the item may repeat beyond `min`. */
  more: boolean;
}

const PROBES = ['a', 'Z', '0', '-', '_', ' ', '.', ':', '/'];

function escapeChars(letter: string): string[] {
  switch (letter) {
    case 'd':
      return ['0', '7'];
    case 'D':
    case 'w':
    case 'S':
      return ['a', 'Z'];
    case 'W':
      return ['-', ' '];
    case 's':
      return [' '];
    case 't':
      return ['\t'];
    case 'n':
      return ['\n'];
    default:
      return [letter];
  }
}

/** Reads a character class starting after `[`; returns the characters it admits and the index after `]`. */
function readClass(source: string, from: number): { chars: string[]; end: number } {
  let i = from;
  const negated = source[i] === '^';
  if (negated) i++;
  const members: string[] = [];
  const ranges: Array<[string, string]> = [];
  while (i < source.length && source[i] !== ']') {
    const ch = source[i]!;
    if (ch === '\\' && i + 1 < source.length) {
      members.push(...escapeChars(source[i + 1]!));
      i += 2;
      continue;
    }
    if (source[i + 1] === '-' && source[i + 2] !== undefined && source[i + 2] !== ']') {
      ranges.push([ch, source[i + 2]!]);
      i += 3;
      continue;
    }
    members.push(ch);
    i++;
  }
  const admits = (c: string): boolean => members.includes(c) || ranges.some(([lo, hi]) => c >= lo && c <= hi);
  const chars = negated
    ? PROBES.filter((c) => !admits(c))
    : [...members, ...ranges.map(([lo]) => lo), ...PROBES.filter(admits)];
  return { chars: chars.length > 0 ? chars : ['a'], end: i + 1 };
}

function readQuantifier(source: string, from: number): { min: number; more: boolean; end: number } {
  const ch = source[from];
  let result = { min: 1, more: false, end: from };
  if (ch === '?') result = { min: 0, more: true, end: from + 1 };
  else if (ch === '*') result = { min: 0, more: true, end: from + 1 };
  else if (ch === '+') result = { min: 1, more: true, end: from + 1 };
  else if (ch === '{') {
    const m = /^\{(\d+)(,(\d*))?\}/.exec(source.slice(from));
    if (m) {
      const min = Number(m[1]);
      const max = m[2] === undefined ? min : m[3] === '' ? Infinity : Number(m[3]);
      result = { min, more: max > min, end: from + m[0].length };
    }
  }
  if (result.end > from && source[result.end] === '?') result.end++; // lazy quantifier
  return result;
}

function parseSequence(source: string): Item[] {
  const items: Item[] = [];
  let i = 0;
  while (i < source.length) {
    const ch = source[i]!;
    let chars: string[];
    if (ch === '^' || ch === '$') {
      i++;
      continue;
    } else if (ch === '\\' && i + 1 < source.length) {
      const next = source[i + 1]!;
      const hex = next === 'x' ? /^[0-9a-fA-F]{2}/.exec(source.slice(i + 2)) : null;
      if (hex) {
        chars = [String.fromCharCode(parseInt(hex[0], 16))];
        i += 4;
      } else {
        chars = escapeChars(next);
        i += 2;
      }
    } else if (ch === '[') {
      const cls = readClass(source, i + 1);
      chars = cls.chars;
      i = cls.end;
    } else if (ch === '.') {
      chars = ['a', 'Z'];
      i++;
    } else {
      chars = [ch];
      i++;
    }
    const q = readQuantifier(source, i);
    i = q.end;
    items.push({ chars, min: q.min, more: q.more });
  }
  return items;
}

function splitAlternatives(source: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let current = '';
  for (let i = 0; i < source.length; i++) {
    const ch = source[i]!;
    if (ch === '\\') {
      current += ch + (source[i + 1] ?? '');
      i++;
      continue;
    }
    if (ch === '[') depth++;
    if (ch === ']' && depth > 0) depth--;
    if (ch === '|' && depth === 0) {
      parts.push(current);
      current = '';
    } else current += ch;
  }
  parts.push(current);
  return parts;
}

/** Alternatives expanded: a regex of hundreds of `a|b|...` gets witnesses from its first few, as a search can use. */
const MAX_ALTERNATIVES = 4;

/**
 * A few strings the regex matches (shortest forms, longer forms, other characters, and with text around them).
 * The regex is compiled first, so that a repeat count RE2 refuses (over 1000) is never expanded: a witness is at
 * most 1000 characters per item of the regex.
 */
export function regexWitnesses(source: string): string[] {
  let re: RE2JS;
  try {
    re = filterRegex(source);
  } catch {
    return [];
  }
  const out = new Set<string>();
  for (const alternative of splitAlternatives(source).slice(0, MAX_ALTERNATIVES)) {
    const items = parseSequence(alternative);
    const shortest = items.map((it) => it.chars[0]!.repeat(it.min)).join('');
    const longer = items.map((it) => it.chars[0]!.repeat(it.min + (it.more ? 1 : 0))).join('');
    const other = items.map((it) => (it.chars[1] ?? it.chars[0]!).repeat(Math.max(it.min, 1))).join('');
    for (const s of [shortest, longer, other]) out.add(s).add(`x${s}x`);
  }
  return [...out].filter((s) => re.test(s));
}
