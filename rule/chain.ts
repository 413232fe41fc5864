/**
 * The links of the chain an account must hold, each a pure check over what the collectors read. The collection
 * (collect/account.ts) uses them to read only what the decision needs; the decision (decide.ts) uses them to
 * say which link is broken.
 */
import { parseTopicArn } from './arn';
import { SAMPLE_RECORDS } from './pattern/cloudtrail';
import { FLOOR, applyStrictMode, briefRecord, fieldText, judgePattern, type Verdict } from './pattern/judge';
import { evaluateExpression, matchesLogEvent, type JsonObject } from './pattern/evaluate';
import { parseFilterPattern } from './pattern/parser';
import type { RuleParameters } from './parameters';
import type {
  AwsPatternTest,
  EventSelectors,
  Fetched,
  MetricAlarm,
  MetricFilter,
  MetricTransformation,
  Subscription,
} from './snapshot';
import { TEST_METRIC_FILTER_MAX_MESSAGES } from './snapshot';

export type Check = { ok: true } | { ok: false; problem: string };
const OK: Check = { ok: true };
const broken = (problem: string): Check => ({ ok: false, problem });

// ---- Trail ----------------------------------------------------------------------------------------------------

export interface ManagementEventCoverage {
  /** Read and write management events are all recorded (excluded sources aside). */
  readAndWrite: boolean;
  /** Event sources excluded from management events, e.g. kms.amazonaws.com. */
  excludedSources: string[];
  /** Why not, when readAndWrite is false. */
  problem?: string;
}

/**
 * Whether a trail's selectors record all read and write management events. Classic: a selector with
 * IncludeManagementEvents (default true) and ReadWriteType All (default), or a ReadOnly and a WriteOnly one.
 * Advanced: a Management selector without a readOnly field, or one for each readOnly value; eventSource may
 * only exclude (NotEquals, NotStartsWith, NotEndsWith). A trail without selectors records all management events.
 */
export function managementEventCoverage(selectors: EventSelectors): ManagementEventCoverage {
  const { eventSelectors, advancedEventSelectors } = selectors;
  if (advancedEventSelectors && advancedEventSelectors.length > 0) return advancedCoverage(selectors);
  if (!eventSelectors || eventSelectors.length === 0) return { readAndWrite: true, excludedSources: [] };
  const management = eventSelectors.filter((s) => s.includeManagementEvents !== false);
  if (management.length === 0) {
    return { readAndWrite: false, excludedSources: [], problem: 'records no management events (IncludeManagementEvents is false)' };
  }
  const kind = (s: (typeof management)[number]): string => s.readWriteType ?? 'All';
  const all = management.filter((s) => kind(s) === 'All');
  const covering = all.length > 0 ? all : management.filter((s) => kind(s) !== 'All');
  const readAndWrite = all.length > 0 || (management.some((s) => kind(s) === 'ReadOnly') && management.some((s) => kind(s) === 'WriteOnly'));
  if (!readAndWrite) {
    return { readAndWrite: false, excludedSources: [], problem: `records only ${kind(management[0]!)} management events (ReadWriteType)` };
  }
  return { readAndWrite: true, excludedSources: excludedByAll(covering.map((s) => s.excludeManagementEventSources ?? [])) };
}

/** Sources excluded by every covering selector (an event is recorded when any selector records it). */
function excludedByAll(lists: string[][]): string[] {
  const [first, ...rest] = lists;
  return (first ?? []).filter((source) => rest.every((l) => l.includes(source))).sort();
}

function advancedCoverage(selectors: EventSelectors): ManagementEventCoverage {
  const management = (selectors.advancedEventSelectors ?? []).filter((s) =>
    s.fieldSelectors.some((f) => f.field === 'eventCategory' && (f.equals ?? []).includes('Management')),
  );
  if (management.length === 0) {
    return { readAndWrite: false, excludedSources: [], problem: 'has no advanced event selector for eventCategory Management' };
  }
  const restricting = (s: (typeof management)[number]): string | undefined =>
    s.fieldSelectors
      .filter((f) => f.field !== 'eventCategory' && f.field !== 'readOnly')
      .map((f) => (f.field === 'eventSource' && !f.equals && !f.startsWith && !f.endsWith ? undefined : f.field))
      .find((f) => f !== undefined);
  const unrestricted = management.filter((s) => restricting(s) === undefined);
  if (unrestricted.length === 0) {
    return { readAndWrite: false, excludedSources: [], problem: `records only some management events (its selector filters on ${restricting(management[0]!)})` };
  }
  const readOnlyValues = (s: (typeof management)[number]): string[] | undefined => s.fieldSelectors.find((f) => f.field === 'readOnly')?.equals;
  const all = unrestricted.filter((s) => readOnlyValues(s) === undefined);
  const covering = all.length > 0 ? all : unrestricted;
  const values = new Set(unrestricted.flatMap((s) => readOnlyValues(s) ?? ['true', 'false']));
  if (!(values.has('true') && values.has('false'))) {
    return { readAndWrite: false, excludedSources: [], problem: 'records only read-only or only write management events (readOnly selector)' };
  }
  const excluded = covering.map((s) =>
    s.fieldSelectors.filter((f) => f.field === 'eventSource').flatMap((f) => [...(f.notEquals ?? []), ...(f.notStartsWith ?? []).map((p) => `${p}*`)]),
  );
  return { readAndWrite: true, excludedSources: excludedByAll(excluded) };
}

// ---- Metric filter ----------------------------------------------------------------------------------------------

/** The records sent to logs:TestMetricFilter: the judge's sample records and its counterexample. */
export function witnessRecords(verdict: Verdict): JsonObject[] {
  const records = verdict.counterexample ? [verdict.counterexample, ...SAMPLE_RECORDS] : [...SAMPLE_RECORDS];
  return records.slice(0, TEST_METRIC_FILTER_MAX_MESSAGES);
}

export interface FilterJudgement {
  verdict: Verdict;
  /** Set when AWS's engine disagreed with the local one: which record, and what AWS did. */
  awsDisagreement?: string;
}

/**
 * The judge's verdicts for one evaluation, kept per pattern text: an evaluation asks for the same filter's verdict
 * several times (to choose what to read, to check sibling filters sharing a metric, to decide), and the judge is a
 * search worth doing once. One per evaluation, so that the collection and the decision see the same verdicts, also
 * for a filter that could not be judged before the evaluation's time ran out.
 */
export class FilterJudge {
  private readonly verdicts = new Map<string, Verdict>();

  /** `expired`: the evaluation's time budget; a search still running when it is spent gives up as not verified. */
  constructor(
    readonly parameters: RuleParameters,
    private readonly expired?: () => boolean,
  ) {}

  /**
   * The local verdict on a pattern (strict mode aside). `expired` narrows the time for this pattern alone; it
   * applies to the first judgement, which every later question about the pattern in this evaluation reuses.
   */
  verdict(text: string, expired?: () => boolean): Verdict {
    let verdict = this.verdicts.get(text);
    if (!verdict) {
      const budget = expired ?? this.expired;
      verdict = judgePattern(text, { ceiling: !this.parameters.allowBroadFilterPattern, ...(budget ? { expired: budget } : {}) });
      this.verdicts.set(text, verdict);
    }
    return verdict;
  }
}

/**
 * The judge's verdict on a filter, corrected by AWS's own engine where it was asked: if AWS matched any witness
 * record differently from the local engine, AWS wins on those records and the verdict is decided from AWS's
 * answers (every unauthorized call matched; with the ceiling on, no successful call matched).
 */
export function judgeFilter(judge: FilterJudge, filter: MetricFilter, awsTest?: Fetched<AwsPatternTest>): FilterJudgement {
  const text = filter.filterPattern;
  const { parameters } = judge;
  const strict = parameters.strictPatternVersion;
  const verdict = judge.verdict(text);
  const parsed = parseFilterPattern(text);
  if (!awsTest?.ok || !verdict.valid || !parsed.ok) return { verdict: applyStrictMode(verdict, text, strict) };
  const { records, matches } = awsTest.value;
  const disputed = records.findIndex((r, i) => matchesLogEvent(parsed.pattern, r) !== matches[i]);
  if (disputed < 0) return { verdict: applyStrictMode(verdict, text, strict) };
  const record = records[disputed]!;
  const awsDisagreement = `AWS overrides the local engine on ${fieldText(record, 'eventName')} (${fieldText(record, 'errorCode')})`;
  const missed = records.find((r, i) => evaluateExpression(FLOOR, r) && !matches[i]);
  const overmatched = parameters.allowBroadFilterPattern ? undefined : records.find((r, i) => r.errorCode === undefined && matches[i]);
  const summary = missed
    ? `misses unauthorized calls according to AWS TestMetricFilter (${briefRecord(missed)})`
    : overmatched
      ? `also matches successful calls according to AWS TestMetricFilter (${briefRecord(overmatched)})`
      : 'catches unauthorized calls according to AWS TestMetricFilter';
  const byAws: Verdict = { ...verdict, accepted: !missed && !overmatched, summary, reason: `${awsDisagreement}; ${summary}` };
  return { verdict: applyStrictMode(byAws, text, strict), awsDisagreement };
}

/** Whether the filter publishes a metric that one alarm can watch for every call. */
export function checkTransformation(filter: MetricFilter): Check {
  const t = filter.metricTransformations[0];
  if (!t) return broken(`filter '${filter.filterName}' has no metric transformation`);
  if (t.dimensions && Object.keys(t.dimensions).length > 0) {
    return broken(`filter '${filter.filterName}' publishes its metric with dimensions (${Object.keys(t.dimensions).join(', ')}), so no alarm sees every call; remove them`);
  }
  const value = Number(t.metricValue);
  if (!Number.isFinite(value) || t.metricValue.trim() === '') {
    return broken(`filter '${filter.filterName}' metric value '${t.metricValue}' depends on the record; use 1`);
  }
  if (value <= 0) return broken(`filter '${filter.filterName}' metric value is ${t.metricValue}; use 1`);
  return OK;
}

/**
 * Another filter on the same log group that publishes to the same metric and matches successful calls: the
 * alarm on that metric then fires on normal activity, however good this filter is. (Only the log group read for
 * the trail is checked; filters of other log groups publishing the same metric name are not.)
 */
export function pollutingFilter(judge: FilterJudge, filter: MetricFilter, siblings: MetricFilter[]): Check {
  if (judge.parameters.allowBroadFilterPattern) return OK;
  const t = filter.metricTransformations[0];
  // A filter without a transformation publishes no metric, so nothing else can feed its alarm.
  if (!t) return OK;
  const polluter = siblings.find((other) => {
    if (other.filterName === filter.filterName) return false;
    const o = other.metricTransformations[0];
    if (!o || o.metricNamespace !== t.metricNamespace || o.metricName !== t.metricName) return false;
    // A filter with dimensions publishes other series of that metric name, which the alarm does not watch.
    if (o.dimensions && Object.keys(o.dimensions).length > 0) return false;
    const { verdict } = judgeFilter(judge, other);
    return verdict.counterexampleShows === 'matched successful call';
  });
  if (!polluter) return OK;
  return broken(
    `filter '${polluter.filterName}' also feeds metric ${t.metricNamespace}/${t.metricName} and matches successful calls, so its alarm fires on normal activity; delete it or give it another metric`,
  );
}

// ---- Alarm ------------------------------------------------------------------------------------------------------

/** The statistic and period an alarm evaluates on the filter's metric, or why it cannot be read. */
interface AlarmedSeries {
  stat: string;
  unit?: string;
}

function sameMetric(
  metric: { namespace?: string; metricName?: string; dimensions: { name: string }[] },
  t: MetricTransformation,
): boolean {
  return metric.namespace === t.metricNamespace && metric.metricName === t.metricName && metric.dimensions.length === 0;
}

function alarmedSeries(alarm: MetricAlarm, t: MetricTransformation): AlarmedSeries | string {
  if (!alarm.metrics || alarm.metrics.length === 0) {
    if (!sameMetric({ namespace: alarm.namespace, metricName: alarm.metricName, dimensions: alarm.dimensions }, t)) {
      return alarm.dimensions.length > 0
        ? `watches the metric with dimensions (${alarm.dimensions.map((d) => `${d.name}=${d.value}`).join(', ')}) that the filter does not publish`
        : 'watches another metric';
    }
    const stat = alarm.statistic ?? alarm.extendedStatistic;
    if (!stat) return 'has no statistic';
    return { stat, ...(alarm.unit ? { unit: alarm.unit } : {}) };
  }
  // Exactly one query of an alarm returns data; a lone query does by default.
  const returned = alarm.metrics.find((q) => q.returnData === true) ?? (alarm.metrics.length === 1 ? alarm.metrics[0] : undefined);
  const ours = alarm.metrics.find((q) => q.metricStat && sameMetric(q.metricStat.metric, t));
  if (!ours?.metricStat) return 'does not use the filter\'s metric';
  if (!returned) return 'returns no series';
  if (returned.id === ours.id) return { stat: ours.metricStat.stat, ...(ours.metricStat.unit ? { unit: ours.metricStat.unit } : {}) };
  const identity = new RegExp(`^\\s*(?:FILL\\(\\s*${ours.id}\\s*,\\s*0\\s*\\)|${ours.id})\\s*$`);
  if (returned.expression !== undefined && identity.test(returned.expression)) {
    return { stat: ours.metricStat.stat, ...(ours.metricStat.unit ? { unit: ours.metricStat.unit } : {}) };
  }
  return `uses the metric-math expression '${returned.expression ?? returned.id}', which cannot be shown to fire on one call`;
}

/**
 * The lowest value the alarm's statistic can take in a period holding one matching call. With a default value,
 * periods also hold the default for every other log event, so Average, Minimum and percentiles can fall to it.
 */
function worstCaseStatistic(stat: string, value: number, defaultValue: number | undefined): number | undefined {
  const d = defaultValue;
  switch (stat) {
    case 'Sum':
      return d === undefined || d >= 0 ? value : undefined;
    case 'SampleCount':
      return 1;
    case 'Maximum':
      return d === undefined ? value : Math.max(value, d);
    case 'Minimum':
    case 'Average':
      return d === undefined ? value : Math.min(value, d);
    default:
      if (/^p100(\.0+)?$/.test(stat)) return d === undefined ? value : Math.max(value, d);
      if (/^(p|tm|wm|tc|ts|pr|iqm)/i.test(stat)) return d === undefined ? value : Math.min(value, d);
      return undefined;
  }
}

/** Whether the alarm goes to ALARM when one call matches the filter (actions aside). */
export function checkAlarmFires(alarm: MetricAlarm, filter: MetricFilter): Check {
  const name = `alarm '${alarm.alarmName}'`;
  const t = filter.metricTransformations[0]!;
  const series = alarmedSeries(alarm, t);
  if (typeof series === 'string') return broken(`${name} ${series}`);
  const metricUnit = t.unit ?? 'None';
  if (series.unit !== undefined && series.unit !== metricUnit) {
    return broken(`${name} asks for unit ${series.unit} but the filter publishes ${metricUnit}, so it never sees data; remove the unit`);
  }
  // ThresholdMetricId is only used for anomaly detection bands (PutMetricAlarm), whose bounds move with the data.
  if (alarm.thresholdMetricId !== undefined || alarm.threshold === undefined) {
    return broken(`${name} uses an anomaly detection band, which cannot be shown to fire on one call; use a static threshold of 1`);
  }
  if (alarm.comparisonOperator !== 'GreaterThanOrEqualToThreshold' && alarm.comparisonOperator !== 'GreaterThanThreshold') {
    return broken(`${name} uses ${alarm.comparisonOperator}, so a call never sets it off; use GreaterThanOrEqualToThreshold 1`);
  }
  const worst = worstCaseStatistic(series.stat, Number(t.metricValue), t.defaultValue);
  if (worst === undefined) return broken(`${name} uses statistic ${series.stat}, which cannot be shown to fire on one call; use Sum`);
  const threshold = alarm.threshold;
  const fires = alarm.comparisonOperator === 'GreaterThanOrEqualToThreshold' ? worst >= threshold : worst > threshold;
  if (!fires) {
    const how = t.defaultValue !== undefined && worst !== Number(t.metricValue) ? ` (default value ${t.defaultValue} can pull ${series.stat} down to ${worst})` : '';
    return broken(`${name} needs ${series.stat} ${alarm.comparisonOperator === 'GreaterThanThreshold' ? '>' : '>='} ${threshold} but one call gives ${worst}${how}; use Sum >= 1`);
  }
  const needed = alarm.datapointsToAlarm ?? alarm.evaluationPeriods;
  if (needed > 1) {
    return broken(`${name} needs ${needed} breaching datapoints but one call makes one; set DatapointsToAlarm (or EvaluationPeriods) to 1`);
  }
  if (alarm.treatMissingData === 'breaching') {
    return broken(`${name} treats missing data as breaching, so it sits in ALARM and never notifies on a call; use notBreaching`);
  }
  return OK;
}

export function checkActionsEnabled(alarm: MetricAlarm): Check {
  return alarm.actionsEnabled ? OK : broken(`alarm '${alarm.alarmName}' has actions disabled; enable them`);
}

/** The SNS topics among an alarm's actions. */
export function snsTopicsOf(alarm: MetricAlarm): string[] {
  return alarm.alarmActions.filter((a) => parseTopicArn(a) !== undefined);
}

/** A subscription is confirmed when its ARN is a real ARN, not `PendingConfirmation` or `Deleted`. */
export function isConfirmed(subscription: Subscription): boolean {
  return subscription.subscriptionArn.startsWith('arn:');
}

export function topicName(topicArn: string): string {
  return parseTopicArn(topicArn)?.name ?? topicArn;
}
