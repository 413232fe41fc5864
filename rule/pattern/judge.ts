/**
 * Judges a metric filter pattern against a control's policy (rule/controls/catalogue.ts), by what it matches. For
 * unauthorized API calls, the default control:
 *
 * - Floor: it must match every CloudTrail record whose errorCode ends with "UnauthorizedOperation" or starts
 *   with "AccessDenied", except records from delivery.logs.amazonaws.com and records of HeadBucket.
 * - Ceiling (on unless switched off): it must not match any successful call, i.e. a record without errorCode.
 * - It must match at least one record.
 * Every control's floor and ceiling are filter patterns themselves, so each question is decided by the same
 * RecordSpace search (see search.ts for the method and its limits); every rejection comes with a realistic
 * CloudTrail record that shows it. Strict mode additionally demands the literal text of one published pattern.
 */
import { DEFAULT_CONTROL, NEWEST_CIS_VERSION, type CisVersion as ControlCisVersion, type Control, type PublishedPattern } from '../controls/control';
import { cisTextOf, controlById, floorOf, publishedPattern } from '../controls/catalogue';
import type { Expression, FilterPattern } from './ast';
import { conditionsOf, isCondition } from './ast';
import { UNAUTHORIZED_CALL_DEFINITION, withoutWhitespace } from './cis';
import { CLOUDTRAIL_FIELDS, REALISTIC_VALUES, SAMPLE_RECORDS } from './cloudtrail';
import { evaluateExpression, matchesLogEvent, MISSING, resolveSelector, type JsonObject } from './evaluate';
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
  /** The control whose policy the pattern is held to. Default unauthorized-api-calls. */
  control?: Control;
  /** The CIS version whose floor applies (FAMILY.md §3.2 rule 8). Default the newest. */
  cisVersion?: ControlCisVersion;
  /** Reject patterns that match the control's ceiling (for 4.1: successful calls). Default true. */
  ceiling?: boolean;
  /** Accept only the literal text of this published pattern of the control (`cis-2.0`, `securityhub`), whitespace aside. */
  strict?: string;
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
  /** What the counterexample shows: a floor record the pattern misses, or a ceiling record it matches. */
  counterexampleShows: 'missed' | 'overmatched' | null;
  /** Ids of the control's published patterns that match exactly the same records (only for valid JSON patterns). */
  sameMatchesAs: string[];
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

/** The floor of unauthorized-api-calls as an expression: the CIS definition of an unauthorized call. */
export const FLOOR = parsedExpression(UNAUTHORIZED_CALL_DEFINITION);

/** A control's policy under one CIS version, parsed: what the searches ask about. */
interface Policy {
  control: Control;
  version: ControlCisVersion;
  floor: Expression;
  ceiling: Expression;
  /** Published patterns that parse as JSON; a Security Hub text that respells a CIS one is left out (the CIS id names it). */
  published: { pattern: PublishedPattern; expression: Expression }[];
  /** eventName values the floor lists, for "it lacks ..." hints. */
  floorNames: string[];
  /** Fields beyond eventName, eventSource and errorCode that the floor pins: shown when a record is described. */
  detailFields: string[];
}

const POLICIES = new WeakMap<Control, Map<ControlCisVersion, Policy>>();
const LISTED = new Set(['eventName', 'eventSource', 'errorCode', 'sourceIPAddress', 'eventType', 'readOnly']);

/** The parsed policy of a control under a version, built once per control and version. */
function policyOf(control: Control, version: ControlCisVersion): Policy {
  const byVersion = POLICIES.get(control) ?? new Map<ControlCisVersion, Policy>();
  POLICIES.set(control, byVersion);
  const known = byVersion.get(version);
  if (known) return known;
  const floor = parsedExpression(floorOf(control, version));
  const cisTexts = new Set(control.patterns.filter((p) => p.source === 'cis').map((p) => withoutWhitespace(p.text)));
  const published = control.patterns.flatMap((pattern) => {
    const parsed = parseFilterPattern(pattern.text);
    if (!parsed.ok || parsed.pattern.kind !== 'json') return [];
    if (pattern.source === 'securityhub' && cisTexts.has(withoutWhitespace(pattern.text))) return [];
    return [{ pattern, expression: parsed.pattern.expression }];
  });
  const floorConditions = conditionsOf(floor);
  const floorNames = floorConditions.flatMap((c) =>
    c.kind === 'compare' && c.operator === '=' && c.value.kind === 'string' && printSelector(c.selector) === '$.eventName' ? [c.value.text] : [],
  );
  const detailFields = [
    ...new Set(floorConditions.map((c) => dotted(c.selector)).filter((f): f is string => f !== undefined && !LISTED.has(f) && !f.startsWith('userIdentity.invokedBy'))),
  ];
  const policy: Policy = { control, version, floor, ceiling: parsedExpression(control.policy.ceiling), published, floorNames, detailFields };
  byVersion.set(version, policy);
  return policy;
}

function dotted(selector: { segments: { kind: string; name?: string }[] }): string | undefined {
  return selector.segments.every((s) => s.kind === 'key') ? selector.segments.map((s) => s.name).join('.') : undefined;
}

const isDefault = (policy: Policy): boolean => policy.control.id === DEFAULT_CONTROL;

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

/** A value at a dotted path, as the counterexample line shows it: "IAMUser", true, or absent. */
function valueAt(record: JsonObject, path: string): string {
  const value = resolveSelector({ segments: path.split('.').map((name) => ({ kind: 'key', name })) }, record)[0];
  return value === MISSING || value === undefined ? 'absent' : JSON.stringify(value);
}

/**
 * describeRecord, with the fields that decide for the control (those its floor pins beyond the event and error,
 * e.g. userIdentity.type and additionalEventData.MFAUsed) and a failed sign-in's errorMessage. Unauthorized API
 * calls keep describeRecord's words.
 */
function describeFor(policy: Policy, record: JsonObject): string {
  if (isDefault(policy)) return describeRecord(record);
  const outcome =
    typeof record.errorCode === 'string'
      ? `failing with errorCode ${record.errorCode}`
      : typeof record.errorMessage === 'string'
        ? `failing with errorMessage ${JSON.stringify(record.errorMessage)} (no errorCode)`
        : 'succeeding (no errorCode)';
  const details = policy.detailFields.filter((f) => f !== 'errorMessage').map((f) => `${f} ${valueAt(record, f)}`);
  return `${fieldText(record, 'eventName')} (${fieldText(record, 'eventSource')}) ${outcome}${details.length > 0 ? `, ${details.join(', ')}` : ''}`;
}

/** "DescribeInstances, no errorCode" or "RunInstances, Client.UnauthorizedOperation" */
export function briefRecord(record: JsonObject): string {
  return `${fieldText(record, 'eventName')}, ${fieldText(record, 'errorCode')}`;
}

/** briefRecord with the control's first deciding field: "ConsoleLogin, no errorCode, additionalEventData.MFAUsed \"Yes\"". */
function briefFor(policy: Policy, record: JsonObject): string {
  const first = policy.detailFields.find((f) => f !== 'errorMessage');
  return isDefault(policy) || first === undefined ? briefRecord(record) : `${briefRecord(record)}, ${first} ${valueAt(record, first)}`;
}

type Evidence = Pick<Verdict, 'counterexample' | 'counterexampleShows'>;
const NO_EVIDENCE: Evidence = { counterexample: null, counterexampleShows: null };
const missedRecord = (record: JsonObject): Evidence => ({ counterexample: record, counterexampleShows: 'missed' });
const overmatchedRecord = (record: JsonObject): Evidence => ({ counterexample: record, counterexampleShows: 'overmatched' });

function rejected(reason: string, summary: string, evidence: Evidence, valid = true): Verdict {
  return { valid, accepted: false, reason, summary, ...evidence, sameMatchesAs: [] };
}

function notVerified(why: GaveUpReason, reason: string, summary: string): Verdict {
  return { ...rejected(`not verified: ${reason}`, summary, NO_EVIDENCE), unverified: why };
}

function gaveUp(policy: Policy, why: GaveUpReason, limit: number): Verdict {
  const noun = policy.control.policy.floorNoun;
  return why === 'time'
    ? notVerified(
        'time',
        `ran out of the evaluation's time budget before it could be shown to catch ${noun}; evaluate again, or use the CIS pattern`,
        "was not verified: ran out of the evaluation's time budget",
      )
    : notVerified(
        'complexity',
        `the pattern needs more than ${limit.toLocaleString('en-US')} condition evaluations to check, so it cannot be shown to catch ${noun}; simplify it or use the CIS pattern`,
        'is too complex to verify; use the CIS pattern',
      );
}

/** A pattern naming an array element the search does not model can be rejected with a record, never accepted. */
function beyondModelledIndex(policy: Policy, index: number): Verdict {
  return notVerified(
    'complexity',
    `it tests array element [${index}], beyond the first ${MAX_ARRAY_INDEX + 1} elements the judge models in a CloudTrail record, so it cannot be shown to catch ${policy.control.policy.floorNoun}; use the CIS pattern`,
    `tests array element [${index}], beyond what the judge models; use the CIS pattern`,
  );
}

/** Field names the pattern uses that CloudTrail spells with other capitals, e.g. $.errorcode for $.errorCode. */
function caseHint(expression: Expression): string | undefined {
  const known = [...Object.keys(CLOUDTRAIL_FIELDS), ...Object.keys(REALISTIC_VALUES)];
  for (const condition of conditionsOf(expression)) {
    const path = dotted(condition.selector);
    if (path === undefined || known.includes(path)) continue;
    const intended = known.find((k) => k.toLowerCase() === path.toLowerCase());
    if (intended) return `field names are case-sensitive: CloudTrail writes $.${intended}, not ${printSelector(condition.selector)}`;
  }
  return undefined;
}

/** An exact value that the missed record's value extends, e.g. "AccessDenied" for AccessDeniedException. */
function wildcardHint(expression: Expression, missed: JsonObject): string | undefined {
  const conditions = conditionsOf(expression);
  // errorCode first: the 4.1 pattern's values are error codes.
  const ordered = [...conditions.filter((c) => printSelector(c.selector) === '$.errorCode'), ...conditions.filter((c) => printSelector(c.selector) !== '$.errorCode')];
  for (const condition of ordered) {
    if (condition.kind !== 'compare' || condition.value.kind !== 'string') continue;
    const path = dotted(condition.selector);
    const value = path === undefined ? undefined : resolveSelector(condition.selector, missed)[0];
    if (typeof value !== 'string' || (path !== 'errorCode' && condition.operator !== '=')) continue;
    const text = condition.value.text;
    if (text.includes('*') || text === value || text === '') continue;
    if (value.startsWith(text)) return `without a * a value matches exactly; write "${text}*"`;
    if (value.endsWith(text)) return `without a * a value matches exactly; write "*${text}"`;
  }
  return undefined;
}

/** Names listed in a hint before "and N more": the summary shares a 256-character annotation. */
const MISSING_NAMES_SHOWN = 3;

/** The floor's event names the pattern never names, when the missed record is one of them: "it lacks DeleteGroupPolicy". */
function missingNamesHint(policy: Policy, expression: Expression, missed: JsonObject): string | undefined {
  if (typeof missed.eventName !== 'string' || !policy.floorNames.includes(missed.eventName)) return undefined;
  const named = new Set(conditionsOf(expression).flatMap((c) => (c.kind === 'compare' && c.value.kind === 'string' ? [c.value.text] : [])));
  const missing = policy.floorNames.filter((n) => !named.has(n));
  if (!missing.includes(missed.eventName)) return undefined;
  if (missing.length > MISSING_NAMES_SHOWN) return `it lacks ${missing.slice(0, MISSING_NAMES_SHOWN).join(', ')} and ${missing.length - MISSING_NAMES_SHOWN} more of the CIS list`;
  return `it lacks ${missing.join(', ')}; add ${missing.map((n) => `($.eventName = ${n})`).join(' || ')}`;
}

/** The top-level `||` branch that lets a record through, to say which term makes a pattern too broad. */
function matchingBranch(expression: Expression, record: JsonObject): string | undefined {
  if (expression.kind !== 'or') return undefined;
  const branch = expression.operands.find((o) => matchesLogEvent({ kind: 'json', expression: o }, record));
  return branch && (isCondition(branch) || branch.kind === 'and') ? printExpression(branch) : undefined;
}

/** The control's CIS text under the judged version, to name in "use a JSON pattern such as ...". */
function cisExample(policy: Policy): string {
  return (cisTextOf(policy.control, policy.version) ?? policy.control.patterns.find((p) => p.broken === undefined))?.text ?? '';
}

/** The first sample record that meets `expression`, else one the search finds: a floor or ceiling record to show. */
function recordOf(expression: Expression, accept: (record: JsonObject) => boolean = () => true): JsonObject | undefined {
  const sample = SAMPLE_RECORDS.find((r) => evaluateExpression(expression, r) && accept(r));
  if (sample) return sample;
  const found = new RecordSpace([expression]).find([{ expression, expected: true }]);
  return found.kind === 'found' && accept(found.record) ? found.record : undefined;
}

function judgeTerms(policy: Policy, pattern: Extract<FilterPattern, { kind: 'terms' }>, ceiling: boolean): Verdict {
  const field = isDefault(policy) ? 'an errorCode' : 'a CloudTrail field';
  const what =
    pattern.terms.length === 0
      ? `the empty pattern matches every log event, ${policy.control.policy.ceilingNoun} included`
      : `a term pattern looks for words anywhere in the raw record, not in CloudTrail fields, so it cannot tell ${field} from the same word in a user agent or a request parameter`;
  const missed = recordOf(policy.floor, (r) => !matchesLogEvent(pattern, r));
  const overmatch = (): JsonObject | undefined => {
    const ceilingRecord = recordOf(policy.ceiling);
    if (ceilingRecord === undefined) return undefined;
    const lookalike: JsonObject = { ...ceilingRecord, requestParameters: { description: pattern.terms.map((t) => t.text).join(' ') } };
    return [ceilingRecord, lookalike].find((r) => evaluateExpression(policy.ceiling, r) && matchesLogEvent(pattern, r));
  };
  const matched = !missed && ceiling ? overmatch() : undefined;
  const evidence = missed ? missedRecord(missed) : matched ? overmatchedRecord(matched) : NO_EVIDENCE;
  const shows = missed ? `; it misses ${describeFor(policy, missed)}` : matched ? `; it matches ${describeFor(policy, matched)}` : '';
  return rejected(
    `${what}${shows}; use a JSON pattern such as the CIS one: ${cisExample(policy)}`,
    pattern.terms.length === 0
      ? 'is empty, so it matches every event; use the CIS pattern'
      : 'is a term pattern, not a JSON pattern on CloudTrail fields; use the CIS pattern',
    evidence,
  );
}

function judgeSemantics(policy: Policy, expression: Expression, ceiling: boolean, work: SearchWork): Verdict {
  const words = policy.control.policy;
  const space = new RecordSpace([expression, policy.floor, policy.ceiling], work);
  const asks = (...requirements: Requirement[]): SearchResult => space.find(requirements);
  // Records found are real even where the search treats far array elements as absent; "none" is not.
  const unmodelled = unmodelledIndex(expression);

  const any = asks({ expression, expected: true });
  if (any.kind === 'gaveUp') return gaveUp(policy, any.why, work.limit);
  if (any.kind === 'none') {
    if (unmodelled !== undefined) return beyondModelledIndex(policy, unmodelled);
    const hint = caseHint(expression) ?? 'use the CIS pattern';
    const floorRecord = recordOf(policy.floor) ?? SAMPLE_RECORDS[0]!;
    return rejected(
      `never matches: no CloudTrail record satisfies all of its conditions, so its alarm can never fire (it misses ${describeFor(policy, floorRecord)}); ${hint}`,
      `never matches any CloudTrail record; ${hint}`,
      missedRecord(floorRecord),
    );
  }

  const overmatched = asks({ expression: policy.ceiling, expected: true }, { expression, expected: true });
  if (overmatched.kind === 'gaveUp') return gaveUp(policy, overmatched.why, work.limit);
  if (ceiling && overmatched.kind === 'found') {
    const branch = matchingBranch(expression, overmatched.record);
    const via = branch ? ` through ${branch}` : '';
    return rejected(
      `also matches ${words.ceilingNoun}: ${describeFor(policy, overmatched.record)} matches${via}, so its alarm fires on normal activity; use the CIS pattern`,
      `also matches ${words.ceilingNoun} (${briefFor(policy, overmatched.record)}), so its alarm fires on normal activity; use the CIS pattern`,
      overmatchedRecord(overmatched.record),
    );
  }

  const missed = asks({ expression: policy.floor, expected: true }, { expression, expected: false });
  if (missed.kind === 'gaveUp') return gaveUp(policy, missed.why, work.limit);
  if (missed.kind === 'found') {
    const hint = caseHint(expression) ?? wildcardHint(expression, missed.record) ?? missingNamesHint(policy, expression, missed.record) ?? 'use the CIS pattern';
    return rejected(
      `misses ${words.floorNoun}: ${describeFor(policy, missed.record)} does not match; ${hint}`,
      `misses ${words.floorNoun} (${briefFor(policy, missed.record)}); ${hint}`,
      missedRecord(missed.record),
    );
  }
  if (unmodelled !== undefined) return beyondModelledIndex(policy, unmodelled);

  // Spends what is left of the same budget: a search given up here only leaves a text out of the list.
  const same = policy.published.filter(({ expression: published }) => {
    const pair = new RecordSpace([expression, published], work);
    const differ = (a: boolean): SearchResult =>
      pair.find([
        { expression, expected: a },
        { expression: published, expected: !a },
      ]);
    return differ(true).kind === 'none' && differ(false).kind === 'none';
  });
  const sameMatchesAs = same.map(({ pattern }) => pattern.id);
  const sameText = same.length > 0 ? `; it matches the same records as the ${same.map(({ pattern }) => pattern.name).join(' and ')} pattern` : '';
  const broad =
    overmatched.kind === 'found'
      ? ` but also matches ${words.ceilingNoun}, e.g. ${describeFor(policy, overmatched.record)} (allowed: the ${words.ceilingCheck} is off)`
      : ` and no ${words.ceilingRecordNoun}`;
  const summary =
    overmatched.kind === 'found'
      ? `catches ${words.floorNoun} (and ${isDefault(policy) ? 'successful ones' : words.ceilingNoun}: allowed)`
      : `catches ${words.floorNoun}`;
  return {
    valid: true,
    accepted: true,
    reason: `catches every ${words.floorRecordNoun} (${words.floorDefinition})${broad}${sameText}`,
    summary,
    ...NO_EVIDENCE,
    sameMatchesAs,
  };
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
  const policy = policyOf(options.control ?? controlById(DEFAULT_CONTROL), options.cisVersion ?? NEWEST_CIS_VERSION);
  const parsed = parseFilterPattern(text);
  if (!parsed.ok) {
    return rejected(`invalid filter pattern ${formatPatternError(parsed.error)}`, `is not a valid filter pattern (${parsed.error.message})`, NO_EVIDENCE, false);
  }
  const pattern = parsed.pattern;
  let verdict: Verdict;
  switch (pattern.kind) {
    case 'delimited':
      verdict = rejected(
        `a space-delimited [...] pattern reads positional words of a text line, but CloudTrail delivers each record as JSON; use a JSON pattern such as the CIS one: ${cisExample(policy)}`,
        'is a space-delimited pattern, not a JSON pattern on CloudTrail fields; use the CIS pattern',
        NO_EVIDENCE,
      );
      break;
    case 'terms':
      verdict = judgeTerms(policy, pattern, ceiling);
      break;
    case 'json':
      verdict = judgeSemantics(policy, pattern.expression, ceiling, new SearchWork(options.workLimit ?? SEARCH_WORK_LIMIT, options.expired));
      break;
  }
  return applyStrictMode(verdict, text, options.strict, policy.control);
}

/** Ids strict mode accepts for a control: its published patterns that are not broken. */
export function strictIds(control: Control): string[] {
  return control.patterns.filter((p) => p.broken === undefined).map((p) => p.id);
}

/**
 * Strict literal mode: a verdict on the meaning of `text`, rejected as well unless `text` is the published text
 * `strict` names (default control: unauthorized-api-calls).
 */
export function applyStrictMode(verdict: Verdict, text: string, strict: string | undefined, control: Control = controlById(DEFAULT_CONTROL)): Verdict {
  if (!strict) return verdict;
  const published = publishedPattern(control, strict);
  if (published === undefined || published.broken !== undefined) {
    return {
      ...verdict,
      accepted: false,
      reason: `strict mode names ${strict}, which is not a correct text of ${control.id}; use one of ${strictIds(control).join(', ')}`,
      summary: `names an unknown strict text ${strict}`,
    };
  }
  const expected = withoutWhitespace(published.text);
  const actual = withoutWhitespace(text);
  if (expected === actual) return verdict;
  const name = published.name;
  const semantic = verdict.accepted ? 'it matches the right records, but ' : `${verdict.reason}; also, `;
  return {
    ...verdict,
    accepted: false,
    reason: `${semantic}strict ${strict} mode requires the literal ${name} text, and it differs at ${firstDifference(expected, actual)}`,
    summary: verdict.accepted ? `is not the literal ${name} text that strict mode requires` : verdict.summary,
  };
}
