/**
 * The compliance decision for one control: a pure function from what has been read of an account (the snapshot)
 * to either one evaluation of the account, whose annotation names the closest-to-compliant trail, its first broken
 * link and the fix, or the next read it needs (the shell, collect/account.ts, performs it and asks again). The links
 * themselves are in chain.ts.
 */
import { assessTrail, describeFailure, FilterJudge, Unread, type ChainContext, type Step } from './chain';
import { controlById } from './controls/catalogue';
import type { CisVersion, Control } from './controls/control';
import type { RuleParameters } from './parameters';
import { clip, escapeUnsafe } from './text';
import { readIn, type AccountSnapshot, type ReadRequest, type Trail } from './snapshot';

export { describeFailure };

export type ComplianceType = 'COMPLIANT' | 'NON_COMPLIANT' | 'NOT_APPLICABLE';

export interface AccountDecision {
  complianceType: ComplianceType;
  /** One line, at most 256 characters. */
  annotation: string;
}

/** Config's limit on an annotation. */
export const MAX_ANNOTATION_LENGTH = 256;

/** The decision, or the read it needs first. */
export type DecisionOrRead = { decision: AccountDecision } | { need: ReadRequest };

/** What one control is judged by: the control, the CIS version of its policy, the rule's parameters. */
export interface ControlEvaluation {
  control: Control;
  cisVersion: CisVersion;
  parameters: RuleParameters;
}

/** The control and CIS version the rule's parameters name. */
export function evaluationOf(parameters: RuleParameters): ControlEvaluation {
  return { control: controlById(parameters.control), cisVersion: parameters.cisVersion, parameters };
}

/** Order in which trails are read and compared: this account's own first, then the rule's region, then by name. */
function trailOrder(accountId: string, region: string): (a: Trail, b: Trail) => number {
  const key = (t: Trail): string => `${t.ownerAccountId === accountId ? 0 : 1}${t.homeRegion === region ? 0 : 1}${t.name}\u0000${t.arn}`;
  return (a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0);
}

/**
 * An annotation fit for Config: names chosen by whoever created a trail, filter, alarm or topic may hold control or
 * bidirectional characters, which would break the line or reorder what a reader sees, so they are shown escaped;
 * then it is cut to 256 characters, ending in '…', since one over-long annotation makes Config reject the whole call
 * (ValidationException), losing every evaluation in it.
 */
export function truncateAnnotation(annotation: string): string {
  return clip(escapeUnsafe(annotation), MAX_ANNOTATION_LENGTH);
}

/** Joins the main text and the notes that fit into one line of at most 256 characters. */
export function fitAnnotation(main: string, notes: string[] = []): string {
  let text = main;
  for (const note of notes) {
    if (text.length + note.length + 2 <= MAX_ANNOTATION_LENGTH) text += `; ${note}`;
  }
  return truncateAnnotation(text);
}

function annotate(trail: Trail, s: Step): string {
  return fitAnnotation(`Trail ${trail.name} (${trail.homeRegion}): ${s.message}`, s.notes);
}

/**
 * The decision on what has been read so far, or the read it needs next. Trails are assessed in trailOrder, and the
 * first that holds the chain decides: later ones are not needed. `judge` keeps the verdicts of one evaluation.
 */
export function decideOrAsk(snapshot: AccountSnapshot, evaluation: ControlEvaluation, judge: FilterJudge): DecisionOrRead {
  const trails = readIn(snapshot, { read: 'describeTrails', region: snapshot.region });
  if (!trails) return { need: { read: 'describeTrails', region: snapshot.region } };
  if (!trails.ok) {
    return { decision: { complianceType: 'NON_COMPLIANT', annotation: fitAnnotation(`Could not verify: ${describeFailure(trails.failure)}`) } };
  }
  if (trails.value.length === 0) {
    return {
      decision: {
        complianceType: 'NON_COMPLIANT',
        annotation: fitAnnotation(`No CloudTrail trail covers ${snapshot.region}; create a multi-region trail that logs all management events to CloudWatch Logs`),
      },
    };
  }
  const ctx: ChainContext = { snapshot, ...evaluation, judge };
  const assessed: { trail: Trail; step: Step }[] = [];
  for (const trail of [...trails.value].sort(trailOrder(snapshot.accountId, snapshot.region))) {
    let s: Step;
    try {
      s = assessTrail(ctx, trail);
    } catch (e) {
      if (e instanceof Unread) return { need: e.request };
      throw e;
    }
    if (s.outcome === 'compliant') return { decision: { complianceType: 'COMPLIANT', annotation: annotate(trail, s) } };
    assessed.push({ trail, step: s });
  }
  const elsewhere = assessed.find((a) => a.step.outcome === 'owner not verifiable');
  if (elsewhere) return { decision: { complianceType: 'NOT_APPLICABLE', annotation: annotate(elsewhere.trail, elsewhere.step) } };
  const closest = assessed.reduce((a, b) => (b.step.progress > a.step.progress ? b : a));
  return { decision: { complianceType: 'NON_COMPLIANT', annotation: annotate(closest.trail, closest.step) } };
}

/**
 * The decision on a snapshot the shell has finished reading for this control. A snapshot lacking a read the
 * decision needs (one built by hand) is NON_COMPLIANT naming that read, never COMPLIANT.
 */
export function decide(snapshot: AccountSnapshot, parameters: RuleParameters, judge: FilterJudge = new FilterJudge(parameters)): AccountDecision {
  const result = decideOrAsk(snapshot, evaluationOf(parameters), judge);
  if ('decision' in result) return result.decision;
  return { complianceType: 'NON_COMPLIANT', annotation: fitAnnotation(`Could not evaluate: ${result.need.read} was not read`) };
}
