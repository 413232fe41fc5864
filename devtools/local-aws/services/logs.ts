/**
 * CloudWatch Logs (JSON 1.1, `Logs_20140328.<Op>`): DescribeLogGroups, DescribeMetricFilters, PutMetricFilter and
 * TestMetricFilter. TestMetricFilter runs the project's own pattern engine (rule/pattern), so the emulator is only
 * as good an oracle as that engine: it is AWS's wire behaviour, not AWS's matcher.
 */
import { TEST_METRIC_FILTER_MAX_MESSAGES } from '../../../rule/snapshot';
import { UnsupportedPatternError, matchesLogEvent, type JsonObject, type LogEvent } from '../../../rule/pattern/evaluate';
import { MAX_PATTERN_LENGTH, formatPatternError, parseFilterPattern } from '../../../rule/pattern/parser';
import type { MetricTransformation } from '../../../rule/snapshot';
import {
  EPOCH_OF_STATE,
  ServiceError,
  compact,
  paginate,
  validationMessage,
  type CallContext,
  type Params,
  type ServiceDefinition,
} from '../common';
import { logGroupArn, type LogGroupState } from '../state';

/** Most metric filters a log group holds. */
export const MAX_METRIC_FILTERS_PER_GROUP = 100;
/** DescribeMetricFilters and DescribeLogGroups take `limit` 1-50 (default 50). */
const MAX_LIMIT = 50;

const invalidParameter = (message: string) => new ServiceError('InvalidParameterException', message);
const groupNotFound = () => new ServiceError('ResourceNotFoundException', 'The specified log group does not exist.');
const invalidToken = () => invalidParameter('The specified nextToken is invalid.');

function groupsInRegion(context: CallContext): LogGroupState[] {
  return context.account.logGroups.filter((g) => g.region === context.region);
}

function findGroup(name: string, context: CallContext): LogGroupState | undefined {
  return groupsInRegion(context).find((g) => g.name === name);
}

function pageSize(params: Params, context: CallContext): number {
  return Math.min(params.int('limit', 1, MAX_LIMIT) ?? MAX_LIMIT, context.pageSize);
}

function toTransformation(t: MetricTransformation) {
  return compact({
    metricName: t.metricName,
    metricNamespace: t.metricNamespace,
    metricValue: t.metricValue,
    defaultValue: t.defaultValue,
    dimensions: t.dimensions,
    unit: t.unit,
  });
}

/** Metric and namespace names: 1-255 characters without `:`, `*` or `$`. */
const METRIC_NAME = /^[^:*$]{1,255}$/;
const FILTER_NAME = /^[^:*]{1,512}$/;
const UNITS = new Set([
  'Seconds', 'Microseconds', 'Milliseconds', 'Bytes', 'Kilobytes', 'Megabytes', 'Gigabytes', 'Terabytes', 'Bits', 'Kilobits',
  'Megabits', 'Gigabits', 'Terabits', 'Percent', 'Count', 'Bytes/Second', 'Kilobytes/Second', 'Megabytes/Second',
  'Gigabytes/Second', 'Terabytes/Second', 'Bits/Second', 'Kilobits/Second', 'Megabits/Second', 'Gigabits/Second',
  'Terabits/Second', 'Count/Second', 'None',
]);

function readTransformation(params: Params): MetricTransformation {
  const metricName = params.requiredStr('metricName');
  const metricNamespace = params.requiredStr('metricNamespace');
  const metricValue = params.requiredStr('metricValue');
  if (!METRIC_NAME.test(metricName)) throw invalidParameter('Invalid metric name: must be 1-255 characters without :, * or $');
  if (!METRIC_NAME.test(metricNamespace)) throw invalidParameter('Invalid metric namespace: must be 1-255 characters without :, * or $');
  if (metricValue === '' || metricValue.length > 100) throw invalidParameter('Invalid metric value: must be 1-100 characters');
  const defaultValue = params.num('defaultValue');
  const dimensions = params.stringMap('dimensions');
  const unit = params.str('unit');
  if (dimensions !== undefined && Object.keys(dimensions).length > 3) throw invalidParameter('A metric filter can have at most 3 dimensions.');
  // AWS refuses the combination: a default value would be emitted without the dimensions' values.
  if (dimensions !== undefined && Object.keys(dimensions).length > 0 && defaultValue !== undefined) {
    throw invalidParameter('A metric transformation cannot have both dimensions and a default value.');
  }
  if (unit !== undefined && !UNITS.has(unit)) throw invalidParameter(`Invalid unit: ${unit}`);
  return compact({ metricName, metricNamespace, metricValue, defaultValue, dimensions, unit });
}

/** TestMetricFilter takes raw messages; a JSON object message is matched as JSON. */
function asLogEvent(message: string): LogEvent {
  if (message.trimStart().startsWith('{')) {
    try {
      const parsed: unknown = JSON.parse(message);
      if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) return parsed as JsonObject;
    } catch {
      // not JSON: matched as text
    }
  }
  return message;
}

function parsePattern(text: string) {
  if (text.length > MAX_PATTERN_LENGTH) throw invalidParameter(`filterPattern must be at most ${MAX_PATTERN_LENGTH} characters`);
  const parsed = parseFilterPattern(text);
  if (!parsed.ok) throw invalidParameter(`Invalid metric filter pattern: ${formatPatternError(parsed.error)}`);
  return parsed.pattern;
}

export const logs: ServiceDefinition = {
  iamPrefix: 'logs',
  validationError: (member, constraint, missing) => new ServiceError('ValidationException', validationMessage(member, constraint, missing)),
  operations: {
    DescribeLogGroups: {
      pageToken: 'nextToken',
      handle(params: Params, context: CallContext) {
        const prefix = params.str('logGroupNamePrefix');
        const pattern = params.str('logGroupNamePattern');
        if (prefix !== undefined && pattern !== undefined) {
          throw invalidParameter('LogGroupNamePrefix and LogGroupNamePattern are mutually exclusive.');
        }
        const groups = groupsInRegion(context)
          .filter((g) => prefix === undefined || g.name.startsWith(prefix))
          .filter((g) => pattern === undefined || g.name.toLowerCase().includes(pattern.toLowerCase()))
          .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
        const { page, nextToken } = paginate(groups, params.str('nextToken'), pageSize(params, context), 'DescribeLogGroups', invalidToken);
        return compact({
          logGroups: page.map((g) => {
            const arn = logGroupArn(context.caller.accountId, g.region, g.name);
            return {
              logGroupName: g.name,
              creationTime: g.creationTime ?? EPOCH_OF_STATE.getTime(),
              metricFilterCount: g.metricFilters.length,
              arn,
              logGroupArn: arn.replace(/:\*$/, ''),
              storedBytes: 0,
              logGroupClass: 'STANDARD',
            };
          }),
          nextToken,
        });
      },
    },
    DescribeMetricFilters: {
      pageToken: 'nextToken',
      handle(params: Params, context: CallContext) {
        const logGroupName = params.str('logGroupName');
        const filterNamePrefix = params.str('filterNamePrefix');
        const metricName = params.str('metricName');
        const metricNamespace = params.str('metricNamespace');
        if ((metricName === undefined) !== (metricNamespace === undefined)) {
          throw invalidParameter('metricName and metricNamespace must be specified together.');
        }
        let groups = groupsInRegion(context);
        if (logGroupName !== undefined) {
          const group = findGroup(logGroupName, context);
          if (!group) throw groupNotFound();
          groups = [group];
        }
        const filters = groups
          .flatMap((g) => g.metricFilters.map((f) => ({ ...f, logGroupName: g.name })))
          // AWS uses the prefix only together with logGroupName.
          .filter((f) => filterNamePrefix === undefined || logGroupName === undefined || f.filterName.startsWith(filterNamePrefix))
          .filter(
            (f) =>
              metricName === undefined ||
              f.metricTransformations.some((t) => t.metricName === metricName && t.metricNamespace === metricNamespace),
          )
          // AWS lists metric filters in name order (which filterNamePrefix lookups rely on), not creation order.
          .sort((a, b) => (a.logGroupName === b.logGroupName ? (a.filterName < b.filterName ? -1 : a.filterName > b.filterName ? 1 : 0) : 0));
        const { page, nextToken } = paginate(filters, params.str('nextToken'), pageSize(params, context), 'DescribeMetricFilters', invalidToken);
        return compact({
          metricFilters: page.map((f) =>
            compact({
              filterName: f.filterName,
              // AWS omits an empty pattern (which matches every event).
              filterPattern: f.filterPattern === '' ? undefined : f.filterPattern,
              metricTransformations: f.metricTransformations.map(toTransformation),
              logGroupName: f.logGroupName,
              applyOnTransformedLogs: false,
            }),
          ),
          nextToken,
        });
      },
      resource: (params, context) => groupResource(params.str('logGroupName'), context),
    },
    PutMetricFilter: {
      handle(params: Params, context: CallContext) {
        const logGroupName = params.requiredStr('logGroupName');
        const filterName = params.requiredStr('filterName');
        const filterPattern = params.requiredStr('filterPattern');
        const transformations = params.list('metricTransformations');
        if (transformations === undefined) throw logs.validationError('metricTransformations', '', true);
        if (!FILTER_NAME.test(filterName)) throw invalidParameter('Invalid filter name: must be 1-512 characters without : or *');
        if (transformations.length !== 1) throw invalidParameter('A metric filter must have exactly one metric transformation.');
        const metricTransformations = transformations.map(readTransformation);
        parsePattern(filterPattern);
        const group = findGroup(logGroupName, context);
        if (!group) throw groupNotFound();
        const filter = { filterName, filterPattern, metricTransformations };
        // Create or replace by (log group, filter name).
        const index = group.metricFilters.findIndex((f) => f.filterName === filterName);
        if (index >= 0) group.metricFilters[index] = filter;
        else if (group.metricFilters.length >= MAX_METRIC_FILTERS_PER_GROUP) throw new ServiceError('LimitExceededException', 'Resource limit exceeded.');
        else group.metricFilters.push(filter);
        return undefined;
      },
      resource: (params, context) => groupResource(params.str('logGroupName'), context),
    },
    TestMetricFilter: {
      handle(params: Params) {
        const filterPattern = params.requiredStr('filterPattern');
        const messages = params.strList('logEventMessages');
        if (messages === undefined) throw logs.validationError('logEventMessages', '', true);
        if (messages.length === 0 || messages.length > TEST_METRIC_FILTER_MAX_MESSAGES) {
          throw new ServiceError(
            'ValidationException',
            validationMessage('logEventMessages', `Member must have length between 1 and ${TEST_METRIC_FILTER_MAX_MESSAGES}`, false),
          );
        }
        const pattern = parsePattern(filterPattern);
        try {
          const matches = messages.flatMap((message, index) =>
            matchesLogEvent(pattern, asLogEvent(message)) ? [{ eventNumber: index + 1, eventMessage: message, extractedValues: {} }] : [],
          );
          return { matches };
        } catch (error) {
          // The project's engine does not evaluate space-delimited patterns; say so rather than guess.
          if (error instanceof UnsupportedPatternError) throw invalidParameter(`local-aws: ${error.message}`);
          throw error;
        }
      },
    },
  },
};

function groupResource(name: string | undefined, context: CallContext): string {
  return logGroupArn(context.caller.accountId, context.region, name ?? '*');
}
