/**
 * The compliance decision: a pure function from an account snapshot and the rule's parameters to one evaluation
 * of the account, whose annotation names the closest-to-compliant trail, its first broken link and the fix.
 */
import {
  checkActionsEnabled,
  checkAlarmFires,
  checkTransformation,
  isConfirmed,
  FilterJudge,
  judgeFilter,
  managementEventCoverage,
  pollutingFilter,
  snsTopicsOf,
  topicName,
} from './chain';
import { parseLogGroupArn, type LogGroupRef } from './arn';
import type { RuleParameters } from './parameters';
import { clip, escapeUnsafe } from './text';
import type { AccountSnapshot, AlarmSnapshot, CallFailure, Fetched, FilterSnapshot, MetricFilter, Trail, TrailSnapshot } from './snapshot';

export type ComplianceType = 'COMPLIANT' | 'NON_COMPLIANT' | 'NOT_APPLICABLE';

export interface AccountDecision {
  complianceType: ComplianceType;
  /** One line, at most 256 characters. */
  annotation: string;
}

/** Config's limit on an annotation. */
export const MAX_ANNOTATION_LENGTH = 256;

export interface TrailAssessment {
  trail: Trail;
  /**
   * How many links of the chain hold, in order: multi-region, logging, management events, log group, delivery,
   * metric filter, alarm on the metric, alarm fires on one call, actions enabled, SNS action, confirmed subscription
   * (11 when the whole chain holds). The closest-to-compliant trail is the one with the most.
   */
  progress: number;
  outcome: 'compliant' | 'broken' | 'unverified' | 'owner not verifiable';
  /** What holds or what is broken, and the fix; without the trail prefix. */
  message: string;
  /** Said after the message when there is room: excluded event sources, AWS disagreeing with the local engine. */
  notes: string[];
}

interface Step {
  progress: number;
  outcome: TrailAssessment['outcome'];
  message: string;
  notes: string[];
}

const step = (progress: number, message: string, notes: string[] = []): Step => ({ progress, outcome: 'broken', message, notes });

function unverified(progress: number, failure: CallFailure): Step {
  return { progress, outcome: 'unverified', message: `could not verify: ${describeFailure(failure)}`, notes: [] };
}

export function describeFailure(failure: CallFailure): string {
  return `${failure.action} on ${failure.resource} failed (${failure.code})`;
}

/** The better of two steps: more links held; on a tie, the first. */
function better(a: Step | undefined, b: Step): Step {
  return a === undefined || b.progress > a.progress ? b : a;
}

function assessAlarm(snapshot: AlarmSnapshot, filter: FilterSnapshot, base: number): Step {
  const { alarm } = snapshot;
  const fires = checkAlarmFires(alarm, filter.filter);
  if (!fires.ok) return step(base, fires.problem);
  const actions = checkActionsEnabled(alarm);
  if (!actions.ok) return step(base + 1, actions.problem);
  const topics = snsTopicsOf(alarm);
  if (topics.length === 0) return step(base + 2, `alarm '${alarm.alarmName}' notifies no SNS topic; add one to its alarm actions`);
  let best: Step | undefined;
  for (const topic of snapshot.topics ?? []) {
    if (!topic.subscriptions.ok) {
      best = better(best, unverified(base + 3, topic.subscriptions.failure));
      continue;
    }
    const confirmed = topic.subscriptions.value.filter(isConfirmed).length;
    const pending = topic.subscriptions.value.length - confirmed;
    if (confirmed > 0) {
      const s = confirmed === 1 ? '' : 's';
      return { ...step(base + 4, `filter '${filter.filter.filterName}' -> alarm '${alarm.alarmName}' -> topic ${topicName(topic.topicArn)} (${confirmed} confirmed subscription${s})`), outcome: 'compliant' };
    }
    const why = pending > 0 ? `only ${pending} subscription${pending === 1 ? '' : 's'} pending confirmation` : 'no subscription';
    best = better(best, step(base + 3, `topic ${topicName(topic.topicArn)} of alarm '${alarm.alarmName}' has ${why}; confirm one`));
  }
  return best ?? step(base + 3, `the SNS topics of alarm '${alarm.alarmName}' were not read`);
}

function assessFilter(judge: FilterJudge, snapshot: FilterSnapshot, siblings: MetricFilter[], logGroup: LogGroupRef, base: number): Step {
  const { filter } = snapshot;
  const { verdict, awsDisagreement } = judgeFilter(judge, filter, snapshot.awsTest);
  // A filter the local judge accepts is not trusted until AWS's engine confirms it, when confirmation is on.
  if (verdict.accepted && snapshot.awsTest && !snapshot.awsTest.ok) return unverified(base, snapshot.awsTest.failure);
  const notes = awsDisagreement ? [awsDisagreement] : [];
  if (!verdict.accepted) return step(base, `filter '${filter.filterName}' ${verdict.summary}`, notes);
  const transformation = checkTransformation(filter);
  if (!transformation.ok) return step(base + 1, transformation.problem, notes);
  const shared = pollutingFilter(judge, filter, siblings);
  if (!shared.ok) return step(base + 1, shared.problem, notes);
  const t = filter.metricTransformations[0]!;
  const metric = `${t.metricNamespace}/${t.metricName}`;
  const alarms: Array<Fetched<AlarmSnapshot[]> | undefined> = [snapshot.alarms, snapshot.mathAlarms];
  let best: Step | undefined;
  for (const fetched of alarms) {
    if (fetched === undefined) continue;
    if (!fetched.ok) {
      best = better(best, unverified(base + 1, fetched.failure));
      continue;
    }
    for (const alarm of fetched.value) {
      const s = assessAlarm(alarm, snapshot, base + 2);
      if (s.outcome === 'compliant') return { ...s, notes };
      best = better(best, s);
    }
  }
  const none = step(base + 1, `no alarm on metric ${metric} of filter '${filter.filterName}' in ${logGroup.region}; create one: Sum >= 1 over 300 s, action an SNS topic`);
  return { ...(best ?? none), notes: [...(best ?? none).notes, ...notes] };
}

/** How far one trail gets along the chain, and what breaks it first. */
export function assessTrail(snapshot: TrailSnapshot, accountId: string, judge: FilterJudge): TrailAssessment {
  const result = (s: Step): TrailAssessment => ({ trail: snapshot.trail, ...s });
  const { trail } = snapshot;
  if (!trail.isMultiRegionTrail) {
    return result(step(0, 'is single-region; make it multi-region (aws cloudtrail update-trail --is-multi-region-trail)'));
  }
  if (trail.ownerAccountId !== accountId) {
    if (snapshot.ownerAccess === undefined || snapshot.ownerAccess === 'not-configured') {
      return result({
        progress: 1,
        outcome: 'owner not verifiable',
        message: `is ${trail.isOrganizationTrail ? 'an organization trail ' : ''}owned by account ${trail.ownerAccountId}; set OrgTrailReadRoleName to a read role there to verify its filter, alarm and topic`,
        notes: [],
      });
    }
    if (!snapshot.ownerAccess.ok) return result(unverified(1, snapshot.ownerAccess.failure));
  }
  if (!snapshot.status) return result(step(1, 'status was not read'));
  if (!snapshot.status.ok) return result(unverified(1, snapshot.status.failure));
  if (!snapshot.status.value.isLogging) return result(step(1, `is not logging; start it (aws cloudtrail start-logging --name ${trail.arn})`));
  if (!snapshot.selectors) return result(step(2, 'event selectors were not read'));
  if (!snapshot.selectors.ok) return result(unverified(2, snapshot.selectors.failure));
  const coverage = managementEventCoverage(snapshot.selectors.value);
  if (!coverage.readAndWrite) return result(step(2, `${coverage.problem ?? 'does not record all management events'}; record all read and write management events`));
  const notes = coverage.excludedSources.length > 0 ? [`trail excludes ${coverage.excludedSources.join(', ')} management events`] : [];
  const withNotes = (s: Step): TrailAssessment => result({ ...s, notes: [...notes, ...s.notes] });
  if (!trail.cloudWatchLogsLogGroupArn) {
    return withNotes(step(3, 'does not deliver to CloudWatch Logs; set a log group and role (aws cloudtrail update-trail --cloud-watch-logs-log-group-arn ...)'));
  }
  const logGroup = parseLogGroupArn(trail.cloudWatchLogsLogGroupArn);
  if (!logGroup) return withNotes(step(3, `delivers to ${trail.cloudWatchLogsLogGroupArn}, which is not a log group ARN`));
  if (logGroup.accountId !== trail.ownerAccountId) {
    return withNotes(step(3, `delivers to log group ${logGroup.name} in account ${logGroup.accountId}, not the trail's account, which CloudTrail cannot do; fix its log group ARN`));
  }
  const deliveryError = snapshot.status.value.latestCloudWatchLogsDeliveryError;
  if (deliveryError) {
    return withNotes(step(4, `delivery to log group ${logGroup.name} fails (${deliveryError}); check the trail's CloudWatch Logs role and the log group`));
  }
  if (!snapshot.metricFilters) return withNotes(step(5, `metric filters of log group ${logGroup.name} were not read`));
  if (!snapshot.metricFilters.ok) return withNotes(unverified(5, snapshot.metricFilters.failure));
  const filters = snapshot.metricFilters.value;
  if (filters.length === 0) {
    return withNotes(step(5, `log group ${logGroup.name} has no metric filter; add one with the CIS pattern`));
  }
  const siblings = filters.map((f) => f.filter);
  let best: Step | undefined;
  for (const filter of filters) {
    const s = assessFilter(judge, filter, siblings, logGroup, 5);
    if (s.outcome === 'compliant') return withNotes(s);
    best = better(best, s);
  }
  // Among filters that all fail the judge, name one that could not be verified (it may be the right one), else the
  // one meant for this control rather than another CIS filter.
  if (best && best.progress === 5 && best.outcome === 'broken') {
    const intended =
      filters.find((f) => judge.verdict(f.filter.filterPattern).unverified !== undefined) ??
      filters.find((f) => f.filter.filterPattern.includes('errorCode'));
    if (intended) best = assessFilter(judge, intended, siblings, logGroup, 5);
    else best = step(5, `none of the ${filters.length} metric filters on log group ${logGroup.name} catches unauthorized calls; add one with the CIS pattern`);
  }
  return withNotes(best!);
}

/** Order in which trails are read and compared: this account's own first, then the rule's region, then by name. */
export function trailOrder(accountId: string, region: string): (a: Trail, b: Trail) => number {
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

function annotate(a: TrailAssessment): string {
  return fitAnnotation(`Trail ${a.trail.name} (${a.trail.homeRegion}): ${a.message}`, a.notes);
}

/**
 * `judge` holds the verdicts the collection reached on the same filters (within the evaluation's time budget); a
 * fresh one judges them here without a budget.
 */
export function decide(snapshot: AccountSnapshot, parameters: RuleParameters, judge: FilterJudge = new FilterJudge(parameters)): AccountDecision {
  if (!snapshot.trails.ok) {
    return { complianceType: 'NON_COMPLIANT', annotation: fitAnnotation(`Could not verify: ${describeFailure(snapshot.trails.failure)}`) };
  }
  if (snapshot.trails.value.length === 0) {
    return {
      complianceType: 'NON_COMPLIANT',
      annotation: fitAnnotation(`No CloudTrail trail covers ${snapshot.region}; create a multi-region trail that logs all management events to CloudWatch Logs`),
    };
  }
  const order = trailOrder(snapshot.accountId, snapshot.region);
  const assessments = [...snapshot.trails.value]
    .sort((a, b) => order(a.trail, b.trail))
    .map((t) => assessTrail(t, snapshot.accountId, judge));
  const compliant = assessments.find((a) => a.outcome === 'compliant');
  if (compliant) return { complianceType: 'COMPLIANT', annotation: annotate(compliant) };
  const elsewhere = assessments.find((a) => a.outcome === 'owner not verifiable');
  if (elsewhere) return { complianceType: 'NOT_APPLICABLE', annotation: annotate(elsewhere) };
  const closest = assessments.reduce((a, b) => (b.progress > a.progress ? b : a));
  return { complianceType: 'NON_COMPLIANT', annotation: annotate(closest) };
}
