/** The worlds of the end-to-end scenarios: the compliant account with one link of its chain broken. */
import { CIS_PATTERNS } from '../../rule/pattern/cis';
import {
  ACCOUNT_ID,
  ALARM_NAME,
  LOG_GROUP_NAME,
  METRIC_NAMESPACE,
  REGION,
  chainIn,
  cisFilter,
  compliantWorld,
  mathAlarm,
  confirmedEmail,
  pendingEmail,
  topicArn,
  type AccountState,
  type World,
} from '../support/world';

export const TOPIC_ARN = topicArn(ACCOUNT_ID, REGION, 'security-alerts');

export const mainTrail = (a: AccountState) => a.trails.find((t) => t.name === 'main')!;
export const cisLogGroup = (a: AccountState) => a.logGroups.find((g) => g.name === LOG_GROUP_NAME)!;
export const cisAlarmOf = (a: AccountState) => a.alarms.find((x) => x.alarmName === ALARM_NAME)!;

/** compliantWorld() with its one account changed by `mutate`. */
export function compliantWith(mutate: (account: AccountState) => void): World {
  const world = compliantWorld();
  mutate(world.accounts[0]!);
  return world;
}


/** One link of the chain broken (or, for the advanced selectors, replaced by an equivalent). */
export const LINKS: Record<string, () => World> = {
  'single-region trail': () => compliantWith((a) => (mainTrail(a).isMultiRegionTrail = false)),
  'trail not logging': () => compliantWith((a) => (mainTrail(a).status = { isLogging: false })),
  'write-only classic selector': () =>
    compliantWith((a) => (mainTrail(a).eventSelectors = [{ readWriteType: 'WriteOnly', includeManagementEvents: true }])),
  'advanced selectors, Management without readOnly': () =>
    compliantWith((a) => {
      const t = mainTrail(a);
      delete t.eventSelectors;
      t.advancedEventSelectors = [{ name: 'Management events', fieldSelectors: [{ field: 'eventCategory', equals: ['Management'] }] }];
    }),
  'advanced selectors, readOnly = true only': () =>
    compliantWith((a) => {
      const t = mainTrail(a);
      delete t.eventSelectors;
      t.advancedEventSelectors = [
        { name: 'Read-only management', fieldSelectors: [{ field: 'eventCategory', equals: ['Management'] }, { field: 'readOnly', equals: ['true'] }] },
      ];
    }),
  'no log group': () => compliantWith((a) => delete mainTrail(a).cloudWatchLogsLogGroupArn),
  'delivery error': () =>
    compliantWith((a) => (mainTrail(a).status = { isLogging: true, latestCloudWatchLogsDeliveryError: 'AccessDeniedException' })),
  'all-|| filter (CIS v1.3-v1.5)': () =>
    compliantWith((a) => (cisLogGroup(a).metricFilters = [cisFilter({ filterPattern: CIS_PATTERNS['cis-1.3'] })])),
  'no filter': () => compliantWith((a) => (cisLogGroup(a).metricFilters = [])),
  'no alarm': () => compliantWith((a) => (a.alarms = [])),
  'alarm that cannot fire (threshold 5)': () => compliantWith((a) => (cisAlarmOf(a).threshold = 5)),
  'alarm actions disabled': () => compliantWith((a) => (cisAlarmOf(a).actionsEnabled = false)),
  'alarm without SNS action': () => compliantWith((a) => (cisAlarmOf(a).alarmActions = [])),
  'pending-only subscription': () => compliantWith((a) => (a.topics[0]!.subscriptions = [pendingEmail()])),
};

/**
 * Every list longer than one page of one item, with what makes the account compliant on the last page: filters
 * (the CIS one last), metric-math alarms (no standard alarm; the one on the filter's metric last by name) and
 * subscriptions (pending ones first, the confirmed one last).
 */
export function everythingPaginated(): World {
  return compliantWith((a) => {
    const group = cisLogGroup(a);
    group.metricFilters = [
      cisFilter({
        filterName: 'a-root-usage',
        filterPattern: '{ $.userIdentity.type = "Root" && $.userIdentity.invokedBy NOT EXISTS && $.eventType != "AwsServiceEvent" }',
        metricTransformations: [{ metricNamespace: METRIC_NAMESPACE, metricName: 'RootUsage', metricValue: '1' }],
      }),
      cisFilter({
        filterName: 'b-console-no-mfa',
        filterPattern: '{ ($.eventName = "ConsoleLogin") && ($.additionalEventData.MFAUsed != "Yes") }',
        metricTransformations: [{ metricNamespace: METRIC_NAMESPACE, metricName: 'ConsoleNoMfa', metricValue: '1' }],
      }),
      cisFilter({ filterName: 'z-unauthorized-api-calls' }),
    ];
    a.alarms = [mathAlarm('a-math-root', 'RootUsage'), mathAlarm('b-math-console', 'ConsoleNoMfa'), mathAlarm('z-math-unauthorized')];
    a.topics[0]!.subscriptions = [
      pendingEmail(),
      { subscriptionArn: 'PendingConfirmation', protocol: 'email', endpoint: 'oncall@example.com' },
      confirmedEmail(TOPIC_ARN),
    ];
  });
}

/** The whole chain in a region other than the one the rule runs in (a multi-region trail homed there). */
export function chainHomedIn(region: string): World {
  return compliantWith((a) => {
    Object.assign(a, chainIn(ACCOUNT_ID, region, { trail: 'main', logGroup: LOG_GROUP_NAME, filter: 'unauthorized-api-calls', alarm: ALARM_NAME, topic: 'security-alerts' }));
  });
}
