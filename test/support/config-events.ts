/** AWS Config's events to a custom rule's Lambda, as the handler and wiring tests send them. */

export const SCHEDULED_AT = '2024-05-13T21:50:00.373Z';
export const RESULT_TOKEN = 'opaque-result-token';

/** A ScheduledNotification for `accountId`, as an organization rule's member rule sends it. */
export function scheduledEvent(accountId: string, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    version: '1.0',
    invokingEvent: JSON.stringify({ awsAccountId: accountId, notificationCreationTime: SCHEDULED_AT, messageType: 'ScheduledNotification', recordVersion: '1.0' }),
    resultToken: RESULT_TOKEN,
    eventLeftScope: false,
    executionRoleArn: `arn:aws:iam::${accountId}:role/config-role`,
    configRuleArn: `arn:aws:config:us-east-1:${accountId}:config-rule/config-rule-a1b2c3`,
    configRuleName: 'unauthorized-api-calls-monitored',
    configRuleId: 'config-rule-a1b2c3',
    accountId,
    ...overrides,
  };
}
