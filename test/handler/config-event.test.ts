import { parseRoleArn } from '../../rule/arn';
import { ConfigEventError, parseConfigEvent } from '../../rule/config-event';
import { ParameterError } from '../../rule/parameters';

const ACCOUNT = '123456789012';
const TOKEN = 'eyJlbmNyeXB0ZWREYXRhIjpbLTEyOCw1Nyw5MF19-not-a-real-token';

/** Event envelope as AWS Config sends it (AWS Config developer guide, example events; RDK test_event_template). */
function envelope(invokingEvent: unknown, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    version: '1.0',
    invokingEvent: JSON.stringify(invokingEvent),
    ruleParameters: '{"AllowBroadFilterPattern":"false","ExecutionRoleName":""}',
    resultToken: TOKEN,
    eventLeftScope: false,
    executionRoleArn: `arn:aws:iam::${ACCOUNT}:role/config-role`,
    configRuleArn: `arn:aws:config:us-east-1:${ACCOUNT}:config-rule/config-rule-a1b2c3`,
    configRuleName: 'unauthorized-api-calls-monitored',
    configRuleId: 'config-rule-a1b2c3',
    accountId: ACCOUNT,
    ...overrides,
  };
}

const scheduled = {
  awsAccountId: ACCOUNT,
  notificationCreationTime: '2024-05-13T21:50:00.373Z',
  messageType: 'ScheduledNotification',
  recordVersion: '1.0',
};

function alarmItem(status: string, configuration: unknown): Record<string, unknown> {
  return {
    relatedEvents: [],
    relationships: [],
    configuration,
    supplementaryConfiguration: {},
    tags: {},
    configurationItemVersion: '1.3',
    configurationItemCaptureTime: '2024-05-13T09:12:44.310Z',
    configurationStateId: 1715591564310,
    awsAccountId: ACCOUNT,
    configurationItemStatus: status,
    resourceType: 'AWS::CloudWatch::Alarm',
    resourceId: 'UnauthorizedAPICalls',
    resourceName: 'UnauthorizedAPICalls',
    ARN: `arn:aws:cloudwatch:us-east-1:${ACCOUNT}:alarm:UnauthorizedAPICalls`,
    awsRegion: 'us-east-1',
    availabilityZone: 'Not Applicable',
    configurationStateMd5Hash: '',
    resourceCreationTime: null,
  };
}

function change(item: unknown): Record<string, unknown> {
  return {
    configurationItemDiff: null,
    configurationItem: item,
    // Later than the capture time: it must not be taken as the ordering timestamp.
    notificationCreationTime: '2024-05-13T09:13:02.981Z',
    messageType: 'ConfigurationItemChangeNotification',
    recordVersion: '1.3',
  };
}

const oversized = {
  configurationItemSummary: {
    changeType: 'UPDATE',
    configurationItemVersion: '1.3',
    configurationItemCaptureTime: '2024-05-13T10:01:16.261Z',
    configurationStateId: 1715594476261,
    awsAccountId: ACCOUNT,
    configurationItemStatus: 'OK',
    resourceType: 'AWS::CloudTrail::Trail',
    resourceId: 'management-events',
    resourceName: 'management-events',
    ARN: `arn:aws:cloudtrail:us-east-1:${ACCOUNT}:trail/management-events`,
    awsRegion: 'us-east-1',
    availabilityZone: 'Not Applicable',
    configurationStateMd5Hash: '',
    resourceCreationTime: '2023-01-04T08:00:00.000Z',
  },
  s3DeliverySummary: { s3BucketLocation: 'config-bucket/AWSLogs/123456789012/Config/us-east-1/2024/5/13/OversizedChangeNotification/x.json.gz' },
  notificationCreationTime: '2024-05-13T10:01:20.000Z',
  messageType: 'OversizedConfigurationItemChangeNotification',
  recordVersion: '1.0',
};

describe('parseConfigEvent: the three message types', () => {
  it('ScheduledNotification: ordered by notificationCreationTime, no triggering item', () => {
    const inv = parseConfigEvent(envelope(scheduled));
    expect(inv).toEqual({
      accountId: ACCOUNT,
      configRuleName: 'unauthorized-api-calls-monitored',
      configRuleArn: `arn:aws:config:us-east-1:${ACCOUNT}:config-rule/config-rule-a1b2c3`,
      resultToken: TOKEN,
      executionRoleArn: `arn:aws:iam::${ACCOUNT}:role/config-role`,
      messageType: 'ScheduledNotification',
      orderingTimestamp: new Date('2024-05-13T21:50:00.373Z'),
      parameters: { control: 'unauthorized-api-calls', cisVersion: '7.0', allowBroadFilterPattern: false, confirmWithTestMetricFilter: true },
    });
    expect(inv.triggeredBy).toBeUndefined();
  });

  it('ConfigurationItemChangeNotification: ordered by the item capture time', () => {
    const inv = parseConfigEvent(envelope(change(alarmItem('OK', { alarmName: 'UnauthorizedAPICalls', threshold: 1 }))));
    expect(inv.messageType).toBe('ConfigurationItemChangeNotification');
    expect(inv.orderingTimestamp).toEqual(new Date('2024-05-13T09:12:44.310Z'));
    expect(inv.triggeredBy).toEqual({ resourceType: 'AWS::CloudWatch::Alarm', resourceId: 'UnauthorizedAPICalls', status: 'OK' });
    expect(inv.accountId).toBe(ACCOUNT);
  });

  it('OversizedConfigurationItemChangeNotification: ordered by the summary capture time', () => {
    const inv = parseConfigEvent(envelope(oversized));
    expect(inv.messageType).toBe('OversizedConfigurationItemChangeNotification');
    expect(inv.orderingTimestamp).toEqual(new Date('2024-05-13T10:01:16.261Z'));
    expect(inv.triggeredBy).toEqual({ resourceType: 'AWS::CloudTrail::Trail', resourceId: 'management-events', status: 'OK' });
  });

  it.each(['ResourceDeleted', 'ResourceDeletedNotRecorded', 'ResourceNotRecorded'])(
    'a %s item still yields an account evaluation (a deleted alarm is when the account must be re-checked)',
    (status) => {
      const inv = parseConfigEvent(envelope(change(alarmItem(status, null)), { eventLeftScope: true }));
      expect(inv.accountId).toBe(ACCOUNT);
      expect(inv.triggeredBy?.status).toBe(status);
      expect(inv.orderingTimestamp).toEqual(new Date('2024-05-13T09:12:44.310Z'));
    },
  );

  it('absent, null or empty ruleParameters mean defaults; parameters are parsed', () => {
    for (const ruleParameters of [undefined, null, '', '{}']) {
      const e = envelope(scheduled, { ruleParameters });
      if (ruleParameters === undefined) delete e.ruleParameters;
      expect(parseConfigEvent(e).parameters).toEqual({ control: 'unauthorized-api-calls', cisVersion: '7.0', allowBroadFilterPattern: false, confirmWithTestMetricFilter: true });
    }
    const inv = parseConfigEvent(envelope(scheduled, { ruleParameters: '{"ExecutionRoleName":"ConfigRuleReader","StrictPatternVersion":"cis-1.2"}' }));
    expect(inv.parameters.executionRoleName).toBe('ConfigRuleReader');
    expect(inv.parameters.strictPatternVersion).toBe('cis-1.2');
  });

  it('optional envelope fields may be missing', () => {
    const e = envelope(scheduled);
    delete e.configRuleName;
    delete e.configRuleArn;
    delete e.executionRoleArn;
    const inv = parseConfigEvent(e);
    expect(inv).not.toHaveProperty('configRuleName');
    expect(inv).not.toHaveProperty('executionRoleArn');
  });

  it('accepts the service-linked role and paths in executionRoleArn, and other partitions', () => {
    const slr = `arn:aws:iam::${ACCOUNT}:role/aws-service-role/config.amazonaws.com/AWSServiceRoleForConfig`;
    expect(parseConfigEvent(envelope(scheduled, { executionRoleArn: slr })).executionRoleArn).toBe(slr);
    expect(parseRoleArn(slr)).toEqual({ partition: 'aws', accountId: ACCOUNT, path: '/aws-service-role/config.amazonaws.com/', name: 'AWSServiceRoleForConfig' });
    expect(parseRoleArn(`arn:aws-us-gov:iam::${ACCOUNT}:role/config-role`)?.partition).toBe('aws-us-gov');
  });
});

describe('parseConfigEvent: malformed events', () => {
  const withoutField = (field: string) => {
    const e = envelope(scheduled);
    delete e[field];
    return e;
  };
  const cases: Array<[string, unknown, RegExp]> = [
    ['not an object', 'hello', /^the event must be an object/],
    ['null', null, /^the event must be an object/],
    ['an array', [envelope(scheduled)], /^the event must be an object/],
    ['no accountId', withoutField('accountId'), /^accountId must be a 12-digit AWS account id, got nothing/],
    ['accountId of 11 digits', envelope(scheduled, { accountId: '12345678901' }), /^accountId must be a 12-digit/],
    ['numeric accountId', envelope(scheduled, { accountId: 123456789012 }), /^accountId must be a 12-digit/],
    ['no resultToken', withoutField('resultToken'), /^resultToken is missing/],
    ['empty resultToken', envelope(scheduled, { resultToken: '' }), /^resultToken is missing/],
    ['no invokingEvent', withoutField('invokingEvent'), /^invokingEvent must be a JSON string, got nothing/],
    ['invokingEvent as an object', { ...envelope(scheduled), invokingEvent: scheduled }, /^invokingEvent must be a JSON string/],
    ['invokingEvent not JSON', envelope(scheduled, { invokingEvent: '{"messageType":' }), /^invokingEvent is not valid JSON/],
    ['invokingEvent JSON array', envelope(scheduled, { invokingEvent: '[]' }), /^invokingEvent must encode a JSON object/],
    ['unknown messageType', envelope({ ...scheduled, messageType: 'ConfigurationSnapshotDeliveryCompleted' }), /^invokingEvent\.messageType must be one of ScheduledNotification, /],
    ['missing messageType', envelope({ notificationCreationTime: scheduled.notificationCreationTime }), /^invokingEvent\.messageType must be one of/],
    ['scheduled without notificationCreationTime', envelope({ ...scheduled, notificationCreationTime: undefined }), /^invokingEvent\.notificationCreationTime is missing/],
    ['scheduled with a bad timestamp', envelope({ ...scheduled, notificationCreationTime: 'yesterday' }), /^invokingEvent\.notificationCreationTime must be an ISO 8601 timestamp/],
    ['scheduled with an impossible date', envelope({ ...scheduled, notificationCreationTime: '2024-13-45T25:00:00Z' }), /^invokingEvent\.notificationCreationTime is not a valid date/],
    ['numeric timestamp', envelope({ ...scheduled, notificationCreationTime: 1715637000373 }), /must be an ISO 8601 timestamp/],
    ['change without configurationItem', envelope({ ...change(null) }), /^invokingEvent\.configurationItem must be an object, got null/],
    ['change item without capture time', envelope(change({ ...alarmItem('OK', {}), configurationItemCaptureTime: undefined })), /^invokingEvent\.configurationItem\.configurationItemCaptureTime is missing/],
    ['change item without resourceType', envelope(change({ ...alarmItem('OK', {}), resourceType: undefined })), /^invokingEvent\.configurationItem\.resourceType must be a non-empty string/],
    ['change item without status', envelope(change({ ...alarmItem('OK', {}), configurationItemStatus: undefined })), /^invokingEvent\.configurationItem\.configurationItemStatus must be/],
    ['oversized without summary', envelope({ ...oversized, configurationItemSummary: undefined }), /^invokingEvent\.configurationItemSummary must be an object/],
    ['oversized with a bad capture time', envelope({ ...oversized, configurationItemSummary: { ...oversized.configurationItemSummary, configurationItemCaptureTime: '' } }), /^invokingEvent\.configurationItemSummary\.configurationItemCaptureTime must be an ISO 8601/],
    ['executionRoleArn not an ARN', envelope(scheduled, { executionRoleArn: 'config-role' }), /^executionRoleArn must be an IAM role ARN/],
    ['executionRoleArn of a user', envelope(scheduled, { executionRoleArn: `arn:aws:iam::${ACCOUNT}:user/alice` }), /^executionRoleArn must be an IAM role ARN/],
    ['executionRoleArn not a string', envelope(scheduled, { executionRoleArn: 42 }), /^executionRoleArn must be a string/],
    ['configRuleName not a string', envelope(scheduled, { configRuleName: ['x'] }), /^configRuleName must be a string/],
    ['ruleParameters as an object', envelope(scheduled, { ruleParameters: { AllowBroadFilterPattern: 'true' } }), /^ruleParameters must be a JSON string/],
  ];

  it.each(cases)('%s', (_name, event, message) => {
    let error: unknown;
    try {
      parseConfigEvent(event);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigEventError);
    expect((error as Error).message).toMatch(message);
    // The result token authorises writes: it never appears in an error message.
    expect((error as Error).message).not.toContain(TOKEN);
  });

  const messageOf = (event: unknown): string => {
    try {
      parseConfigEvent(event);
    } catch (e) {
      expect(e).toBeInstanceOf(ConfigEventError);
      return (e as Error).message;
    }
    throw new Error('the event was accepted');
  };

  // new Date() rolls these over (2026-02-30 becomes 2026-03-02): OrderingTimestamp would silently be another day.
  it.each([
    ['notificationCreationTime on 30 February', { ...scheduled, notificationCreationTime: '2026-02-30T00:00:00Z' }, 'invokingEvent.notificationCreationTime'],
    ['notificationCreationTime on 29 February of a common year', { ...scheduled, notificationCreationTime: '2023-02-29T12:00:00.000Z' }, 'invokingEvent.notificationCreationTime'],
    ['notificationCreationTime on 31 April', { ...scheduled, notificationCreationTime: '2024-04-31T12:00:00+02:00' }, 'invokingEvent.notificationCreationTime'],
    ['notificationCreationTime at 24:00', { ...scheduled, notificationCreationTime: '2024-05-13T24:00:00Z' }, 'invokingEvent.notificationCreationTime'],
    ['notificationCreationTime with an offset of 25 hours', { ...scheduled, notificationCreationTime: '2024-05-13T10:00:00+25:00' }, 'invokingEvent.notificationCreationTime'],
    ['configurationItemCaptureTime on 30 February', change({ ...alarmItem('OK', {}), configurationItemCaptureTime: '2024-02-30T09:12:44.310Z' }), 'invokingEvent.configurationItem.configurationItemCaptureTime'],
    ['a summary capture time on 31 June', { ...oversized, configurationItemSummary: { ...oversized.configurationItemSummary, configurationItemCaptureTime: '2024-06-31T10:01:16.261Z' } }, 'invokingEvent.configurationItemSummary.configurationItemCaptureTime'],
  ])('refuses %s, naming the field', (_name, invoking, field) => {
    expect(messageOf(envelope(invoking))).toMatch(new RegExp(`^${field.replace(/\./g, '\\.')} is not a valid date: "`));
  });

  it('accepts 29 February of a leap year and offsets other than Z', () => {
    expect(parseConfigEvent(envelope({ ...scheduled, notificationCreationTime: '2024-02-29T23:59:59.999Z' })).orderingTimestamp).toEqual(new Date('2024-02-29T23:59:59.999Z'));
    expect(parseConfigEvent(envelope({ ...scheduled, notificationCreationTime: '2024-03-01T01:00:00+0100' })).orderingTimestamp).toEqual(new Date('2024-03-01T00:00:00Z'));
  });

  // Deep nesting once escaped as a RangeError (stack overflow) while the error message was being built.
  it.each([
    ['100,000 nested arrays', '['.repeat(100_000) + ']'.repeat(100_000)],
    ['100,000 unclosed arrays', '['.repeat(100_000)],
    ['a deep configurationItem', `{"messageType":"ConfigurationItemChangeNotification","configurationItem":${'['.repeat(100_000)}${']'.repeat(100_000)}}`],
    ['a deep configuration inside the item', JSON.stringify(change(alarmItem('OK', 'DEEP'))).replace('"DEEP"', '{"a":'.repeat(100_000) + '1' + '}'.repeat(100_000))],
  ])('refuses an invokingEvent of %s as a malformed event', (_name, invokingEvent) => {
    expect(messageOf(envelope(scheduled, { invokingEvent }))).toMatch(/^invokingEvent (is not valid JSON|nests arrays and objects deeper than 100 levels)/);
  });

  it('accepts the nesting a real configuration item has', () => {
    const nested = { eventSelectors: [{ dataResources: [{ type: 'AWS::S3::Object', values: ['arn:aws:s3'] }] }], advanced: [{ fieldSelectors: [{ field: 'eventCategory', equals: ['Management'] }] }] };
    expect(parseConfigEvent(envelope(change(alarmItem('OK', nested)))).triggeredBy?.status).toBe('OK');
  });

  it('refuses an invokingEvent over 1 MB, the most Lambda takes for an asynchronous invocation', () => {
    const item = alarmItem('OK', { padding: 'x'.repeat(1024 * 1024) });
    expect(messageOf(envelope(change(item)))).toMatch(/^invokingEvent is 1,0\d\d,\d{3} bytes, more than an AWS Config event can carry \(1,048,576\)/);
  });

  it('refuses an executionRoleArn whose path is longer than the 512 characters IAM allows, echoing little of it', () => {
    const path = 'p/'.repeat(256);
    expect(parseConfigEvent(envelope(scheduled, { executionRoleArn: `arn:aws:iam::${ACCOUNT}:role/${path.slice(2)}config-role` })).executionRoleArn).toContain('config-role');
    const message = messageOf(envelope(scheduled, { executionRoleArn: `arn:aws:iam::${ACCOUNT}:role/${path.repeat(1000)}config-role` }));
    expect(message).toMatch(/^executionRoleArn must be an IAM role ARN/);
    expect(message.length).toBeLessThan(250);
  });

  it('echoes at most about 100 characters of a bad field, with control and bidirectional characters shown', () => {
    const huge = messageOf(envelope(scheduled, { accountId: '1'.repeat(1_000_000) }));
    expect(huge.length).toBeLessThan(200);
    expect(huge).toMatch(/^accountId must be a 12-digit AWS account id, got "1+…$/);
    expect(messageOf(envelope(scheduled, { accountId: '\u202e210987654321' }))).toBe('accountId must be a 12-digit AWS account id, got "\\u{202E}210987654321"');
    const cut = messageOf(envelope(scheduled, { invokingEvent: 'x\u202e\u0007' + 'y'.repeat(1_000_000) }));
    expect(cut).not.toContain('\u202e');
    expect(cut).not.toContain('\u0007');
    expect(messageOf(envelope({ ...scheduled, messageType: 'Scheduled\nNotification' }))).toContain('got "Scheduled\\nNotification"');
  });

  it.each([
    ['not JSON', '{AllowBroadFilterPattern: true}', /^ruleParameters is not valid JSON/],
    ['unknown parameter', '{"AllowBroad":"true"}', /^unknown rule parameter 'AllowBroad'/],
    ['bad boolean', '{"ConfirmWithTestMetricFilter":"yes"}', /^ConfirmWithTestMetricFilter must be true or false/],
    ['role ARN instead of a name', `{"ExecutionRoleName":"arn:aws:iam::${ACCOUNT}:role/x"}`, /^ExecutionRoleName must be an IAM role name/],
  ])('rule parameters %s: ParameterError propagates', (_name, ruleParameters, message) => {
    const call = () => parseConfigEvent(envelope(scheduled, { ruleParameters }));
    expect(call).toThrow(ParameterError);
    expect(call).toThrow(message);
  });
});
