/**
 * The state a local AWS serves: a declarative model of AWS accounts as far as the rule and its remediation touch
 * them (trails, log groups with their metric filters, alarms, SNS topics with their subscriptions, roles, KMS keys),
 * plus the faults to inject and the evaluations written to AWS Config.
 *
 * Plain JSON-serialisable data with AWS's own names (camelCased like rule/snapshot.ts), so that one file serves the
 * in-memory FakeAwsReader (test/support), the HTTP emulator (server.ts) and the CLI (`--state FILE`). Anything
 * derivable (trail ARNs, the logGroupName of a metric filter) is derived rather than stored, so a world cannot
 * contradict itself.
 */
import type {
  AdvancedEventSelector,
  ClassicEventSelector,
  MetricAlarm,
  MetricFilter,
  Subscription,
  TrailStatus,
} from '../../rule/snapshot';

export interface World {
  /** What a sample world (examples/accounts) is and where it comes from; for people, never served. */
  description?: string;
  organization?: OrganizationState;
  accounts: AccountState[];
  /** AWS Config aggregators and the compliance results they hold (services/config-aggregator.ts). */
  configurationAggregators?: ConfigurationAggregatorState[];
  /** Failures the emulator injects (the in-memory FakeAwsReader takes its own options instead). */
  faults?: Faults;
  /** What config:PutEvaluations received, in order (appended by the emulator). */
  evaluations?: RecordedEvaluation[];
}

/**
 * An AWS Organizations organization: its management account, its members and, for the organizations service
 * (services/organizations.ts), their names and OUs. OU and root ids are derived from the names and the management
 * account, so a world never spells one.
 */
export interface OrganizationState {
  managementAccountId: string;
  memberAccountIds: string[];
  /** Account names as ListAccounts shows them; default `account-<id>`. */
  accountNames?: Record<string, string>;
  /** Accounts that may read the organization besides its management account (delegated administrators). */
  delegatedAdministratorAccountIds?: string[];
  /** OUs by path (`Workloads/Prod` is OU Prod inside OU Workloads); an account in none sits under the root. */
  organizationalUnits?: { path: string; accountIds: string[] }[];
}

/** An AWS Config aggregator in one account and region, and the evaluation results it holds of its source accounts. */
export interface ConfigurationAggregatorState {
  name: string;
  /** The account and region that hold the aggregator (where it is called). */
  accountId: string;
  region: string;
  results?: AggregatedResultState[];
  /** PutEvaluations result tokens whose evaluations the aggregator shows, and the rule each belongs to. */
  ruleOfResultToken?: Record<string, string>;
}

export interface AggregatedResultState {
  configRuleName: string;
  accountId: string;
  awsRegion: string;
  complianceType: 'COMPLIANT' | 'NON_COMPLIANT' | 'NOT_APPLICABLE';
  annotation?: string;
  /** ISO 8601. */
  resultRecordedTime: string;
  /** Default AWS::::Account and the account id, the resource this project's rules evaluate. */
  resourceType?: string;
  resourceId?: string;
}

export interface AccountState {
  accountId: string;
  /** Long-term keys of the account's principal; absent means one key derived from the account id (defaultAccessKey). */
  accessKeys?: AccessKeyState[];
  trails: TrailState[];
  logGroups: LogGroupState[];
  /** Every alarm of the account, each in its own region (`region`, and the region in `alarmArn`). */
  alarms: AlarmState[];
  topics: TopicState[];
  roles?: RoleState[];
  kmsKeys?: KmsKeyState[];
}

/** Fake credentials: the emulator identifies the caller by key id and never checks signatures. */
export interface AccessKeyState {
  accessKeyId: string;
  secretAccessKey: string;
}

/** A trail as its owner sees it; its ARN is `arn:aws:cloudtrail:<homeRegion>:<accountId>:trail/<name>`. */
export interface TrailState {
  name: string;
  homeRegion: string;
  isMultiRegionTrail: boolean;
  isOrganizationTrail?: boolean;
  cloudWatchLogsLogGroupArn?: string;
  status: TrailStatus;
  /** GetEventSelectors returns one kind or the other; neither means the trail has no selectors. */
  eventSelectors?: ClassicEventSelector[];
  advancedEventSelectors?: AdvancedEventSelector[];
}

export interface LogGroupState {
  name: string;
  region: string;
  metricFilters: Omit<MetricFilter, 'logGroupName'>[];
  /** Epoch milliseconds, as CloudWatch Logs reports it; default a fixed date. */
  creationTime?: number;
}

/** An alarm as the rule reads it, plus what PutMetricAlarm stores that the rule does not read. */
export interface AlarmState extends MetricAlarm {
  alarmDescription?: string;
  okActions?: string[];
  insufficientDataActions?: string[];
  stateValue?: 'OK' | 'ALARM' | 'INSUFFICIENT_DATA';
  evaluateLowSampleCountPercentile?: string;
  /** ISO 8601 time of the last PutMetricAlarm; default a fixed date. */
  updatedAt?: string;
}

export interface TopicState {
  topicArn: string;
  /** Pending subscriptions have subscriptionArn `PendingConfirmation`, as ListSubscriptionsByTopic shows them. */
  subscriptions: Subscription[];
  /** Attributes set by CreateTopic/SetTopicAttributes; absent Policy means SNS's default policy. */
  attributes?: TopicAttributes;
}

export interface TopicAttributes {
  Policy?: string;
  KmsMasterKeyId?: string;
  DisplayName?: string;
  [name: string]: string | undefined;
}

/** An IAM role that the listed accounts may assume (its trust policy, reduced to account principals). */
export interface RoleState {
  roleName: string;
  trustedAccountIds: string[];
}

export interface KmsKeyState {
  keyId: string;
  arn: string;
  /** Full alias names, e.g. `alias/security-alerts`. */
  aliases: string[];
  region: string;
  keyManager: 'CUSTOMER' | 'AWS';
  /** Default true. */
  enabled?: boolean;
}

export interface Faults {
  /** The first `count` calls of `action` (IAM style, `*` wildcards allowed) are throttled. */
  throttle?: { action: string; count: number }[];
  /**
   * Calls of `action` fail with AccessDenied, optionally only in `region`, for the caller's `accountId`, or with
   * `roleArn`: for sts:AssumeRole the role being assumed, for other actions the role whose session calls.
   */
  deny?: { action: string; region?: string; accountId?: string; roleArn?: string }[];
  /** Regions where every call fails as AWS fails calls to a region that is not enabled. */
  disabledRegions?: string[];
  /** PutEvaluations returns every evaluation as a FailedEvaluation (and records none). */
  failedEvaluations?: boolean;
  /**
   * Calls of a paginated `action` (DescribeLogGroups, DescribeMetricFilters, DescribeAlarms, ListSubscriptionsByTopic)
   * always answer with the same next token, REPEATED_NEXT_TOKEN of server.ts; a request bearing it gets the first
   * page again, so a caller that follows next tokens until there are none never stops. Other actions are unaffected.
   */
  repeatNextToken?: { action: string }[];
  /**
   * Calls of `action` (the first `count` of them; every one without count) are held without an answer, and without
   * being carried out, until the client disconnects (its timeout or abort) or the emulator closes.
   */
  hold?: { action: string; count?: number }[];
  /** Calls of `action` answer HTTP 200 with an empty result (`{}` in JSON) instead of being carried out. */
  emptyResult?: { action: string }[];
}

export interface RecordedEvaluation {
  accountId: string;
  region: string;
  resultToken: string;
  testMode: boolean;
  complianceResourceType: string;
  complianceResourceId: string;
  complianceType: string;
  annotation?: string;
  /** ISO 8601. */
  orderingTimestamp: string;
}

// ---- Derived names ----------------------------------------------------------------------------------------------

export function trailArn(accountId: string, trail: Pick<TrailState, 'name' | 'homeRegion'>): string {
  return `arn:aws:cloudtrail:${trail.homeRegion}:${accountId}:trail/${trail.name}`;
}

/** The form CloudTrail stores: `arn:aws:logs:<region>:<account>:log-group:<name>:*`. */
export function logGroupArn(accountId: string, region: string, name: string): string {
  return `arn:aws:logs:${region}:${accountId}:log-group:${name}:*`;
}

export function topicArn(accountId: string, region: string, name: string): string {
  return `arn:aws:sns:${region}:${accountId}:${name}`;
}

export function alarmArn(accountId: string, region: string, name: string): string {
  return `arn:aws:cloudwatch:${region}:${accountId}:alarm:${name}`;
}

export function roleArn(accountId: string, roleName: string): string {
  return `arn:aws:iam::${accountId}:role/${roleName}`;
}

/** `AKIA` + the account id + `TEST`: 20 characters like a real key id, and recognisably fake. */
export function defaultAccessKey(accountId: string): AccessKeyState {
  return {
    accessKeyId: `AKIA${accountId}TEST`,
    secretAccessKey: `local-aws-secret-for-${accountId}`,
  };
}

export function accessKeysOf(account: AccountState): AccessKeyState[] {
  return account.accessKeys ?? [defaultAccessKey(account.accountId)];
}
