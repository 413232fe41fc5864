/**
 * Judges a metric filter pattern against the CIS definition of unauthorized API calls, by what it matches.
 *
 * - Floor: it must match every CloudTrail record whose errorCode ends with "UnauthorizedOperation" or starts
 *   with "AccessDenied", except records from delivery.logs.amazonaws.com and records of HeadBucket.
 * - Ceiling (on unless switched off): it must not match any successful call, i.e. a record without errorCode.
 * - It must match at least one record.
 * Each question is decided by RecordSpace (see search.ts for the method and its limits); every rejection comes
 * with a realistic CloudTrail record that shows it. Strict mode additionally demands the literal CIS text.
 */
import type { Expression, FilterPattern } from './ast';
import { conditionsOf, isCondition } from './ast';
import {
  CIS_PATTERNS,
  CIS_VERSION_NAMES,
  UNAUTHORIZED_CALL_DEFINITION,
  withoutWhitespace,
  type CisVersion,
  type StrictVersion,
} from './cis';
import { CLOUDTRAIL_FIELDS, SAMPLE_RECORDS } from './cloudtrail';
import { evaluateExpression, matchesLogEvent, type JsonObject } from './evaluate';
import { formatPatternError, parseFilterPattern } from './parser';
import { printExpression, printSelector } from './printer';
import {
  MAX_ARRAY_INDEX,
  RecordSpace,
  SEARCH_WORK_LIMIT,
  SearchWork,
  unmodelledIndex,
  type GaveUpReason,
  type Requirement,
  type SearchResult,
} from './search';

export interface JudgeOptions {
  /** Reject patterns that match successful calls. Default true. */
  ceiling?: boolean;
  /** Accept only the literal text of this CIS version, whitespace aside. */
  strict?: StrictVersion;
  /** Work (condition evaluations) the judgement may spend before it rejects as not verified. Default SEARCH_WORK_LIMIT. */
  workLimit?: number;
  /** The evaluation's time budget, asked every few hundred search steps: when true the judge stops, not verified. */
  expired?: () => boolean;
}

export interface Verdict {
  /** The text is a pattern CloudWatch Logs would accept. */
  valid: boolean;
  accepted: boolean;
  /** One sentence: why it was accepted or rejected, and what to do. */
  reason: string;
  /** The same, short enough for a Config annotation: "also matches successful calls (DescribeInstances, no errorCode), ...". */
  summary: string;
  /** A CloudTrail record the pattern wrongly misses or wrongly matches; null when there is none. */
  counterexample: JsonObject | null;
  /** What the counterexample shows: an unauthorized call the pattern misses, or a successful call it matches. */
  counterexampleShows: 'missed unauthorized call' | 'matched successful call' | null;
  /** CIS versions whose pattern matches exactly the same records (only for valid JSON patterns). */
  sameMatchesAs: CisVersion[];
  /**
   * Set when the judge could not decide and rejected the pattern as not verified: 'complexity' when the pattern
   * needs more work than the judge's limit (or names what the judge does not model), 'time' when the evaluation's
   * time budget ran out. Absent on decided verdicts.
   */
  unverified?: GaveUpReason;
}

function parsedExpression(text: string): Expression {
  const parsed = parseFilterPattern(text);
  if (!parsed.ok || parsed.pattern.kind !== 'json') throw new Error(`built-in pattern does not parse: ${text}`);
  return parsed.pattern.expression;
}

/** The floor as an expression: the CIS definition of an unauthorized call. */
export const FLOOR = parsedExpression(UNAUTHORIZED_CALL_DEFINITION);
const NO_ERROR_CODE = parsedExpression('{ $.errorCode NOT EXISTS }');
const CIS_EXPRESSIONS = Object.entries(CIS_PATTERNS).map(([version, text]) => ({
  version: version as CisVersion,
  expression: parsedExpression(text),
}));
const FLOOR_SUMMARY =
  'catches every unauthorized call (errorCode *UnauthorizedOperation or AccessDenied*, except from delivery.logs.amazonaws.com and HeadBucket)';

/** A record's string field, or "no <field>" (no errorCode) when it has none or a value of another type. */
export function fieldText(record: JsonObject, key: string): string {
  const value = record[key];
  return typeof value === 'string' ? value : `no ${key}`;
}

/** "RunInstances (ec2.amazonaws.com) failing with Client.UnauthorizedOperation from 203.0.113.12" */
export function describeRecord(record: JsonObject): string {
  const outcome = typeof record.errorCode === 'string' ? `failing with errorCode ${record.errorCode}` : 'succeeding (no errorCode)';
  return `${fieldText(record, 'eventName')} (${fieldText(record, 'eventSource')}) ${outcome} from ${fieldText(record, 'sourceIPAddress')}`;
}

type Evidence = Pick<Verdict, 'counterexample' | 'counterexampleShows'>;
const NO_EVIDENCE: Evidence = { counterexample: null, counterexampleShows: null };
const missedCall = (record: JsonObject): Evidence => ({ counterexample: record, counterexampleShows: 'missed unauthorized call' });
const matchedSuccess = (record: JsonObject): Evidence => ({ counterexample: record, counterexampleShows: 'matched successful call' });

function rejected(reason: string, summary: string, evidence: Evidence, valid = true): Verdict {
  return { valid, accepted: false, reason, summary, ...evidence, sameMatchesAs: [] };
}

/** "DescribeInstances, no errorCode" or "RunInstances, Client.UnauthorizedOperation" */
export function briefRecord(record: JsonObject): string {
  return `${fieldText(record, 'eventName')}, ${fieldText(record, 'errorCode')}`;
}

function notVerified(why: GaveUpReason, reason: string, summary: string): Verdict {
  return { ...rejected(`not verified: ${reason}`, summary, NO_EVIDENCE), unverified: why };
}

function gaveUp(why: GaveUpReason, limit: number): Verdict {
  return why === 'time'
    ? notVerified(
        'time',
        "ran out of the evaluation's time budget before it could be shown to catch unauthorized calls; evaluate again, or use the CIS pattern",
        "was not verified: ran out of the evaluation's time budget",
      )
    : notVerified(
        'complexity',
        `the pattern needs more than ${limit.toLocaleString('en-US')} condition evaluations to check, so it cannot be shown to catch unauthorized calls; simplify it or use the CIS pattern`,
        'is too complex to verify; use the CIS pattern',
      );
}

/** A pattern naming an array element the search does not model can be rejected with a record, never accepted. */
function beyondModelledIndex(index: number): Verdict {
  return notVerified(
    'complexity',
    `it tests array element [${index}], beyond the first ${MAX_ARRAY_INDEX + 1} elements the judge models in a CloudTrail record, so it cannot be shown to catch unauthorized calls; use the CIS pattern`,
    `tests array element [${index}], beyond what the judge models; use the CIS pattern`,
  );
}

/** Field names the pattern uses that CloudTrail spells with other capitals, e.g. $.errorcode for $.errorCode. */
function caseHint(expression: Expression): string | undefined {
  const known = Object.keys(CLOUDTRAIL_FIELDS);
  for (const condition of conditionsOf(expression)) {
    const segments = condition.selector.segments;
    if (!segments.every((s) => s.kind === 'key')) continue;
    const dotted = segments.map((s) => (s as { name: string }).name).join('.');
    if (known.includes(dotted)) continue;
    const intended = known.find((k) => k.toLowerCase() === dotted.toLowerCase());
    if (intended) return `field names are case-sensitive: CloudTrail writes $.${intended}, not ${printSelector(condition.selector)}`;
  }
  return undefined;
}

/** An exact errorCode value that the missed record's errorCode extends, e.g. "AccessDenied" for AccessDeniedException. */
function wildcardHint(expression: Expression, missed: JsonObject): string | undefined {
  const code = missed.errorCode;
  if (typeof code !== 'string') return undefined;
  for (const condition of conditionsOf(expression)) {
    if (condition.kind !== 'compare' || condition.value.kind !== 'string' || printSelector(condition.selector) !== '$.errorCode') continue;
    const text = condition.value.text;
    if (text.includes('*') || text === code) continue;
    if (code.startsWith(text)) return `without a * a value matches exactly; write "${text}*"`;
    if (code.endsWith(text)) return `without a * a value matches exactly; write "*${text}"`;
  }
  return undefined;
}

/** The top-level `||` branch that lets a record through, to say which term makes a pattern too broad. */
function matchingBranch(expression: Expression, record: JsonObject): string | undefined {
  if (expression.kind !== 'or') return undefined;
  const branch = expression.operands.find((o) => matchesLogEvent({ kind: 'json', expression: o }, record));
  return branch && (isCondition(branch) || branch.kind === 'and') ? printExpression(branch) : undefined;
}

function judgeTerms(pattern: Extract<FilterPattern, { kind: 'terms' }>, ceiling: boolean): Verdict {
  const what =
    pattern.terms.length === 0
      ? 'the empty pattern matches every log event, successful calls included'
      : 'a term pattern looks for words anywhere in the raw record, not in CloudTrail fields, so it cannot tell an errorCode from the same word in a user agent or a request parameter';
  const missed = SAMPLE_RECORDS.find((r) => evaluateExpression(FLOOR, r) && !matchesLogEvent(pattern, r));
  const success = SAMPLE_RECORDS.find((r) => r.errorCode === undefined)!;
  const lookalike: JsonObject = {
    ...success,
    requestParameters: { description: pattern.terms.map((t) => t.text).join(' ') },
  };
  const overmatch = ceiling ? [success, lookalike].find((r) => matchesLogEvent(pattern, r)) : undefined;
  const evidence = missed ? missedCall(missed) : overmatch ? matchedSuccess(overmatch) : NO_EVIDENCE;
  const shows = missed
    ? `; it misses ${describeRecord(missed)}`
    : overmatch
      ? `; it matches ${describeRecord(overmatch)}`
      : '';
  return rejected(
    `${what}${shows}; use a JSON pattern such as the CIS one: ${CIS_PATTERNS['cis-2.0']}`,
    pattern.terms.length === 0 ? 'is empty, so it matches every event; use the CIS pattern' : 'is a term pattern, not a JSON pattern on CloudTrail fields; use the CIS pattern',
    evidence,
  );
}

function judgeSemantics(expression: Expression, ceiling: boolean, work: SearchWork): Verdict {
  const space = new RecordSpace([expression, FLOOR, NO_ERROR_CODE], work);
  const asks = (...requirements: Requirement[]): SearchResult => space.find(requirements);
  // Records found are real even where the search treats far array elements as absent; "none" is not.
  const unmodelled = unmodelledIndex(expression);

  const any = asks({ expression, expected: true });
  if (any.kind === 'gaveUp') return gaveUp(any.why, work.limit);
  if (any.kind === 'none') {
    if (unmodelled !== undefined) return beyondModelledIndex(unmodelled);
    const hint = caseHint(expression) ?? 'use the CIS pattern';
    return rejected(
      `never matches: no CloudTrail record satisfies all of its conditions, so its alarm can never fire (it misses ${describeRecord(SAMPLE_RECORDS[0]!)}); ${hint}`,
      `never matches any CloudTrail record; ${hint}`,
      missedCall(SAMPLE_RECORDS[0]!),
    );
  }

  const successful = asks({ expression: NO_ERROR_CODE, expected: true }, { expression, expected: true });
  if (successful.kind === 'gaveUp') return gaveUp(successful.why, work.limit);
  if (ceiling && successful.kind === 'found') {
    const branch = matchingBranch(expression, successful.record);
    const via = branch ? ` through ${branch}` : '';
    return rejected(
      `also matches successful calls: ${describeRecord(successful.record)} matches${via}, so its alarm fires on normal activity; use the CIS pattern`,
      `also matches successful calls (${briefRecord(successful.record)}), so its alarm fires on normal activity; use the CIS pattern`,
      matchedSuccess(successful.record),
    );
  }

  const missed = asks({ expression: FLOOR, expected: true }, { expression, expected: false });
  if (missed.kind === 'gaveUp') return gaveUp(missed.why, work.limit);
  if (missed.kind === 'found') {
    const hint = caseHint(expression) ?? wildcardHint(expression, missed.record) ?? 'use the CIS pattern';
    return rejected(
      `misses unauthorized calls: ${describeRecord(missed.record)} does not match; ${hint}`,
      `misses unauthorized calls (${briefRecord(missed.record)}); ${hint}`,
      missedCall(missed.record),
    );
  }
  if (unmodelled !== undefined) return beyondModelledIndex(unmodelled);

  // Spends what is left of the same budget: a search given up here only leaves a version out of the list.
  const sameMatchesAs = CIS_EXPRESSIONS.filter(({ expression: cis }) => {
    const pair = new RecordSpace([expression, cis], work);
    const differ = (a: boolean): SearchResult =>
      pair.find([
        { expression, expected: a },
        { expression: cis, expected: !a },
      ]);
    return differ(true).kind === 'none' && differ(false).kind === 'none';
  }).map(({ version }) => version);
  const same = sameMatchesAs.length > 0 ? `; it matches the same records as the ${sameMatchesAs.map((v) => CIS_VERSION_NAMES[v]).join(' and ')} pattern` : '';
  const broad =
    successful.kind === 'found'
      ? ` but also matches successful calls, e.g. ${describeRecord(successful.record)} (allowed: the successful-call check is off)`
      : ' and no successful call';
  const summary = successful.kind === 'found' ? 'catches unauthorized calls (and successful ones: allowed)' : 'catches unauthorized calls';
  return { valid: true, accepted: true, reason: `${FLOOR_SUMMARY}${broad}${same}`, summary, ...NO_EVIDENCE, sameMatchesAs };
}

/** Where two texts first differ, as "character N (expected X, found Y)". */
function firstDifference(expected: string, actual: string): string {
  let i = 0;
  while (i < expected.length && i < actual.length && expected[i] === actual[i]) i++;
  const show = (s: string): string => (i < s.length ? `'${s.slice(i, i + 12)}'` : 'the end');
  return `character ${i + 1} of the text without spaces (expected ${show(expected)}, found ${show(actual)})`;
}

export function judgePattern(text: string, options: JudgeOptions = {}): Verdict {
  const ceiling = options.ceiling ?? true;
  const parsed = parseFilterPattern(text);
  if (!parsed.ok) {
    return rejected(
      `invalid filter pattern ${formatPatternError(parsed.error)}`,
      `is not a valid filter pattern (${parsed.error.message})`,
      NO_EVIDENCE,
      false,
    );
  }
  const pattern = parsed.pattern;
  let verdict: Verdict;
  switch (pattern.kind) {
    case 'delimited':
      verdict = rejected(
        `a space-delimited [...] pattern reads positional words of a text line, but CloudTrail delivers each record as JSON; use a JSON pattern such as the CIS one: ${CIS_PATTERNS['cis-2.0']}`,
        'is a space-delimited pattern, not a JSON pattern on CloudTrail fields; use the CIS pattern',
        NO_EVIDENCE,
      );
      break;
    case 'terms':
      verdict = judgeTerms(pattern, ceiling);
      break;
    case 'json':
      verdict = judgeSemantics(pattern.expression, ceiling, new SearchWork(options.workLimit ?? SEARCH_WORK_LIMIT, options.expired));
      break;
  }
  return applyStrictMode(verdict, text, options.strict);
}

/** Strict literal mode: a verdict on the meaning of `text`, rejected as well unless `text` is the CIS text. */
export function applyStrictMode(verdict: Verdict, text: string, strict: StrictVersion | undefined): Verdict {
  if (!strict) return verdict;
  const expected = withoutWhitespace(CIS_PATTERNS[strict]);
  const actual = withoutWhitespace(text);
  if (expected === actual) return verdict;
  const name = CIS_VERSION_NAMES[strict];
  const semantic = verdict.accepted ? 'it matches the right records, but ' : `${verdict.reason}; also, `;
  return {
    ...verdict,
    accepted: false,
    reason: `${semantic}strict ${strict} mode requires the literal ${name} text, and it differs at ${firstDifference(expected, actual)}`,
    summary: verdict.accepted ? `is not the literal ${name} text that strict mode requires` : verdict.summary,
  };
}
