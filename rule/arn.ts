/**
 * Amazon Resource Names, read in one place: `arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE`, and the few kinds the
 * rule meets (a role to assume, a trail's log group, an alarm's SNS topic, the running function). Every ARN here
 * comes from outside (an event, a trail, an alarm action), so each kind checks what its own service allows.
 */

export interface Arn {
  partition: string;
  service: string;
  /** Empty for global services (IAM). */
  region: string;
  /** Empty for resources without an account (S3 buckets). */
  accountId: string;
  /** Everything after the fifth colon, which may itself hold colons. */
  resource: string;
}

const PARTITION = /^aws(?:-[a-z]+)*$/;
const REGION = /^[a-z]{2}(?:-[a-z]+)+-\d+$/;
const ACCOUNT_ID = /^\d{12}$/;

/** An AWS account id: twelve digits. */
export function isAccountId(text: string): boolean {
  return ACCOUNT_ID.test(text);
}

export function parseArn(text: string): Arn | undefined {
  const parts = text.split(':');
  if (parts.length < 6 || parts[0] !== 'arn') return undefined;
  const [, partition, service, region, accountId, ...resource] = parts as [string, string, string, string, string, ...string[]];
  if (!PARTITION.test(partition) || service === '') return undefined;
  return { partition, service, region, accountId, resource: resource.join(':') };
}

/** An ARN of `service` in a region and an account, with its resource part. */
function regional(text: string, service: string): (Arn & { region: string; accountId: string }) | undefined {
  const arn = parseArn(text);
  if (!arn || arn.service !== service || !REGION.test(arn.region) || !ACCOUNT_ID.test(arn.accountId)) return undefined;
  return arn;
}

export interface RoleArn {
  partition: string;
  accountId: string;
  /** '/' or '/path/'. */
  path: string;
  name: string;
}

/** Names and path segments as IAM allows them in CreateRole (`[\w+=,.@-]`). */
const ROLE_RESOURCE = /^role\/((?:[\w+=,.@-]+\/)*)([\w+=,.@-]{1,64})$/;
/** IAM's limit on a role's path (CreateRole `Path`: 1-512 characters), which bounds a role ARN. */
const MAX_ROLE_PATH_LENGTH = 512;

/** An IAM role, e.g. `arn:aws:iam::111122223333:role/aws-service-role/config.amazonaws.com/AWSServiceRoleForConfig`. */
export function parseRoleArn(text: string): RoleArn | undefined {
  const arn = parseArn(text);
  if (!arn || arn.service !== 'iam' || arn.region !== '' || !ACCOUNT_ID.test(arn.accountId)) return undefined;
  const m = ROLE_RESOURCE.exec(arn.resource);
  if (!m) return undefined;
  const path = `/${m[1]!}`;
  if (path.length > MAX_ROLE_PATH_LENGTH) return undefined;
  return { partition: arn.partition, accountId: arn.accountId, path, name: m[2]! };
}

export function roleArn(partition: string, accountId: string, name: string): string {
  return `arn:${partition}:iam::${accountId}:role/${name}`;
}

export interface LogGroupRef {
  arn: string;
  partition: string;
  region: string;
  accountId: string;
  name: string;
}

const LOG_GROUP_RESOURCE = /^log-group:([.\-_/#A-Za-z0-9]{1,512})(?::\*)?$/;

/** A log group, in the form CloudTrail stores: `arn:aws:logs:us-east-1:111122223333:log-group:NAME:*`. */
export function parseLogGroupArn(text: string): LogGroupRef | undefined {
  const arn = regional(text, 'logs');
  const m = arn && LOG_GROUP_RESOURCE.exec(arn.resource);
  if (!arn || !m) return undefined;
  return { arn: text, partition: arn.partition, region: arn.region, accountId: arn.accountId, name: m[1]! };
}

export interface TopicRef {
  partition: string;
  region: string;
  accountId: string;
  name: string;
}

/** SNS topic names: letters, digits, hyphens and underscores, up to 256, `.fifo` for FIFO topics. */
const TOPIC_NAME = /^(?:[A-Za-z0-9_-]{1,256}|[A-Za-z0-9_-]{1,251}\.fifo)$/;

/** An SNS topic, e.g. an alarm action `arn:aws:sns:us-east-1:111122223333:security-alerts`. */
export function parseTopicArn(text: string): TopicRef | undefined {
  const arn = regional(text, 'sns');
  if (!arn || !TOPIC_NAME.test(arn.resource)) return undefined;
  return { partition: arn.partition, region: arn.region, accountId: arn.accountId, name: arn.resource };
}

/** A Lambda function, possibly qualified by a version or alias (`context.invokedFunctionArn`). */
export function parseFunctionArn(text: string): { partition: string; region: string; accountId: string; name: string } | undefined {
  const arn = regional(text, 'lambda');
  const m = arn && /^function:([A-Za-z0-9_-]{1,64})(?::[A-Za-z0-9$_-]{1,128})?$/.exec(arn.resource);
  if (!arn || !m) return undefined;
  return { partition: arn.partition, region: arn.region, accountId: arn.accountId, name: m[1]! };
}
