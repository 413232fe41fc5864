/**
 * SNS (Query protocol, XML answers): CreateTopic, GetTopicAttributes, SetTopicAttributes, Subscribe,
 * ListSubscriptionsByTopic. Topic policies are not evaluated: a topic of another account is refused as its default
 * policy refuses it (AuthorizationError), and a topic is only reachable in its own region.
 */
import { randomUUID } from 'node:crypto';
import type { Subscription } from '../../../rule/snapshot';
import { ServiceError, StringMap, paginate, splitArn, type CallContext, type Params, type ServiceDefinition } from '../common';
import { topicArn as makeTopicArn, type TopicState } from '../state';

/** ListSubscriptionsByTopic returns at most 100 subscriptions per page. */
const MAX_PAGE = 100;
/** Shown by Subscribe (and ListSubscriptions*) for a subscription awaiting confirmation. */
const PENDING_SUBSCRIBE_ANSWER = 'pending confirmation';
const PENDING_LIST_ARN = 'PendingConfirmation';

const invalidParameter = (what: string) => new ServiceError('InvalidParameter', `Invalid parameter: ${what}`);

const SETTABLE_ATTRIBUTES = new Set([
  'Policy',
  'DisplayName',
  'KmsMasterKeyId',
  'DeliveryPolicy',
  'TracingConfig',
  'SignatureVersion',
  'ArchivePolicy',
  'ContentBasedDeduplication',
  'FifoThroughputScope',
]);
/** Delivery status logging attributes, e.g. `HTTPSuccessFeedbackRoleArn`. */
const FEEDBACK_ATTRIBUTE = /^(Application|Firehose|HTTP|Lambda|SQS)(SuccessFeedbackRoleArn|SuccessFeedbackSampleRate|FailureFeedbackRoleArn)$/;
/** Attributes only CreateTopic takes. */
const CREATE_ONLY_ATTRIBUTES = new Set(['FifoTopic']);

const PROTOCOLS = new Set(['http', 'https', 'email', 'email-json', 'sms', 'sqs', 'application', 'lambda', 'firehose']);

const DEFAULT_DELIVERY_POLICY = JSON.stringify({
  http: {
    defaultHealthyRetryPolicy: {
      minDelayTarget: 20,
      maxDelayTarget: 20,
      numRetries: 3,
      numMaxDelayRetries: 0,
      numNoDelayRetries: 0,
      numMinDelayRetries: 0,
      backoffFunction: 'linear',
    },
    disableSubscriptionOverrides: false,
    defaultRequestPolicy: { headerContentType: 'text/plain; charset=UTF-8' },
  },
});

/** The policy SNS gives a new topic: the owner account may do everything. */
export function defaultTopicPolicy(topicArn: string, ownerAccountId: string): string {
  return JSON.stringify({
    Version: '2008-10-17',
    Id: '__default_policy_ID',
    Statement: [
      {
        Sid: '__default_statement_ID',
        Effect: 'Allow',
        Principal: { AWS: '*' },
        Action: [
          'SNS:GetTopicAttributes',
          'SNS:SetTopicAttributes',
          'SNS:AddPermission',
          'SNS:RemovePermission',
          'SNS:DeleteTopic',
          'SNS:Subscribe',
          'SNS:ListSubscriptionsByTopic',
          'SNS:Publish',
        ],
        Resource: topicArn,
        Condition: { StringEquals: { 'AWS:SourceOwner': ownerAccountId } },
      },
    ],
  });
}

function checkAttribute(name: string, value: string, creating: boolean): void {
  if (!SETTABLE_ATTRIBUTES.has(name) && !FEEDBACK_ATTRIBUTE.test(name) && !(creating && CREATE_ONLY_ATTRIBUTES.has(name))) {
    throw invalidParameter('AttributeName');
  }
  if (name === 'Policy' || name === 'DeliveryPolicy') {
    let parsed: unknown;
    try {
      parsed = JSON.parse(value);
    } catch (error) {
      throw invalidParameter(`${name} Error: ${(error as Error).message}`);
    }
    if (name === 'Policy' && (typeof parsed !== 'object' || parsed === null || !('Statement' in parsed))) {
      throw invalidParameter('Policy Error: null');
    }
  }
  if (name === 'DisplayName' && value.length > 100) throw invalidParameter('DisplayName');
}

/** The effective value of an attribute: what was set, else SNS's default. */
function effectiveAttribute(topic: TopicState, name: string): string | undefined {
  const set = topic.attributes?.[name];
  if (set !== undefined) return set;
  const arn = splitArn(topic.topicArn)!;
  if (name === 'Policy') return defaultTopicPolicy(topic.topicArn, arn.account);
  if (name === 'DisplayName') return '';
  return undefined;
}

/** The caller's topic in the calling region, checked as SNS checks it. */
function resolveTopic(params: Params, context: CallContext, operation: string): TopicState {
  const topicArn = params.requiredStr('TopicArn');
  const arn = splitArn(topicArn);
  if (!arn || arn.service !== 'sns' || !/^\d{12}$/.test(arn.account) || arn.resource === '') throw invalidParameter('TopicArn');
  // A topic is only reachable through the endpoint of its own region.
  if (arn.region !== context.region) throw invalidParameter('TopicArn');
  if (arn.account !== context.caller.accountId) {
    throw new ServiceError(
      'AuthorizationError',
      `User: ${context.caller.arn} is not authorized to perform: SNS:${operation} on resource: ${topicArn}`,
      403,
    );
  }
  const topic = context.account.topics.find((t) => t.topicArn === topicArn);
  if (!topic) throw new ServiceError('NotFound', 'Topic does not exist', 404);
  return topic;
}

function isPending(subscription: Subscription): boolean {
  return subscription.subscriptionArn === PENDING_LIST_ARN;
}

/** Whether SNS confirms a new subscription at once: same-account AWS endpoints, SMS and mobile push do not need it. */
function confirmsAtOnce(protocol: string, endpoint: string, topicAccountId: string): boolean {
  if (protocol === 'sqs' || protocol === 'lambda' || protocol === 'firehose') return splitArn(endpoint)?.account === topicAccountId;
  return protocol === 'sms' || protocol === 'application';
}

function checkEndpoint(protocol: string, endpoint: string): void {
  switch (protocol) {
    case 'email':
    case 'email-json':
      if (!/^[^@\s]+@[^@\s]+$/.test(endpoint)) throw invalidParameter('Email address');
      return;
    case 'http':
    case 'https':
      if (!endpoint.startsWith(`${protocol}://`)) throw invalidParameter('Endpoint');
      return;
    case 'sqs':
    case 'lambda':
    case 'firehose':
      if (splitArn(endpoint)?.service !== protocol) throw invalidParameter(`${protocol.toUpperCase()} endpoint ARN`);
      return;
    default:
      if (endpoint === '') throw invalidParameter('Endpoint');
  }
}

const resourceOf = (params: Params, context: CallContext) =>
  params.str('TopicArn') ?? makeTopicArn(context.caller.accountId, context.region, params.str('Name') ?? '*');

export const sns: ServiceDefinition = {
  iamPrefix: 'sns',
  validationError: (member, constraint, missing) =>
    new ServiceError('InvalidParameter', missing ? `Invalid parameter: ${member}` : `Invalid parameter: ${member} Reason: ${constraint}`),
  operations: {
    CreateTopic: {
      handle(params: Params, context: CallContext) {
        const name = params.requiredStr('Name');
        const attributes = params.stringMap('Attributes') ?? {};
        const fifo = attributes.FifoTopic === 'true';
        if (!/^[A-Za-z0-9_-]{1,256}$/.test(fifo ? name.replace(/\.fifo$/, '') : name) || fifo !== name.endsWith('.fifo')) {
          throw invalidParameter('Topic Name');
        }
        for (const [key, value] of Object.entries(attributes)) checkAttribute(key, value, true);
        const topicArn = makeTopicArn(context.caller.accountId, context.region, name);
        const existing = context.account.topics.find((t) => t.topicArn === topicArn);
        if (existing) {
          // Idempotent by name, unless the attributes asked for differ from the topic's.
          const differs = Object.entries(attributes).some(([key, value]) => effectiveAttribute(existing, key) !== value);
          if (differs) throw invalidParameter('Attributes Reason: Topic already exists with different attributes');
          return { TopicArn: topicArn };
        }
        const topic: TopicState = { topicArn, subscriptions: [] };
        if (Object.keys(attributes).length > 0) topic.attributes = { ...attributes };
        context.account.topics.push(topic);
        return { TopicArn: topicArn };
      },
      resource: resourceOf,
    },
    GetTopicAttributes: {
      handle(params: Params, context: CallContext) {
        const topic = resolveTopic(params, context, 'GetTopicAttributes');
        const owner = splitArn(topic.topicArn)!.account;
        const stored = Object.fromEntries(Object.entries(topic.attributes ?? {}).filter((e): e is [string, string] => e[1] !== undefined));
        return {
          Attributes: new StringMap({
            ...stored,
            TopicArn: topic.topicArn,
            Owner: owner,
            Policy: effectiveAttribute(topic, 'Policy')!,
            DisplayName: effectiveAttribute(topic, 'DisplayName')!,
            SubscriptionsConfirmed: String(topic.subscriptions.filter((s) => !isPending(s)).length),
            SubscriptionsPending: String(topic.subscriptions.filter(isPending).length),
            SubscriptionsDeleted: '0',
            EffectiveDeliveryPolicy: DEFAULT_DELIVERY_POLICY,
          }),
        };
      },
      resource: resourceOf,
    },
    SetTopicAttributes: {
      handle(params: Params, context: CallContext) {
        const topic = resolveTopic(params, context, 'SetTopicAttributes');
        const name = params.requiredStr('AttributeName');
        const value = params.str('AttributeValue') ?? '';
        checkAttribute(name, value, false);
        const attributes = { ...topic.attributes };
        // An empty KmsMasterKeyId (or DisplayName) removes it: the topic goes back to SNS's default.
        if (value === '' && name !== 'Policy') delete attributes[name];
        else attributes[name] = value;
        if (Object.keys(attributes).length > 0) topic.attributes = attributes;
        else delete topic.attributes;
        return undefined;
      },
      resource: resourceOf,
    },
    Subscribe: {
      handle(params: Params, context: CallContext) {
        const topic = resolveTopic(params, context, 'Subscribe');
        const protocol = params.requiredStr('Protocol');
        const endpoint = params.str('Endpoint') ?? '';
        if (!PROTOCOLS.has(protocol)) throw invalidParameter(`Amazon SNS does not support this protocol string: ${protocol}`);
        checkEndpoint(protocol, endpoint);
        const existing = topic.subscriptions.find((s) => s.protocol === protocol && s.endpoint === endpoint);
        if (existing) return { SubscriptionArn: isPending(existing) ? PENDING_SUBSCRIBE_ANSWER : existing.subscriptionArn };
        const confirmed = confirmsAtOnce(protocol, endpoint, splitArn(topic.topicArn)!.account);
        // A pending subscription has no ARN the state keeps (ReturnSubscriptionArn is not modelled).
        const subscriptionArn = confirmed ? `${topic.topicArn}:${randomUUID()}` : PENDING_LIST_ARN;
        topic.subscriptions.push({ subscriptionArn, protocol, endpoint });
        return { SubscriptionArn: confirmed ? subscriptionArn : PENDING_SUBSCRIBE_ANSWER };
      },
      resource: resourceOf,
    },
    ListSubscriptionsByTopic: {
      pageToken: 'NextToken',
      handle(params: Params, context: CallContext) {
        const topic = resolveTopic(params, context, 'ListSubscriptionsByTopic');
        const owner = splitArn(topic.topicArn)!.account;
        const invalidToken = () => invalidParameter('NextToken');
        const { page, nextToken } = paginate(
          topic.subscriptions,
          params.str('NextToken'),
          Math.min(MAX_PAGE, context.pageSize),
          `ListSubscriptionsByTopic ${topic.topicArn}`,
          invalidToken,
        );
        return {
          Subscriptions: page.map((s) => ({
            SubscriptionArn: s.subscriptionArn,
            Owner: owner,
            Protocol: s.protocol,
            Endpoint: s.endpoint,
            TopicArn: topic.topicArn,
          })),
          ...(nextToken === undefined ? {} : { NextToken: nextToken }),
        };
      },
      resource: resourceOf,
    },
  },
};
