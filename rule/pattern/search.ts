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
 * - The search gives up after a fixed number of steps and says so; the caller must treat that as "not verified".
 */
import type { Condition, Expression, SelectorSegment } from './ast';
import { conditionsOf, isCondition, selectorHasWildcard } from './ast';
import { CLOSED_OBJECTS, CLOUDTRAIL_FIELDS, REALISTIC_VALUES, SAMPLE_RECORDS, type FieldShape } from './cloudtrail';
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
  hasDescendants: boolean;
  domain: Representative[];
}

/** One requirement of a question: this expression must evaluate to `expected`. */
export interface Requirement {
  expression: Expression;
  expected: boolean;
}

export type SearchResult = { kind: 'found'; record: JsonObject } | { kind: 'none' } | { kind: 'gaveUp'; steps: number };

/** Steps after which a search gives up. Ordinary patterns need a few hundred. */
export const SEARCH_STEP_LIMIT = 200_000;

const FRESH_STRING = 'zq-unmatched';
const FILLER = 'x';

function fieldKey(segments: SelectorSegment[]): string {
  return JSON.stringify(segments);
}

function dottedPath(segments: SelectorSegment[]): string | undefined {
  if (!segments.every((s) => s.kind === 'key')) return undefined;
  return segments.map((s) => (s as { name: string }).name).join('.');
}

function isPrefix(a: SelectorSegment[], b: SelectorSegment[]): boolean {
  return a.length < b.length && a.every((s, i) => JSON.stringify(s) === JSON.stringify(b[i]));
}

/** Whether a wildcard selector can reach the value at a concrete path. */
function reaches(wildcard: SelectorSegment[], path: SelectorSegment[]): boolean {
  if (wildcard.length !== path.length) return false;
  return wildcard.every((w, i) => {
    const p = path[i]!;
    if (w.kind === 'anyKey') return p.kind === 'key';
    if (w.kind === 'anyIndex') return p.kind === 'index';
    return JSON.stringify(w) === JSON.stringify(p);
  });
}

/** The CloudTrail shape of a field, or 'absent' when an ancestor's type cannot hold it. */
function shapeOf(segments: SelectorSegment[]): FieldShape | 'absent' | undefined {
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

/** Representative strings and numbers for a field, from its atoms. */
function derivedValues(atoms: Condition[]): JsonValue[] {
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
      else if (leading) strings.push(core, FILLER + core);
      else strings.push(core, core + FILLER);
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
  for (const a of cores) for (const b of cores) strings.push(a + b, a + FILLER + b);
  return [...strings, '', FRESH_STRING, ...numbers];
}

function domainFor(shape: FieldShape | 'absent' | undefined, realistic: string[], atoms: Condition[]): Representative[] {
  if (shape === 'absent') return [MISSING];
  const optional: Representative[] = shape?.always ? [] : [MISSING];
  switch (shape?.type) {
    case 'string':
      return [...realistic, ...derivedValues(atoms).filter((v) => typeof v === 'string'), ...optional];
    case 'boolean':
      return [true, false, ...optional];
    case 'object':
    case 'array':
      return [CONTAINER, ...optional];
    case 'objectOrNull':
      return [CONTAINER, null, ...optional];
    case undefined:
      return [...derivedValues(atoms), true, false, null, CONTAINER, MISSING];
  }
}

function holds(atom: Condition, value: Representative): boolean {
  return conditionHolds(atom, value === CONTAINER ? {} : value);
}

/** The class of a value: what kind of value it is, and which atoms it makes true. */
function classOf(field: Field, value: Representative): string {
  const kind = value === MISSING ? 'M' : value === CONTAINER ? 'C' : 'V';
  return kind + field.atoms.map((a) => (holds(a, value) ? '1' : '0')).join('');
}

function asRepresentative(value: FieldValue): Representative {
  return typeof value === 'object' && value !== null ? CONTAINER : value;
}

export class RecordSpace {
  private readonly fields: Field[];

  /**
   * `expressions`: every expression the questions asked of this space will mention; `stepLimit`: the search budget
   * of one question.
   */
  constructor(
    expressions: Expression[],
    private readonly stepLimit: number = SEARCH_STEP_LIMIT,
    firstFields: string[] = ['errorCode', 'sourceIPAddress', 'eventName'],
  ) {
    const conditions = expressions.flatMap(conditionsOf);
    const bySelector = new Map<string, SelectorSegment[]>();
    for (const name of firstFields) bySelector.set(fieldKey([{ kind: 'key', name }]), [{ kind: 'key', name }]);
    for (const c of conditions) {
      if (!selectorHasWildcard(c.selector)) bySelector.set(fieldKey(c.selector.segments), c.selector.segments);
    }
    // Parents before children, so that a field's domain can depend on what its ancestors were given.
    const paths = [...bySelector.values()].sort((a, b) => a.length - b.length);
    this.fields = paths.map((segments) => {
      const atoms = conditions.filter(
        (c) => fieldKey(c.selector.segments) === fieldKey(segments) || (selectorHasWildcard(c.selector) && reaches(c.selector.segments, segments)),
      );
      const uniqueAtoms = [...new Map(atoms.map((a) => [JSON.stringify(a), a])).values()];
      const dotted = dottedPath(segments);
      return {
        segments,
        dotted,
        atoms: uniqueAtoms,
        ancestors: [],
        hasDescendants: paths.some((p) => isPrefix(segments, p)),
        domain: [],
      };
    });
    for (const field of this.fields) {
      field.ancestors = this.fields.flatMap((f, j) => (isPrefix(f.segments, field.segments) ? [j] : []));
      const realistic = field.dotted !== undefined ? (REALISTIC_VALUES[field.dotted] ?? []) : [];
      const seen = new Set<string>();
      field.domain = domainFor(shapeOf(field.segments), realistic, field.atoms).filter((value) => {
        const key = classOf(field, value);
        if (seen.has(key)) return false;
        seen.add(key);
        return true;
      });
    }
  }

  /**
   * Finds a CloudTrail record that meets every requirement, if one exists. A sample record that meets them is
   * returned as it is, so that counterexamples are real-looking records whenever one will do.
   */
  find(requirements: Requirement[]): SearchResult {
    const meets = (record: JsonObject): boolean => requirements.every((r) => evaluateExpression(r.expression, record) === r.expected);
    const sample = SAMPLE_RECORDS.find(meets);
    if (sample) return { kind: 'found', record: structuredClone(sample) };
    const assignment: Representative[] = [];
    let steps = 0;
    let found: JsonObject | undefined;

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
      if (++steps > this.stepLimit) return true;
      if (partial(index) === false) return false;
      if (index === this.fields.length) {
        const record = this.build(assignment);
        if (record && meets(record)) {
          found = record;
          return true;
        }
        return false;
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
    if (steps > this.stepLimit) return { kind: 'gaveUp', steps };
    return { kind: 'none' };
  }

  /** Three-valued evaluation over the first `assigned` fields; undefined where the outcome is still open. */
  private tri(expression: Expression, assignment: Representative[], assigned: number): Tri {
    if (isCondition(expression)) {
      if (selectorHasWildcard(expression.selector)) return undefined;
      const key = fieldKey(expression.selector.segments);
      const index = this.fields.findIndex((f) => fieldKey(f.segments) === key);
      if (index < 0 || index >= assigned) return undefined;
      return holds(expression, assignment[index]!);
    }
    let open = false;
    for (const operand of expression.operands) {
      const value = this.tri(operand, assignment, assigned);
      if (value === undefined) open = true;
      else if (expression.kind === 'and' ? !value : value) return value;
    }
    return open ? undefined : expression.kind === 'and';
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
    const consistent = this.fields.every((f, i) => this.sameClass(f, sampleValue(record, f), assignment[i]!));
    return consistent ? record : undefined;
  }

  private sameClass(field: Field, actual: FieldValue, wanted: Representative): boolean {
    return classOf(field, asRepresentative(actual)) === classOf(field, wanted);
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
