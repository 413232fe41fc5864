/**
 * Parsing and validation of the event AWS Config sends to a custom rule's Lambda. Pure: no AWS call, no clock.
 *
 * The rule's only resource is the account (`AWS::::Account`): whatever triggered it, the whole account is
 * evaluated again. `triggeredBy` only says what changed, for the logs.
 */
import { isAccountId, parseRoleArn } from './arn';
import { parseRuleParametersJson, type RuleParameters } from './parameters';
import { nestsDeeperThan } from './json-depth';
import { printable } from './text';

export type MessageType =
  | 'ScheduledNotification'
  | 'ConfigurationItemChangeNotification'
  | 'OversizedConfigurationItemChangeNotification';

export const MESSAGE_TYPES: readonly MessageType[] = [
  'ScheduledNotification',
  'ConfigurationItemChangeNotification',
  'OversizedConfigurationItemChangeNotification',
];

/** The configuration item (or its summary) behind a change notification. */
export interface TriggeringItem {
  resourceType: string;
  resourceId: string;
  /** `configurationItemStatus`: OK, ResourceDiscovered, ResourceDeleted, ResourceDeletedNotRecorded, ResourceNotRecorded. */
  status: string;
}

export interface ConfigRuleInvocation {
  /** The account to evaluate (12 digits). For organization rules it differs from the Lambda's own account. */
  accountId: string;
  configRuleName?: string;
  configRuleArn?: string;
  /** Token for PutEvaluations; 'TESTMODE' means test mode. Never log or echo it. */
  resultToken: string;
  executionRoleArn?: string;
  messageType: MessageType;
  /** When the triggering Config event happened: PutEvaluations' OrderingTimestamp. */
  orderingTimestamp: Date;
  parameters: RuleParameters;
  /** Set for change notifications only. */
  triggeredBy?: TriggeringItem;
}

/** The event is not one AWS Config sends. The message names the field and never holds the result token. */
export class ConfigEventError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigEventError';
  }
}

/** The test-mode result token (RDK convention): PutEvaluations then takes `TestMode: true` and stores nothing. */
export const TEST_MODE_RESULT_TOKEN = 'TESTMODE';

/** ISO 8601 date-time with a zone, as Config writes it (`2016-02-17T01:36:34.043Z`): year, month, day, hour, minute, second, zone hours, zone minutes. */
const ISO_TIMESTAMP = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.\d+)?(?:Z|[+-](\d{2}):?(\d{2}))$/;

/**
 * The largest invokingEvent accepted, in UTF-8 bytes. AWS Config invokes the rule's Lambda asynchronously, and
 * Lambda's Invoke API reference gives 1 MB as the most an asynchronous invocation can carry (256 KB before 2025),
 * so a real invokingEvent, which is part of that payload, is smaller. Config itself sends a summary instead of any
 * configuration item too large for an SNS notification (256 KB; "Example Oversized Configuration Item Change
 * Notification" in the AWS Config developer guide).
 */
const MAX_INVOKING_EVENT_BYTES = 1024 * 1024;
/**
 * The deepest nesting of arrays and objects accepted in invokingEvent. The configuration items of the resources
 * this rule is triggered by (trails with advanced event selectors, alarms with metric-math queries, topics) nest
 * about ten levels deep; a hundred leaves room for any item while keeping every later walk over the parsed value
 * far from the call-stack limit.
 */
const MAX_INVOKING_EVENT_DEPTH = 100;

type JsonRecord = Record<string, unknown>;

function isRecord(value: unknown): value is JsonRecord {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * A short, safe description of a bad value for error messages (only used for fields that hold no secret): strings
 * quoted, escaped and cut; objects and arrays only named, since serialising them could recurse without bound.
 */
function show(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (typeof value === 'string') return printable(JSON.stringify(value));
  if (typeof value === 'number' || typeof value === 'boolean' || value === null) return printable(String(value));
  return Array.isArray(value) ? 'an array' : 'an object';
}

/** Parses invokingEvent within the bounds of a real Config event, so that a hostile one gets the same clear error. */
function parseInvokingEvent(text: string): unknown {
  const bytes = Buffer.byteLength(text, 'utf8');
  if (bytes > MAX_INVOKING_EVENT_BYTES) {
    throw new ConfigEventError(
      `invokingEvent is ${bytes.toLocaleString('en-US')} bytes, more than an AWS Config event can carry (${MAX_INVOKING_EVENT_BYTES.toLocaleString('en-US')})`,
    );
  }
  // Scanned before parsing, so that nothing is built from a hostile event.
  if (nestsDeeperThan(text, MAX_INVOKING_EVENT_DEPTH)) {
    throw new ConfigEventError(`invokingEvent nests arrays and objects deeper than ${MAX_INVOKING_EVENT_DEPTH} levels`);
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    // V8's message quotes the start of the text: escaped and cut like any echoed value.
    throw new ConfigEventError(`invokingEvent is not valid JSON: ${printable((e as Error).message, 200)}`);
  }
}

/** Days in a month (1-12) of the proleptic Gregorian calendar, as ISO 8601 counts them. */
function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

function optionalString(record: JsonRecord, field: string): string | undefined {
  const value = record[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw new ConfigEventError(`${field} must be a string, got ${show(value)}`);
  return value;
}

function requiredString(record: JsonRecord, field: string, path: string): string {
  const value = record[field];
  if (typeof value !== 'string' || value === '') {
    throw new ConfigEventError(`${path} must be a non-empty string, got ${show(value)}`);
  }
  return value;
}

function parseTimestamp(record: JsonRecord, field: string, path: string): Date {
  const value = record[field];
  if (value === undefined || value === null) throw new ConfigEventError(`${path} is missing`);
  // Strings only: a number would be ambiguous (seconds or milliseconds) and Config never sends one.
  const parts = typeof value === 'string' ? ISO_TIMESTAMP.exec(value) : null;
  if (typeof value !== 'string' || !parts) {
    throw new ConfigEventError(`${path} must be an ISO 8601 timestamp, got ${show(value)}`);
  }
  // Each field in its range: new Date() rolls 2026-02-30 over to 2026-03-02 and 24:00 over to the next day, which
  // would file the evaluation under another time than Config's.
  const fields = parts.slice(1, 9).map((part) => Number(part ?? 0)); // no zone groups for Z
  const [year = NaN, month = NaN, day = NaN, hour = NaN, minute = NaN, second = NaN, zoneHour = NaN, zoneMinute = NaN] = fields;
  const valid =
    month >= 1 &&
    month <= 12 &&
    day >= 1 &&
    day <= daysInMonth(year, month) &&
    hour <= 23 &&
    minute <= 59 &&
    second <= 59 &&
    zoneHour <= 23 &&
    zoneMinute <= 59;
  const date = new Date(value);
  if (!valid || Number.isNaN(date.getTime())) throw new ConfigEventError(`${path} is not a valid date: ${show(value)}`);
  return date;
}

function parseItem(item: unknown, path: string): { item: TriggeringItem; captureTime: Date } {
  if (!isRecord(item)) throw new ConfigEventError(`${path} must be an object, got ${show(item)}`);
  return {
    captureTime: parseTimestamp(item, 'configurationItemCaptureTime', `${path}.configurationItemCaptureTime`),
    item: {
      resourceType: requiredString(item, 'resourceType', `${path}.resourceType`),
      resourceId: requiredString(item, 'resourceId', `${path}.resourceId`),
      status: requiredString(item, 'configurationItemStatus', `${path}.configurationItemStatus`),
    },
  };
}

/**
 * Validates a Config rule invocation. Throws ConfigEventError naming the faulty field, or ParameterError for bad
 * rule parameters.
 */
export function parseConfigEvent(event: unknown): ConfigRuleInvocation {
  if (!isRecord(event)) throw new ConfigEventError(`the event must be an object, got ${show(event)}`);

  const accountId = event.accountId;
  if (typeof accountId !== 'string' || !isAccountId(accountId)) {
    throw new ConfigEventError(`accountId must be a 12-digit AWS account id, got ${show(accountId)}`);
  }

  // The token is not shown in messages: it authorises writing results for this rule.
  const resultToken = event.resultToken;
  if (typeof resultToken !== 'string' || resultToken === '') {
    throw new ConfigEventError('resultToken is missing or not a non-empty string');
  }

  const configRuleName = optionalString(event, 'configRuleName');
  const configRuleArn = optionalString(event, 'configRuleArn');

  const executionRoleArn = optionalString(event, 'executionRoleArn');
  if (executionRoleArn !== undefined && !parseRoleArn(executionRoleArn)) {
    throw new ConfigEventError(`executionRoleArn must be an IAM role ARN (arn:<partition>:iam::<account>:role/<name>), got ${show(executionRoleArn)}`);
  }

  const rawInvoking = event.invokingEvent;
  if (typeof rawInvoking !== 'string') {
    throw new ConfigEventError(`invokingEvent must be a JSON string, got ${show(rawInvoking)}`);
  }
  const invoking = parseInvokingEvent(rawInvoking);
  if (!isRecord(invoking)) throw new ConfigEventError(`invokingEvent must encode a JSON object, got ${show(invoking)}`);

  const messageType = invoking.messageType;
  if (typeof messageType !== 'string' || !(MESSAGE_TYPES as readonly string[]).includes(messageType)) {
    throw new ConfigEventError(`invokingEvent.messageType must be one of ${MESSAGE_TYPES.join(', ')}, got ${show(messageType)}`);
  }

  // Absent (or null) means defaults; Config sends a JSON string, never an object.
  const rawParameters = event.ruleParameters;
  let parametersText: string | undefined;
  if (typeof rawParameters === 'string') parametersText = rawParameters;
  else if (rawParameters !== undefined && rawParameters !== null) {
    throw new ConfigEventError(`ruleParameters must be a JSON string, got ${show(rawParameters)}`);
  }

  // OrderingTimestamp is "the time of the event in Config that triggered the evaluation".
  // For change notifications, every status counts, ResourceDeleted, ResourceDeletedNotRecorded, ResourceNotRecorded
  // and eventLeftScope included: unlike per-resource rules (which answer NOT_APPLICABLE for such items), this rule's
  // resource is the account, and a deleted alarm or topic is exactly when the account may have become NON_COMPLIANT.
  let orderingTimestamp: Date;
  let triggeredBy: TriggeringItem | undefined;
  switch (messageType as MessageType) {
    case 'ScheduledNotification':
      orderingTimestamp = parseTimestamp(invoking, 'notificationCreationTime', 'invokingEvent.notificationCreationTime');
      break;
    case 'ConfigurationItemChangeNotification': {
      const parsed = parseItem(invoking.configurationItem, 'invokingEvent.configurationItem');
      orderingTimestamp = parsed.captureTime;
      triggeredBy = parsed.item;
      break;
    }
    case 'OversizedConfigurationItemChangeNotification': {
      // The item itself was too large to send; its summary holds what this rule needs.
      const parsed = parseItem(invoking.configurationItemSummary, 'invokingEvent.configurationItemSummary');
      orderingTimestamp = parsed.captureTime;
      triggeredBy = parsed.item;
      break;
    }
  }

  const parameters = parseRuleParametersJson(parametersText);

  const invocation: ConfigRuleInvocation = {
    accountId,
    resultToken,
    messageType: messageType as MessageType,
    orderingTimestamp,
    parameters,
  };
  if (configRuleName !== undefined) invocation.configRuleName = configRuleName;
  if (configRuleArn !== undefined) invocation.configRuleArn = configRuleArn;
  if (executionRoleArn !== undefined) invocation.executionRoleArn = executionRoleArn;
  if (triggeredBy !== undefined) invocation.triggeredBy = triggeredBy;
  return invocation;
}
