/**
 * The chain an account must hold for one CIS Monitoring control, link by link, in the one place it is defined:
 * what each link reads, what it checks and what its annotation says. A trail holds the chain when it is
 * multi-region (1), readable in its owner's account, logging (2), recording the management events the control
 * needs (3), delivering to a CloudWatch Logs log group of its own account (4) without error (5), and that log group
 * has a metric filter the judge accepts for the control (6) whose metric (7) has an alarm that fires on one event
 * (8) with actions enabled (9), notifying an SNS topic (10) with a confirmed subscription (11).
 *
 * Pure: every read comes from the snapshot of what was read so far. A link that needs a read the snapshot does not
 * hold throws `Unread` naming it; the decision (decide.ts) turns that into a request for the shell
 * (collect/account.ts), which performs it and asks again. So the reads are exactly those the decision needs.
 */
import { parseArn, parseLogGroupArn, parseTopicArn, roleArn as roleArnOf, type LogGroupRef } from './arn';
import { share, type TimeBudget } from './budget';
import { floorOf } from './controls/catalogue';
import type { CisVersion, Control } from './controls/control';
import { witnessesOf, witnessPool } from './controls/witnesses';
import { SAMPLE_RECORDS } from './pattern/cloudtrail';
import { conditionsOf, type Expression } from './pattern/ast';
import { evaluateExpression, matchesLogEvent, type JsonObject } from './pattern/evaluate';
import { applyStrictMode, briefRecord, fieldText, judgePattern, type Verdict } from './pattern/judge';
import { parseFilterPattern } from './pattern/parser';
import { printSelector } from './pattern/printer';
import type { RuleParameters } from './parameters';
import {
  readIn,
  TEST_METRIC_FILTER_MAX_MESSAGES,
  type AccountSnapshot,
  type CallFailure,
  type EventSelectors,
  type Fetched,
  type MetricAlarm,
  type MetricFilter,
  type MetricTransformation,
  type ReadRequest,
  type ReadResult,
  type Subscription,
  type Trail,
} from './snapshot';

export type Check = { ok: true } | { ok: false; problem: string };
const OK: Check = { ok: true };
const broken = (problem: string): Check => ({ ok: false, problem });

// ---- Reading --------------------------------------------------------------------------------------------------

/** Thrown by a link that needs a read the snapshot does not hold; caught by the decision, never outside it. */
export class Unread extends Error {
  constructor(readonly request: ReadRequest) {
    super(`not read yet: ${request.read}`);
  }
}

/** What one control's chain is judged with, for one account. */
export interface ChainContext {
  snapshot: AccountSnapshot;
  control: Control;
  cisVersion: CisVersion;
  parameters: RuleParameters;
  judge: FilterJudge;
}

/** The answer to `request`, or Unread when it has not been read yet. */
function ask<R extends ReadRequest>(ctx: ChainContext, request: R): ReadResult<R> {
  const result = readIn(ctx.snapshot, request);
  if (!result) throw new Unread(request);
  return result;
}

/** The role whose credentials read a trail owned by another account; absent for the account's own trails. */
type Via = { via?: string };

// ---- Steps: how far a trail gets -------------------------------------------------------------------------------

export interface Step {
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

// ---- Links 1-5: the trail ---------------------------------------------------------------------------------------

/** How far one trail gets along the chain of ctx.control, and what breaks it first. */
export function assessTrail(ctx: ChainContext, trail: Trail): Step {
  const { accountId } = ctx.snapshot;
  // Link 1: multi-region.
  if (!trail.isMultiRegionTrail) {
    return step(0, 'is single-region; make it multi-region (aws cloudtrail update-trail --is-multi-region-trail)');
  }
  // An organization trail owned by another account is read there, through the org-trail read role.
  const via: Via = {};
  if (trail.ownerAccountId !== accountId) {
    const roleName = ctx.parameters.orgTrailReadRoleName;
    if (!roleName) {
      return {
        progress: 1,
        outcome: 'owner not verifiable',
        message: `is ${trail.isOrganizationTrail ? 'an organization trail ' : ''}owned by account ${trail.ownerAccountId}; set OrgTrailReadRoleName to a read role there to verify its filter, alarm and topic`,
        notes: [],
      };
    }
    const roleArn = roleArnOf(parseArn(trail.arn)?.partition ?? 'aws', trail.ownerAccountId, roleName);
    const assumed = ask(ctx, { read: 'assumeRole', roleArn });
    if (!assumed.ok) return unverified(1, assumed.failure);
    via.via = roleArn;
  }
  // Link 2: logging.
  const status = ask(ctx, { read: 'getTrailStatus', ...via, trail });
  if (!status.ok) return unverified(1, status.failure);
  if (!status.value.isLogging) return step(1, `is not logging; start it (aws cloudtrail start-logging --name ${trail.arn})`);
  // Link 3: management events, read and write, from every event source the control reads.
  const selectors = ask(ctx, { read: 'getEventSelectors', ...via, trail });
  if (!selectors.ok) return unverified(2, selectors.failure);
  const coverage = managementEventCoverage(selectors.value);
  if (!coverage.readAndWrite) return step(2, `${coverage.problem ?? 'does not record all management events'}; record all read and write management events`);
  const blinding = blindingExclusions(coverage.excludedSources, ctx.control);
  if (blinding.length > 0) {
    return step(2, `excludes ${blinding.join(', ')} management events, so it cannot see ${ctx.control.policy.floorNoun}; stop excluding them`);
  }
  const notes = coverage.excludedSources.length > 0 ? [`trail excludes ${coverage.excludedSources.join(', ')} management events`] : [];
  const withNotes = (s: Step): Step => ({ ...s, notes: [...notes, ...s.notes] });
  // Link 4: a log group in the trail's own account.
  if (!trail.cloudWatchLogsLogGroupArn) {
    return withNotes(step(3, 'does not deliver to CloudWatch Logs; set a log group and role (aws cloudtrail update-trail --cloud-watch-logs-log-group-arn ...)'));
  }
  const logGroup = parseLogGroupArn(trail.cloudWatchLogsLogGroupArn);
  if (!logGroup) return withNotes(step(3, `delivers to ${trail.cloudWatchLogsLogGroupArn}, which is not a log group ARN`));
  if (logGroup.accountId !== trail.ownerAccountId) {
    return withNotes(step(3, `delivers to log group ${logGroup.name} in account ${logGroup.accountId}, not the trail's account, which CloudTrail cannot do; fix its log group ARN`));
  }
  // Link 5: delivery.
  const deliveryError = status.value.latestCloudWatchLogsDeliveryError;
  if (deliveryError) {
    return withNotes(step(4, `delivery to log group ${logGroup.name} fails (${deliveryError}); check the trail's CloudWatch Logs role and the log group`));
  }
  return withNotes(assessLogGroup(ctx, via, logGroup));
}

interface ManagementEventCoverage {
  /** Read and write management events are all recorded (excluded sources aside). */
  readAndWrite: boolean;
  /** Event sources excluded from management events, e.g. kms.amazonaws.com (`prefix*` for NotStartsWith). */
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
function managementEventCoverage(selectors: EventSelectors): ManagementEventCoverage {
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

/**
 * The excluded sources among those the control reads (Control.eventSources): their events never reach the log
 * group, so no filter there can serve the control. Security Hub's CloudWatch.7 fails for the same reason when
 * ExcludeManagementEventSources holds kms.amazonaws.com (FAMILY.md §2, [SH-NOW]). For a control of every service
 * (empty eventSources) an exclusion only narrows it, and is said as a note.
 */
function blindingExclusions(excludedSources: string[], control: Control): string[] {
  const excludes = (excluded: string, source: string): boolean =>
    excluded.endsWith('*') ? source.startsWith(excluded.slice(0, -1)) : excluded === source;
  return excludedSources.filter((excluded) => control.eventSources.some((source) => excludes(excluded, source)));
}

// ---- Link 6: the metric filter ----------------------------------------------------------------------------------

/**
 * The records sent to logs:TestMetricFilter for a filter judged for a control: the judge's counterexample, its
 * sample records, then the control's witness records (those the remediation holds an equivalent filter to: every
 * floor record, then ceiling records), as many as one call takes.
 */
export function witnessRecords(verdict: Verdict, control: Control, cisVersion: CisVersion): JsonObject[] {
  const { mustMatch, mustNotMatch } = witnessesOf(control, witnessPool([control], cisVersion), cisVersion);
  const records = [...(verdict.counterexample ? [verdict.counterexample] : []), ...SAMPLE_RECORDS, ...mustMatch, ...mustNotMatch];
  return records.slice(0, TEST_METRIC_FILTER_MAX_MESSAGES);
}

/** AWS's own engine (logs:TestMetricFilter) on the judge's witness records: whether it matched each, in order. */
export interface AwsPatternTest {
  records: JsonObject[];
  matches: Fetched<boolean[]>;
}

interface FilterJudgement {
  verdict: Verdict;
  /** Set when AWS's engine disagreed with the local one: which record, and what AWS did. */
  awsDisagreement?: string;
}

/**
 * The judge's verdicts for one evaluation, kept per control, CIS version and pattern text: an evaluation asks for
 * the same filter's verdict many times (each time the decision runs again with one more read, to check sibling
 * filters sharing a metric, and for every control evaluated from the same reads), and the judge is a search worth
 * doing once. One per evaluation, so that every pass of the decision sees the same verdicts, also for a filter that
 * could not be judged before the evaluation's time ran out.
 */
export class FilterJudge {
  private readonly verdicts = new Map<string, Verdict>();

  /** `budget`: the evaluation's time; a search still running when it is spent gives up as not verified. */
  constructor(
    readonly parameters: RuleParameters,
    private readonly budget?: TimeBudget,
  ) {}

  /** The local verdict on a pattern for a control (strict mode aside). `expired` narrows the time for a first judgement. */
  verdict(control: Control, cisVersion: CisVersion, text: string, expired?: () => boolean): Verdict {
    const key = JSON.stringify([control.id, cisVersion, text]);
    let verdict = this.verdicts.get(key);
    if (!verdict) {
      const budget = expired ?? this.budget?.expired;
      verdict = judgePattern(text, { control, cisVersion, ceiling: !this.parameters.allowBroadFilterPattern, ...(budget ? { expired: budget } : {}) });
      this.verdicts.set(key, verdict);
    }
    return verdict;
  }

  /**
   * Judges a log group's filters each within an equal share of the time left, so that one the judge cannot settle in
   * time (reported as not verified) leaves time for the others, any of which can still complete the chain.
   */
  judgeInShares(control: Control, cisVersion: CisVersion, filters: MetricFilter[]): void {
    const { budget } = this;
    if (!budget) return;
    filters.forEach((f, i) => this.verdict(control, cisVersion, f.filterPattern, share(budget, filters.length - i + 1)));
  }
}

/** The control's floor and ceiling as expressions, for reading AWS's answers on the witness records. */
function policyExpressions(control: Control, cisVersion: CisVersion): { floor: Expression; ceiling: Expression } {
  const expression = (text: string): Expression => {
    const parsed = parseFilterPattern(text);
    if (!parsed.ok || parsed.pattern.kind !== 'json') throw new Error(`the catalogue's policy of ${control.id} does not parse: ${text}`);
    return parsed.pattern.expression;
  };
  return { floor: expression(floorOf(control, cisVersion)), ceiling: expression(control.policy.ceiling) };
}

/**
 * The judge's verdict on a filter for the control, corrected by AWS's own engine where it was asked: if AWS matched
 * any witness record differently from the local engine, AWS wins on those records and the verdict is decided from
 * AWS's answers (every floor record matched; with the ceiling on, no ceiling record matched).
 */
function judgeFilter(ctx: ChainContext, filter: MetricFilter, awsTest?: AwsPatternTest): FilterJudgement {
  const text = filter.filterPattern;
  const { parameters, control, cisVersion } = ctx;
  const strict = parameters.strictPatternVersion;
  const verdict = ctx.judge.verdict(control, cisVersion, text);
  const parsed = parseFilterPattern(text);
  const strictly = (v: Verdict): Verdict => applyStrictMode(v, text, strict, control);
  if (!awsTest?.matches.ok || !verdict.valid || !parsed.ok) return { verdict: strictly(verdict) };
  const { records } = awsTest;
  const matches = awsTest.matches.value;
  const disputed = records.findIndex((r, i) => matchesLogEvent(parsed.pattern, r) !== matches[i]);
  if (disputed < 0) return { verdict: strictly(verdict) };
  const record = records[disputed]!;
  const awsDisagreement = `AWS overrides the local engine on ${fieldText(record, 'eventName')} (${fieldText(record, 'errorCode')})`;
  const policy = policyExpressions(control, cisVersion);
  const { floorNoun, ceilingNoun } = control.policy;
  const missed = records.find((r, i) => evaluateExpression(policy.floor, r) && !matches[i]);
  const overmatched = parameters.allowBroadFilterPattern ? undefined : records.find((r, i) => evaluateExpression(policy.ceiling, r) && matches[i]);
  const summary = missed
    ? `misses ${floorNoun} according to AWS TestMetricFilter (${briefRecord(missed)})`
    : overmatched
      ? `also matches ${ceilingNoun} according to AWS TestMetricFilter (${briefRecord(overmatched)})`
      : `catches ${floorNoun} according to AWS TestMetricFilter`;
  const byAws: Verdict = { ...verdict, accepted: !missed && !overmatched, summary, reason: `${awsDisagreement}; ${summary}` };
  return { verdict: strictly(byAws), awsDisagreement };
}

/** Whether the filter publishes a metric that one alarm can watch for every event. */
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
 * Another filter on the same log group that publishes to the same metric and matches records of the control's
 * ceiling: the alarm on that metric then fires on normal activity, however good this filter is. (Only the log group
 * read for the trail is checked; filters of other log groups publishing the same metric name are not.)
 */
export function pollutingFilter(ctx: ChainContext, filter: MetricFilter, siblings: MetricFilter[]): Check {
  if (ctx.parameters.allowBroadFilterPattern) return OK;
  const t = filter.metricTransformations[0];
  // A filter without a transformation publishes no metric, so nothing else can feed its alarm.
  if (!t) return OK;
  const polluter = siblings.find((other) => {
    if (other.filterName === filter.filterName) return false;
    const o = other.metricTransformations[0];
    if (!o || o.metricNamespace !== t.metricNamespace || o.metricName !== t.metricName) return false;
    // A filter with dimensions publishes other series of that metric name, which the alarm does not watch.
    if (o.dimensions && Object.keys(o.dimensions).length > 0) return false;
    return judgeFilter(ctx, other).verdict.counterexampleShows === 'overmatched';
  });
  if (!polluter) return OK;
  return broken(
    `filter '${polluter.filterName}' also feeds metric ${t.metricNamespace}/${t.metricName} and matches ${ctx.control.policy.ceilingNoun}, so its alarm fires on normal activity; delete it or give it another metric`,
  );
}

/**
 * Fields filters of many controls name, whatever they are meant for (the root-usage text reads eventType and
 * userIdentity.type too): naming one says nothing of which control. Their values may.
 */
const SHARED_FIELDS = new Set(['$.eventName', '$.eventSource', '$.eventType', '$.userIdentity.type']);
/** Fields whose required values several controls share (ec2.amazonaws.com, AwsApiCall): naming one says nothing either. */
const SHARED_VALUES = new Set(['$.eventSource', '$.eventType']);

/**
 * How close a filter comes to being meant for the control, 0 when it is not: a filter meant for it names a field
 * particular to the control's floor (errorCode for unauthorized API calls, additionalEventData.MFAUsed for sign-ins
 * without MFA), or some of the values the floor requires (event names, Root; not an event source or event type,
 * which several controls share); the more of those values, the closer. Among filters that all fail the judge, the annotation names the
 * closest rather than another CIS filter of the log group: the 6-name security group list that lacks only
 * ModifySecurityGroupRules, not the Config filter beside it; and where none comes close, says that none catches
 * what the control is about.
 */
function closeness(ctx: ChainContext, filter: MetricFilter): number {
  const { floor } = policyExpressions(ctx.control, ctx.cisVersion);
  const required = conditionsOf(floor).flatMap((c) => (c.kind === 'compare' && c.operator === '=' ? [c] : []));
  const namesField = required.some((c) => {
    const field = printSelector(c.selector);
    return !SHARED_FIELDS.has(field) && filter.filterPattern.includes(field.replace(/^\$\./, ''));
  });
  const parsed = parseFilterPattern(filter.filterPattern);
  const values = new Set(
    parsed.ok && parsed.pattern.kind === 'json'
      ? conditionsOf(parsed.pattern.expression).flatMap((c) => (c.kind === 'compare' && c.value.kind === 'string' ? [c.value.text] : []))
      : [],
  );
  const named = new Set(
    required.flatMap((c) => (c.value.kind === 'string' && !SHARED_VALUES.has(printSelector(c.selector)) && values.has(c.value.text) ? [c.value.text] : [])),
  );
  return (namesField ? 1 : 0) + named.size;
}

/** Links 6-11 on the trail's log group: some metric filter must complete the chain. */
function assessLogGroup(ctx: ChainContext, via: Via, logGroup: LogGroupRef): Step {
  const fetched = ask(ctx, { read: 'describeMetricFilters', ...via, logGroupName: logGroup.name, region: logGroup.region });
  if (!fetched.ok) return unverified(5, fetched.failure);
  const filters = [...fetched.value].sort((a, b) => a.filterName.localeCompare(b.filterName));
  if (filters.length === 0) return step(5, `log group ${logGroup.name} has no metric filter; add one with the CIS pattern`);
  ctx.judge.judgeInShares(ctx.control, ctx.cisVersion, filters);
  // Filters the local judge accepts first: a rejected one is worth AWS's engine (TestMetricFilter) only when no
  // accepted one completes the chain, since only then can AWS's answer change the outcome.
  const locallyAccepted = (f: MetricFilter): boolean => judgeFilter(ctx, f).verdict.accepted;
  const steps = new Map<MetricFilter, Step>();
  for (const filter of [...filters.filter(locallyAccepted), ...filters.filter((f) => !locallyAccepted(f))]) {
    const s = assessFilter(ctx, via, filter, filters, logGroup);
    if (s.outcome === 'compliant') return s;
    steps.set(filter, s);
  }
  let best = filters.map((f) => steps.get(f)!).reduce<Step | undefined>(better, undefined)!;
  // Among filters that all fail the judge, name one that could not be verified (it may be the right one), else the
  // closest to one meant for this control rather than another CIS filter.
  if (best.progress === 5 && best.outcome === 'broken') {
    const closest = filters
      .map((filter) => ({ filter, closeness: closeness(ctx, filter) }))
      .reduce((a, b) => (b.closeness > a.closeness ? b : a));
    const intended =
      filters.find((f) => ctx.judge.verdict(ctx.control, ctx.cisVersion, f.filterPattern).unverified !== undefined) ??
      (closest.closeness > 0 ? closest.filter : undefined);
    best = intended
      ? steps.get(intended)!
      : step(5, `none of the ${filters.length} metric filters on log group ${logGroup.name} catches ${ctx.control.policy.floorNoun}; add one with the CIS pattern`);
  }
  return best;
}

function assessFilter(ctx: ChainContext, via: Via, filter: MetricFilter, siblings: MetricFilter[], logGroup: LogGroupRef): Step {
  const base = 5;
  const local = ctx.judge.verdict(ctx.control, ctx.cisVersion, filter.filterPattern);
  // AWS's own engine on the judge's witness records, when confirmation is on and AWS can parse the pattern.
  let awsTest: AwsPatternTest | undefined;
  if (ctx.parameters.confirmWithTestMetricFilter && local.valid) {
    const records = witnessRecords(local, ctx.control, ctx.cisVersion);
    awsTest = { records, matches: ask(ctx, { read: 'testMetricFilter', ...via, filterPattern: filter.filterPattern, records, region: logGroup.region }) };
  }
  const { verdict, awsDisagreement } = judgeFilter(ctx, filter, awsTest);
  // A filter the local judge accepts is not trusted until AWS's engine confirms it, when confirmation is on.
  if (verdict.accepted && awsTest && !awsTest.matches.ok) return unverified(base, awsTest.matches.failure);
  const notes = awsDisagreement ? [awsDisagreement] : [];
  if (!verdict.accepted) return step(base, `filter '${filter.filterName}' ${verdict.summary}`, notes);
  const transformation = checkTransformation(filter);
  if (!transformation.ok) return step(base + 1, transformation.problem, notes);
  const shared = pollutingFilter(ctx, filter, siblings);
  if (!shared.ok) return step(base + 1, shared.problem, notes);
  const s = assessAlarms(ctx, via, filter, logGroup, base + 1);
  return { ...s, notes: s.outcome === 'compliant' ? notes : [...s.notes, ...notes] };
}

// ---- Links 7-11: the alarm, its actions, its topic, a confirmed subscription -------------------------------------

/** Link 7: an alarm on the filter's metric, in the log group's region; standard alarms first, metric math after. */
function assessAlarms(ctx: ChainContext, via: Via, filter: MetricFilter, logGroup: LogGroupRef, base: number): Step {
  const t = filter.metricTransformations[0]!;
  const standard = ask(ctx, { read: 'describeAlarmsForMetric', ...via, namespace: t.metricNamespace, metricName: t.metricName, region: logGroup.region });
  if (!standard.ok) return unverified(base, standard.failure);
  let best: Step | undefined;
  const byName = (a: MetricAlarm, b: MetricAlarm): number => a.alarmName.localeCompare(b.alarmName);
  for (const alarm of [...standard.value].sort(byName)) {
    const s = assessAlarm(ctx, via, alarm, filter, base + 1);
    if (s.outcome === 'compliant') return s;
    best = better(best, s);
  }
  // Metric-math alarms (DescribeAlarms lists every alarm of the region) only when no standard alarm qualifies.
  const math = ask(ctx, { read: 'describeMetricMathAlarms', ...via, region: logGroup.region });
  if (!math.ok) {
    best = better(best, unverified(base, math.failure));
  } else {
    for (const alarm of math.value.filter((a) => referencesMetric(a, t)).sort(byName)) {
      const s = assessAlarm(ctx, via, alarm, filter, base + 1);
      if (s.outcome === 'compliant') return s;
      best = better(best, s);
    }
  }
  return best ?? step(base, `no alarm on metric ${t.metricNamespace}/${t.metricName} of filter '${filter.filterName}' in ${logGroup.region}; create one: Sum >= 1 over 300 s, action an SNS topic`);
}

function referencesMetric(alarm: MetricAlarm, t: MetricTransformation): boolean {
  return (alarm.metrics ?? []).some((q) => q.metricStat?.metric.namespace === t.metricNamespace && q.metricStat.metric.metricName === t.metricName);
}

/** Links 8-11 for one alarm: fires on one event, actions enabled, an SNS topic, a confirmed subscription. */
function assessAlarm(ctx: ChainContext, via: Via, alarm: MetricAlarm, filter: MetricFilter, base: number): Step {
  const fires = checkAlarmFires(alarm, filter);
  if (!fires.ok) return step(base, fires.problem);
  const actions = checkActionsEnabled(alarm);
  if (!actions.ok) return step(base + 1, actions.problem);
  const topics = snsTopicsOf(alarm);
  if (topics.length === 0) return step(base + 2, `alarm '${alarm.alarmName}' notifies no SNS topic; add one to its alarm actions`);
  let best: Step | undefined;
  for (const topicArn of topics) {
    const subscriptions = ask(ctx, { read: 'listSubscriptionsByTopic', ...via, topicArn });
    if (!subscriptions.ok) {
      best = better(best, unverified(base + 3, subscriptions.failure));
      continue;
    }
    const confirmed = subscriptions.value.filter(isConfirmed).length;
    const pending = subscriptions.value.length - confirmed;
    if (confirmed > 0) {
      const s = confirmed === 1 ? '' : 's';
      return { ...step(base + 4, `filter '${filter.filterName}' -> alarm '${alarm.alarmName}' -> topic ${topicName(topicArn)} (${confirmed} confirmed subscription${s})`), outcome: 'compliant' };
    }
    const why = pending > 0 ? `only ${pending} subscription${pending === 1 ? '' : 's'} pending confirmation` : 'no subscription';
    best = better(best, step(base + 3, `topic ${topicName(topicArn)} of alarm '${alarm.alarmName}' has ${why}; confirm one`));
  }
  return best!;
}

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

/** Link 8: whether the alarm goes to ALARM when one call matches the filter (actions aside). */
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

/** Link 9. */
export function checkActionsEnabled(alarm: MetricAlarm): Check {
  return alarm.actionsEnabled ? OK : broken(`alarm '${alarm.alarmName}' has actions disabled; enable them`);
}

/** Link 10: the SNS topics among an alarm's actions. */
export function snsTopicsOf(alarm: MetricAlarm): string[] {
  return alarm.alarmActions.filter((a) => parseTopicArn(a) !== undefined);
}

/** Link 11: a subscription is confirmed when its ARN is a real ARN, not `PendingConfirmation` or `Deleted`. */
export function isConfirmed(subscription: Subscription): boolean {
  return subscription.subscriptionArn.startsWith('arn:');
}

export function topicName(topicArn: string): string {
  return parseTopicArn(topicArn)?.name ?? topicArn;
}
