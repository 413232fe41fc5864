/**
 * Decides questions about JSON filter patterns over all CloudTrail records, such as "is there a record that the
 * CIS definition matches and this pattern misses?", by searching a finite set of representative records.
 *
 * Method. Every condition in the JSON pattern language depends on the value that one selector reaches. For each
 * concrete selector (a field) used by the patterns in question, the conditions on it (its atoms) split all
 * possible values into classes: values that make exactly the same atoms true. Two records whose fields fall in the
 * same classes are matched alike by every pattern in question, so one representative value per class suffices.
 * Representatives are derived from the atoms themselves: each literal and its near misses, the fixed part of every
 * prefix, suffix and contains wildcard, concatenations of those parts (a value can start with one and end with
 * another), witnesses generated from each regex, numbers around each numeric bound, booleans, null, an object,
 * absence, and a fresh string; plus values seen in real CloudTrail records, tried first so that counterexamples
 * look real. The field's type in CloudTrail narrows this (errorCode is a string when present; eventName is always
 * present). The search walks the fields one by one, evaluating the question in three-valued logic on the partial
 * record so that whole branches are pruned, and checks each complete record with the real evaluator.
 *
 * Limits, stated rather than hidden:
 * - Classes are realised by construction for literal, wildcard, numeric, boolean, null and absence atoms. For a
 *   regex atom combined with other atoms on the same field, a class whose members need a string built to satisfy
 *   the regex and the other atoms at once may have no representative; such a class is then not explored.
 * - Wildcard selectors (`$.*`, `[*]`) are evaluated on the representative records, which hold realistic values in
 *   the fields no pattern names, not on every possible record.
 * - Array elements past index MAX_ARRAY_INDEX are treated as absent in every record: a record holding one would be
 *   padded with that many elements, too big to build, print or send to TestMetricFilter. The judge therefore never
 *   accepts a pattern that names such an element, nor calls it one that never matches (see modelledIndexLimit).
 * - Records CloudTrail never writes are outside the space (cloudtrail.ts writable): a field only a ConsoleLogin
 *   carries (responseElements.ConsoleLogin, additionalEventData.MFAUsed/LoginTo/MobileVersion) makes the record a
 *   ConsoleLogin of signin.amazonaws.com, which has no errorCode; an event's name is never an errorCode (a value
 *   excluded so stands down for its near misses, which keep its class where it has other members). The walk prunes
 *   by these rules only where a field's class allows no other value, and build() checks every record it makes, so
 *   a class is left out only when none of its members can occur. Nothing else is assumed of which service writes
 *   which error code: SERVICE_ERRORS lists typical codes, not all, and only guides the consistency step below.
 * - The search gives up after a fixed amount of work (SEARCH_WORK_LIMIT condition evaluations, shared by every
 *   question of one judgement) or when the caller's time budget expires, and says which; the caller must treat
 *   that as "not verified". Work, not time, bounds it so that the same pattern always gets the same verdict.
 *
 * A record found is then made to read like one CloudTrail writes (RecordSpace.consistent): eventSource of its
 * eventName, the service's own error code and message, a userIdentity of its type; it never leaves the space. A change is kept only if every
 * field the question names stays in its class and the record still meets the question, so verdicts do not move.
 */
import type { Condition, Expression, SelectorSegment } from './ast';
import { conditionsOf, isCondition, selectorHasWildcard } from './ast';
import {
  actionOf,
  CLOSED_OBJECTS,
  CLOUDTRAIL_FIELDS,
  EVENT_SOURCES,
  eventSourceOf,
  carriesSignInField,
  inconsistencies,
  isErrorCode,
  REALISTIC_VALUES,
  SAMPLE_RECORDS,
  SERVICE_ERRORS,
  SIGN_IN,
  userIdentityOf,
  writable,
  writesEvent,
  type FieldShape,
} from './cloudtrail';
import {
  conditionHolds,
  evaluateExpression,
  MISSING,
  resolveSelector,
  type FieldValue,
  type JsonObject,
  type JsonValue,
} from './evaluate';
import { regexWitnesses } from './regex-witness';

/** Stands for "an object or array here", so that the fields below it can be present. */
const CONTAINER: unique symbol = Symbol('container');
type Representative = FieldValue | typeof CONTAINER;

type Tri = boolean | undefined;

interface Field {
  segments: SelectorSegment[];
  /** Dotted path when every segment is a key (how CLOUDTRAIL_FIELDS names fields). */
  dotted: string | undefined;
  atoms: Condition[];
  /** Indexes of fields that lie above this one. */
  ancestors: number[];
  domain: Representative[];
  /** Each representative's class (classOf), kept from building the domain so that the walk asks no atom again. */
  classes: Map<Representative, string>;
}

/** The space's fields that CloudTrail's sign-in rules name (cloudtrail.ts SIGN_IN), by index; absent where no question names one. */
interface SignInFields {
  only: number[];
  eventName?: number;
  eventSource?: number;
  errorCode?: number;
}

/** One requirement of a question: this expression must evaluate to `expected`. */
export interface Requirement {
  expression: Expression;
  expected: boolean;
}

/** Why a search gave up: its work limit, or the evaluation's time budget. */
export type GaveUpReason = 'complexity' | 'time';

export type SearchResult = { kind: 'found'; record: JsonObject } | { kind: 'none' } | { kind: 'gaveUp'; why: GaveUpReason };

/**
 * Condition evaluations (plus a few units per built record) after which the searches of one judgement give up.
 * The judge's corpus needs under a thousand; a unit costs 0.1 to 0.4 µs, so a judgement that reaches this limit
 * takes some 10 to 40 ms, half a node process start (bench/patterns.ts prints both).
 */
export const SEARCH_WORK_LIMIT = 100_000;

/** The highest array index the search models; see the header. CloudTrail's own arrays hold a few elements. */
export const MAX_ARRAY_INDEX = 99;

/** How often (in search steps) the time budget is asked: often enough to stop promptly, rarely enough to be free. */
const TIME_POLL_STEPS = 256;
/** Records found beyond the first, and the work they may cost, in search of one that reads like a real record. */
const MAX_ALTERNATIVES = 8;
const ALTERNATIVES_WORK = 2_000;
/** Work charged for building and checking one complete record, beyond its condition evaluations. */
const RECORD_COST = 20;
/** Work charged for a wildcard condition on a complete record: it tests every value its selector reaches. */
const WILDCARD_COST = 20;

/** The work budget shared by the searches of one judgement. */
export class SearchWork {
  spent = 0;
  stopped: GaveUpReason | undefined;
  private steps = 0;

  constructor(
    readonly limit: number = SEARCH_WORK_LIMIT,
    private readonly expired?: () => boolean,
  ) {}

  /** Charges `units` of work; true when the search must stop. Asks the time budget every TIME_POLL_STEPS calls. */
  spend(units: number): boolean {
    if (this.stopped) return true;
    this.spent += units;
    if (this.spent > this.limit) this.stopped = 'complexity';
    else if (this.expired && ++this.steps % TIME_POLL_STEPS === 0 && this.expired()) this.stopped = 'time';
    return this.stopped !== undefined;
  }

  /** Asks the time budget now, before a question starts. */
  checkTime(): boolean {
    if (!this.stopped && this.expired?.()) this.stopped = 'time';
    return this.stopped !== undefined;
  }
}

const FRESH_STRING = 'zq-unmatched';
const FILLER = 'x';

function fieldKey(segments: SelectorSegment[]): string {
  return JSON.stringify(segments);
}

function dottedPath(segments: SelectorSegment[]): string | undefined {
  if (!segments.every((s) => s.kind === 'key')) return undefined;
  return segments.map((s) => (s as { name: string }).name).join('.');
}

function sameSegment(a: SelectorSegment, b: SelectorSegment | undefined): boolean {
  if (a.kind === 'key') return b?.kind === 'key' && a.name === b.name;
  if (a.kind === 'index') return b?.kind === 'index' && a.index === b.index;
  return a.kind === b?.kind;
}

function isPrefix(a: SelectorSegment[], b: SelectorSegment[]): boolean {
  return a.length < b.length && a.every((s, i) => sameSegment(s, b[i]));
}

/** Whether a wildcard selector can reach the value at a concrete path. */
function reaches(wildcard: SelectorSegment[], path: SelectorSegment[]): boolean {
  if (wildcard.length !== path.length) return false;
  return wildcard.every((w, i) => {
    const p = path[i]!;
    if (w.kind === 'anyKey') return p.kind === 'key';
    if (w.kind === 'anyIndex') return p.kind === 'index';
    return sameSegment(w, p);
  });
}

/** The highest array index an expression names beyond MAX_ARRAY_INDEX, if any: a question the search cannot model. */
export function unmodelledIndex(expression: Expression): number | undefined {
  const indices = conditionsOf(expression).flatMap((c) => c.selector.segments.flatMap((s) => (s.kind === 'index' && s.index > MAX_ARRAY_INDEX ? [s.index] : [])));
  return indices.length > 0 ? Math.max(...indices) : undefined;
}

/** The CloudTrail shape of a field, or 'absent' when an ancestor's type cannot hold it or it lies past MAX_ARRAY_INDEX. */
function shapeOf(segments: SelectorSegment[]): FieldShape | 'absent' | undefined {
  if (segments.some((s) => s.kind === 'index' && s.index > MAX_ARRAY_INDEX)) return 'absent';
  for (let n = 1; n < segments.length; n++) {
    const above = dottedPath(segments.slice(0, n));
    const shape = above === undefined ? undefined : CLOUDTRAIL_FIELDS[above];
    if (!shape) continue;
    const next = segments[n]!;
    const holdsKeys = shape.type === 'object' || shape.type === 'objectOrNull';
    if (next.kind === 'key' ? !holdsKeys : shape.type !== 'array') return 'absent';
  }
  const dotted = dottedPath(segments);
  if (dotted === undefined) return undefined;
  const parent = dottedPath(segments.slice(0, -1));
  if (!CLOUDTRAIL_FIELDS[dotted] && parent !== undefined && CLOSED_OBJECTS.includes(parent)) return 'absent';
  return CLOUDTRAIL_FIELDS[dotted];
}

function wildcardParts(text: string): { leading: boolean; trailing: boolean; core: string } {
  const leading = text.startsWith('*');
  const trailing = text.length > 1 && text.endsWith('*');
  return { leading, trailing, core: text.slice(leading ? 1 : 0, trailing ? -1 : undefined) };
}

/** Work charged for a string of this length: long regex witnesses cost more to build and to match. */
function stringCost(value: JsonValue): number {
  return typeof value === 'string' ? 1 + Math.floor(value.length / 64) : 1;
}

/**
 * Representative strings and numbers for a field, from its atoms. Generation is charged to `work` as it goes, so
 * that a field with a hundred wildcard atoms (ten thousand concatenations) stops the search rather than stalling.
 */
function derivedValues(atoms: Condition[], work: SearchWork): JsonValue[] {
  const strings: string[] = [];
  const cores: string[] = [];
  const numbers: number[] = [];
  for (const atom of atoms) {
    if (atom.kind !== 'compare') continue;
    const { value } = atom;
    if (value.kind === 'string') {
      const { leading, trailing, core } = wildcardParts(value.text);
      cores.push(core);
      if (!leading && !trailing) strings.push(core, core + FILLER, FILLER + core);
      else if (leading && trailing) strings.push(core, FILLER + core + FILLER);
      // The filled form first: a bucket name `prod-x` reads better than `prod-`, and both are in the same class.
      else if (leading) strings.push(FILLER + core, core);
      else strings.push(core + FILLER, core);
    } else if (value.kind === 'regex') {
      const witnesses = regexWitnesses(value.source);
      strings.push(...witnesses);
      cores.push(...witnesses);
    } else {
      const n = value.value;
      numbers.push(n, n - 1, n + 1, n - 0.5, n + 0.5);
      strings.push(String(n));
    }
  }
  for (const a of cores) {
    for (const b of cores) {
      if (work.spend(2 + Math.floor((a.length + b.length) / 32))) return [];
      strings.push(a + b, a + FILLER + b);
    }
  }
  return [...strings, '', FRESH_STRING, ...numbers];
}

function domainFor(shape: FieldShape | 'absent' | undefined, realistic: string[], atoms: Condition[], work: SearchWork): Representative[] {
  if (shape === 'absent') return [MISSING];
  const optional: Representative[] = shape?.always ? [] : [MISSING];
  switch (shape?.type) {
    case 'string':
      return [...realistic, ...derivedValues(atoms, work).filter((v) => typeof v === 'string'), ...optional];
    case 'boolean':
      return [true, false, ...optional];
    case 'object':
    case 'array':
      return [CONTAINER, ...optional];
    case 'objectOrNull':
      return [CONTAINER, null, ...optional];
    case undefined:
      return [...realistic, ...derivedValues(atoms, work), true, false, null, CONTAINER, MISSING];
  }
}

function asRepresentative(value: FieldValue): Representative {
  return typeof value === 'object' && value !== null ? CONTAINER : value;
}

export class RecordSpace {
  private readonly fields: Field[] = [];
  /** Each field's index by its selector's key, and each condition's field, so that evaluation never searches. */
  private readonly fieldIndex = new Map<string, number>();
  private readonly conditionField = new Map<Condition, number>();
  private readonly signIn: SignInFields = { only: [] };

  /**
   * `expressions`: every expression the questions asked of this space will mention; `work`: the budget, shared
   * with the other spaces of one judgement. Building the space is charged to it too.
   */
  constructor(
    expressions: Expression[],
    private readonly work: SearchWork = new SearchWork(),
    firstFields: string[] = ['errorCode', 'sourceIPAddress', 'eventName'],
  ) {
    const conditions = expressions.flatMap(conditionsOf);
    const bySelector = new Map<string, SelectorSegment[]>();
    const atomsByKey = new Map<string, Condition[]>();
    const wildcards: Condition[] = [];
    for (const name of firstFields) bySelector.set(fieldKey([{ kind: 'key', name }]), [{ kind: 'key', name }]);
    for (const c of conditions) {
      if (selectorHasWildcard(c.selector)) {
        wildcards.push(c);
        continue;
      }
      const key = fieldKey(c.selector.segments);
      bySelector.set(key, c.selector.segments);
      atomsByKey.set(key, [...(atomsByKey.get(key) ?? []), c]);
    }
    // Parents before children, so that a field's domain can depend on what its ancestors were given.
    const paths = [...bySelector.entries()].sort((a, b) => a[1].length - b[1].length);
    for (const [key, segments] of paths) {
      const atoms = [...(atomsByKey.get(key) ?? []), ...wildcards.filter((c) => reaches(c.selector.segments, segments))];
      const uniqueAtoms = [...new Map(atoms.map((a) => [JSON.stringify(a), a])).values()];
      this.fieldIndex.set(key, this.fields.length);
      this.fields.push({ segments, dotted: dottedPath(segments), atoms: uniqueAtoms, ancestors: [], domain: [], classes: new Map() });
    }
    for (const field of this.fields) {
      if (this.work.spend(this.fields.length)) return;
      field.ancestors = this.fields.flatMap((f, j) => (isPrefix(f.segments, field.segments) ? [j] : []));
      const realistic = field.dotted !== undefined ? (REALISTIC_VALUES[field.dotted] ?? []) : [];
      const seen = new Set<string>();
      field.domain = domainFor(shapeOf(field.segments), realistic, field.atoms, this.work)
        // A value CloudTrail never writes there stands down for its near misses, which keep its class if it has others.
        .flatMap((value): Representative[] => (field.dotted === 'errorCode' && typeof value === 'string' && !isErrorCode(value) ? [value + FILLER, FILLER + value] : [value]))
        .filter((value) => {
          if (this.work.stopped) return false;
          const key = this.classOf(field, value);
          if (seen.has(key)) return false;
          seen.add(key);
          field.classes.set(value, key);
          return true;
        });
    }
    for (const [index, field] of this.fields.entries()) {
      if (field.dotted !== undefined && (SIGN_IN.onlyFields as readonly string[]).includes(field.dotted)) this.signIn.only.push(index);
      if (field.dotted === 'eventName' || field.dotted === 'eventSource' || field.dotted === 'errorCode') this.signIn[field.dotted] = index;
    }
  }

  /**
   * Finds a CloudTrail record that meets every requirement, if one exists. A sample record that meets them is
   * returned as it is, so that counterexamples are real-looking records whenever one will do.
   */
  find(requirements: Requirement[]): SearchResult {
    const work = this.work;
    const gaveUp = (): SearchResult => ({ kind: 'gaveUp', why: work.stopped ?? 'complexity' });
    if (work.checkTime()) return gaveUp();
    const size = requirements.reduce((n, r) => n + conditionsOf(r.expression).reduce((m, c) => m + (selectorHasWildcard(c.selector) ? WILDCARD_COST : 1), 0), 0);
    const meets = (record: JsonObject): boolean => {
      work.spend(size + RECORD_COST);
      return requirements.every((r) => evaluateExpression(r.expression, record) === r.expected);
    };
    const sample = SAMPLE_RECORDS.find(meets);
    if (work.stopped) return gaveUp();
    if (sample) return { kind: 'found', record: structuredClone(sample) };
    const assignment: Representative[] = [];
    let found: JsonObject | undefined;
    let flawed = 0;
    let spentBeforeAlternatives: number | undefined;
    // A record that cannot be made consistent (its classes force, say, an EC2 error code on an S3 call) is kept,
    // but a few more are looked for, within a small share of the budget, in case one reads like a real record.
    const alternativesDone = (): boolean =>
      ++flawed > MAX_ALTERNATIVES || (spentBeforeAlternatives !== undefined && work.spent - spentBeforeAlternatives > ALTERNATIVES_WORK);

    const partial = (assigned: number): Tri => {
      let all = true;
      for (const r of requirements) {
        const value = this.tri(r.expression, assignment, assigned);
        if (value === undefined) all = false;
        else if (value !== r.expected) return false;
      }
      return all ? true : undefined;
    };

    const walk = (index: number): boolean => {
      if (work.spend(1)) return true;
      if (partial(index) === false || this.signInConflict(assignment, index)) return false;
      if (index === this.fields.length) {
        const record = this.build(assignment);
        if (record && meets(record)) {
          const polished = this.consistent(record, meets);
          const flaws = inconsistencies(polished);
          if (found === undefined || flaws < inconsistencies(found)) found = polished;
          spentBeforeAlternatives ??= work.spent;
          return flaws === 0 || alternativesDone();
        }
        return work.stopped !== undefined;
      }
      const field = this.fields[index]!;
      const hosted = field.ancestors.every((a) => assignment[a] === CONTAINER);
      const domain: Representative[] = hosted ? field.domain : [MISSING];
      for (const value of domain) {
        assignment[index] = value;
        if (walk(index + 1)) return true;
      }
      assignment.length = index;
      return false;
    };

    walk(0);
    if (found) return { kind: 'found', record: found };
    if (work.stopped) return gaveUp();
    return { kind: 'none' };
  }

  /**
   * Whether the first `assigned` fields already break a sign-in rule for every record of their classes: a field
   * only a ConsoleLogin carries, on a record whose eventName or eventSource class holds no ConsoleLogin of
   * signin.amazonaws.com, or with an errorCode; a signin.amazonaws.com record with an errorCode. Pruning only;
   * build() checks every record it makes with writable().
   */
  private signInConflict(assignment: Representative[], assigned: number): boolean {
    const { only, eventName, eventSource, errorCode } = this.signIn;
    const value = (index: number | undefined): Representative | undefined => (index !== undefined && index < assigned ? assignment[index] : undefined);
    const name = value(eventName);
    const source = value(eventSource);
    const code = value(errorCode);
    const carries = only.some((index) => index < assigned && assignment[index] !== MISSING);
    if (carries && name !== undefined && !this.admits(eventName!, name, SIGN_IN.eventName)) return true;
    const login = carries || (name !== undefined && this.forces(eventName!, name, SIGN_IN.eventName));
    if (login && source !== undefined && !this.admits(eventSource!, source, SIGN_IN.eventSource)) return true;
    const signin = login || (source !== undefined && this.forces(eventSource!, source, SIGN_IN.eventSource));
    return signin && code !== undefined && code !== MISSING;
  }

  /** Whether the class of `representative` holds `value`. */
  private admits(index: number, representative: Representative, value: string): boolean {
    const field = this.fields[index]!;
    return field.classes.get(representative) === this.classOf(field, value);
  }

  /** Whether every value in the class of `representative` is `value`: an exact `=` atom on it holds there. */
  private forces(index: number, representative: Representative, value: string): boolean {
    const field = this.fields[index]!;
    return (
      representative === value &&
      field.atoms.some((a) => a.kind === 'compare' && a.operator === '=' && a.value.kind === 'string' && a.value.text === value && !a.value.text.includes('*'))
    );
  }

  /** Three-valued evaluation over the first `assigned` fields; undefined where the outcome is still open. */
  private tri(expression: Expression, assignment: Representative[], assigned: number): Tri {
    if (isCondition(expression)) {
      if (selectorHasWildcard(expression.selector)) return undefined;
      const index = this.fieldOfCondition(expression);
      if (index === undefined || index >= assigned) return undefined;
      return this.holds(expression, assignment[index]!);
    }
    let open = false;
    for (const operand of expression.operands) {
      const value = this.tri(operand, assignment, assigned);
      if (value === undefined) open = true;
      else if (expression.kind === 'and' ? !value : value) return value;
    }
    return open ? undefined : expression.kind === 'and';
  }

  private fieldOfCondition(condition: Condition): number | undefined {
    if (!this.conditionField.has(condition)) {
      const index = this.fieldIndex.get(fieldKey(condition.selector.segments));
      if (index !== undefined) this.conditionField.set(condition, index);
      return index;
    }
    return this.conditionField.get(condition);
  }

  /** Whether an atom holds for a representative; charged to the work budget. */
  private holds(atom: Condition, value: Representative): boolean {
    this.work.spend(atom.kind === 'compare' && atom.value.kind === 'regex' ? stringCost(value === CONTAINER || value === MISSING ? null : value) : 1);
    return conditionHolds(atom, value === CONTAINER ? {} : value);
  }

  /** The class of a value: what kind of value it is, and which atoms it makes true. */
  private classOf(field: Field, value: Representative): string {
    const kind = value === MISSING ? 'M' : value === CONTAINER ? 'C' : 'V';
    return kind + field.atoms.map((a) => (this.holds(a, value) ? '1' : '0')).join('');
  }

  /**
   * Builds a record for a full assignment: the most similar sample record, with each field that falls in another
   * class replaced by its representative. Returns undefined when the fields cannot coexist in one JSON document.
   */
  private build(assignment: Representative[]): JsonObject | undefined {
    const agreement = (sample: JsonObject): number =>
      this.fields.reduce((n, f, i) => n + (this.sameClass(f, sampleValue(sample, f), assignment[i]!) ? 1 : 0), 0);
    let base = SAMPLE_RECORDS[0]!;
    let best = -1;
    for (const sample of SAMPLE_RECORDS) {
      const score = agreement(sample);
      if (score > best) {
        best = score;
        base = sample;
      }
    }
    const record = structuredClone(base);
    for (const [i, field] of this.fields.entries()) {
      const wanted = assignment[i]!;
      const current = sampleValue(record, field);
      if (this.sameClass(field, current, wanted)) continue;
      if (wanted === MISSING) removeAt(record, field.segments);
      else setAt(record, field.segments, wanted === CONTAINER ? containerFor(field, this.fields) : wanted);
    }
    // What a sign-in implies (SIGN_IN): a field only a ConsoleLogin carries makes the record one, from signin.amazonaws.com.
    if (carriesSignInField(record)) record.eventName = SIGN_IN.eventName;
    if (record.eventName === SIGN_IN.eventName) Object.assign(record, { eventSource: SIGN_IN.eventSource, eventType: SIGN_IN.eventType });
    const consistent = this.fields.every((f, i) => this.sameClass(f, sampleValue(record, f), assignment[i]!));
    return consistent && writable(record) ? record : undefined;
  }

  /**
   * Makes a found record read like one CloudTrail writes: eventSource of its eventName, the service's own error
   * code and message, a userIdentity whose fields agree with its type. Each change is kept only when every field
   * the question names stays in its class and the record still meets the requirements, so the answer is the same
   * record as far as the question can tell; only the fields it does not constrain (or constrains loosely) move.
   */
  private consistent(record: JsonObject, meets: (record: JsonObject) => boolean): JsonObject {
    const classes = this.fields.map((f) => this.classOf(f, asRepresentative(sampleValue(record, f))));
    let current = record;
    const attempt = (change: (draft: JsonObject) => void): boolean => {
      if (this.work.stopped) return false;
      const draft = structuredClone(current);
      change(draft);
      const same = this.fields.every((f, i) => this.classOf(f, asRepresentative(sampleValue(draft, f))) === classes[i]);
      if (!same || !writable(draft) || !meets(draft)) return false;
      current = draft;
      return true;
    };
    const text = (key: string): string | undefined => (typeof current[key] === 'string' ? current[key] : undefined);

    // The service: eventSource follows a known eventName; else eventName follows a known eventSource.
    const name = text('eventName');
    const source = name === undefined ? undefined : eventSourceOf(name);
    if (source === undefined || !writesEvent(text('eventSource') ?? '', name ?? '')) {
      const moved = source !== undefined && attempt((d) => (d.eventSource = source));
      const names = EVENT_SOURCES[text('eventSource') ?? ''] ?? [];
      if (!moved) names.some((n) => attempt((d) => (d.eventName = n)));
    }

    // The error: a code of this service, or else a service that writes this code; the message that goes with it.
    const code = text('errorCode');
    if (code === undefined) attempt((d) => delete d.errorMessage);
    else {
      const own = SERVICE_ERRORS[text('eventSource') ?? '']?.errorCodes ?? [];
      if (!own.includes(code) && !own.some((c) => attempt((d) => (d.errorCode = c)))) {
        const services = Object.keys(SERVICE_ERRORS).filter((s) => SERVICE_ERRORS[s]!.errorCodes.includes(code));
        services.some((s) => EVENT_SOURCES[s]!.some((n) => attempt((d) => Object.assign(d, { eventSource: s, eventName: n }))));
      }
    }

    // The identity: the template of its type; an AWS service calls from its own name.
    const identity = current.userIdentity;
    const type = typeof identity === 'object' && identity !== null && !Array.isArray(identity) ? identity.type : undefined;
    if (typeof type === 'string') {
      // A principalId or arn the question pins may still fit an assumed role: as its session name, or its role's.
      const { principalId, arn, userName } = identity as JsonObject;
      const session = typeof principalId === 'string' && /^[\w+=,.@-]{2,64}$/.test(principalId) ? principalId : undefined;
      const role = typeof arn === 'string' ? /role\/([\w+=,.@-]{1,64})/.exec(arn)?.[1] : undefined;
      // An IAM user keeps the userName the question pins, with the arn that names it.
      const user = type === 'IAMUser' && typeof userName === 'string' && /^[\w+=,.@-]{1,64}$/.test(userName) ? userName : undefined;
      const candidates = [userIdentityOf(type, user), ...(session ?? role ? [userIdentityOf('AssumedRole', session, role)] : [])];
      candidates.some((template) => template !== undefined && attempt((d) => (d.userIdentity = template)));
    }
    const user = current.userIdentity as JsonObject | undefined;
    const address = text('sourceIPAddress');
    if (user?.type === 'AWSService' && typeof user.invokedBy === 'string') {
      const service = user.invokedBy;
      attempt((d) => (d.sourceIPAddress = service));
    } else if (address?.endsWith('.amazonaws.com')) {
      attempt((d) => (d.userIdentity = { type: 'AWSService', invokedBy: address }));
    }

    // A console sign-in reads as the CloudTrail User Guide shows one (SIGN_IN): its outcome in responseElements, the
    // console it signed in to, a browser; no request id, and no service acting for the user.
    if (text('eventName') === SIGN_IN.eventName) {
      const outcome = text('errorMessage') === undefined ? 'Success' : 'Failure';
      const extra = typeof current.additionalEventData === 'object' && current.additionalEventData !== null ? current.additionalEventData : {};
      attempt((d) => (d.responseElements = { ConsoleLogin: outcome }));
      attempt((d) => (d.additionalEventData = { LoginTo: 'https://console.aws.amazon.com/console/home', MobileVersion: 'No', MFAUsed: 'No', ...extra }));
      attempt((d) => {
        d.userAgent = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/129.0.0.0 Safari/537.36';
        delete d.requestID;
      });
      attempt((d) => delete (d.userIdentity as JsonObject).invokedBy);
    }

    // The message of a denial names the caller and the action, as the service writes it.
    const finalSource = text('eventSource') ?? '';
    const errors = SERVICE_ERRORS[finalSource];
    if (errors !== undefined && text('errorCode') === errors.errorCodes[0]) {
      const arn = (current.userIdentity as JsonObject | undefined)?.arn;
      const caller = typeof arn === 'string' ? arn : `arn:aws:iam::${text('recipientAccountId') ?? ''}:root`;
      const message = errors.deniedMessage(actionOf(finalSource, text('eventName') ?? ''), caller);
      attempt((d) => (d.errorMessage = message));
    }
    return current;
  }

  private sameClass(field: Field, actual: FieldValue, wanted: Representative): boolean {
    return this.classOf(field, asRepresentative(actual)) === this.classOf(field, wanted);
  }
}

function sampleValue(record: JsonObject, field: Field): FieldValue {
  return resolveSelector({ segments: field.segments }, record)[0]!;
}

function containerFor(field: Field, fields: Field[]): JsonValue {
  const child = fields.find((f) => isPrefix(field.segments, f.segments));
  return child?.segments[field.segments.length]?.kind === 'index' ? [] : {};
}

function removeAt(record: JsonObject, segments: SelectorSegment[]): void {
  const parent = resolveSelector({ segments: segments.slice(0, -1) }, record)[0];
  const last = segments[segments.length - 1]!;
  if (last.kind === 'key' && typeof parent === 'object' && parent !== null && !Array.isArray(parent)) delete parent[last.name];
  if (last.kind === 'index' && Array.isArray(parent)) parent.splice(last.index);
}

function setAt(record: JsonObject, segments: SelectorSegment[], value: JsonValue): void {
  let node: JsonValue = record;
  for (const [i, segment] of segments.entries()) {
    const last = i === segments.length - 1;
    const nextIsIndex = segments[i + 1]?.kind === 'index';
    if (segment.kind === 'key' && typeof node === 'object' && node !== null && !Array.isArray(node)) {
      if (last) node[segment.name] = value;
      else {
        const child: JsonValue | undefined = node[segment.name];
        if (typeof child !== 'object' || child === null) node[segment.name] = nextIsIndex ? [] : {};
        node = node[segment.name]!;
      }
    } else if (segment.kind === 'index' && Array.isArray(node)) {
      while (node.length < segment.index) node.push(null);
      if (last) node[segment.index] = value;
      else {
        if (typeof node[segment.index] !== 'object' || node[segment.index] === null) node[segment.index] = nextIsIndex ? [] : {};
        node = node[segment.index]!;
      }
    } else return;
  }
}
