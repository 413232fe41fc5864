/**
 * An account compliant for every control of the catalogue: the compliant world's trail and log group, holding for
 * each control a filter with its newest CIS text, publishing the control's metric, with an alarm on it notifying the
 * one shared topic (which has a confirmed subscription).
 */
import { CONTROLS, cisTextOf } from '../../rule/controls/catalogue';
import { NEWEST_CIS_VERSION, type Control } from '../../rule/controls/control';
import { ACCOUNT_ID, LOG_GROUP_NAME, REGION, TOPIC_NAME, accountIn, cisAlarm, cisFilter, compliantWorld, topicArn, type World } from '../support/world';

export const SHARED_TOPIC_ARN = topicArn(ACCOUNT_ID, REGION, TOPIC_NAME);

export function newestCisText(control: Control): string {
  const text = cisTextOf(control, NEWEST_CIS_VERSION)?.text;
  if (text === undefined) throw new Error(`no CIS v${NEWEST_CIS_VERSION} text for ${control.id}`);
  return text;
}

export function familyWorld(controls: readonly Control[] = CONTROLS): World {
  const world = compliantWorld();
  const account = accountIn(world, ACCOUNT_ID);
  const logGroup = account.logGroups.find((g) => g.name === LOG_GROUP_NAME)!;
  logGroup.metricFilters = [];
  account.alarms = [];
  for (const control of controls) {
    const { filter, metricNamespace, metric, alarm } = control.names;
    logGroup.metricFilters.push(
      cisFilter({ filterName: filter, filterPattern: newestCisText(control), metricTransformations: [{ metricNamespace, metricName: metric, metricValue: '1' }] }),
    );
    account.alarms.push(cisAlarm(ACCOUNT_ID, REGION, SHARED_TOPIC_ARN, { alarmName: alarm, namespace: metricNamespace, metricName: metric }));
  }
  return world;
}
