/**
 * CloudWatch: DescribeAlarmsForMetric, DescribeAlarms, PutMetricAlarm. Served over JSON 1.0
 * (`GraniteServiceVersion20100801.<Op>`, awsQueryCompatible: SDK v3 and current botocore) and over the Query
 * protocol (older botocore / AWS CLI); error codes are the Query ones either way.
 */
import type { MetricDataQuery, MetricDimension } from '../../../rule/snapshot';
import {
  EPOCH_OF_STATE,
  ServiceError,
  compact,
  paginate,
  splitArn,
  validationMessage,
  type CallContext,
  type Params,
  type ServiceDefinition,
} from '../common';
import { alarmArn, type AlarmState } from '../state';

/** DescribeAlarms takes MaxRecords 1-100 (default 50) and at most 100 AlarmNames. */
const MAX_RECORDS = 100;
const DEFAULT_RECORDS = 50;
const MAX_ACTIONS = 5;

const STATISTICS = new Set(['SampleCount', 'Average', 'Sum', 'Minimum', 'Maximum']);
const COMPARISON_OPERATORS = new Set([
  'GreaterThanOrEqualToThreshold',
  'GreaterThanThreshold',
  'LessThanThreshold',
  'LessThanOrEqualToThreshold',
  'LessThanLowerOrGreaterThanUpperThreshold',
  'LessThanLowerThreshold',
  'GreaterThanUpperThreshold',
]);
const TREAT_MISSING_DATA = new Set(['breaching', 'notBreaching', 'ignore', 'missing']);
const STATE_VALUES = new Set(['OK', 'ALARM', 'INSUFFICIENT_DATA']);

const validation = (message: string) => new ServiceError('ValidationError', message);
const invalidValue = (message: string) => new ServiceError('InvalidParameterValue', message);
const combination = (message: string) => new ServiceError('InvalidParameterCombination', message);

/** Query codes to the `__type` of their Smithy shapes (the SDK takes the code from x-amzn-query-error anyway). */
const JSON_TYPES: Record<string, string> = {
  InvalidParameterValue: 'InvalidParameterValueException',
  InvalidParameterCombination: 'InvalidParameterCombinationException',
  MissingParameter: 'MissingRequiredParameterException',
  ValidationError: 'ValidationException',
  LimitExceeded: 'LimitExceededFault',
  InternalServiceError: 'InternalServiceFault',
  AccessDenied: 'AccessDeniedException',
  Throttling: 'ThrottlingException',
  InvalidClientTokenId: 'UnrecognizedClientException',
};

function toDimensions(dimensions: MetricDimension[]) {
  return dimensions.map((d) => ({ Name: d.name, Value: d.value }));
}

function toQuery(q: MetricDataQuery) {
  const stat = q.metricStat;
  return compact({
    Id: q.id,
    MetricStat:
      stat === undefined
        ? undefined
        : compact({
            Metric: compact({ Namespace: stat.metric.namespace, MetricName: stat.metric.metricName, Dimensions: toDimensions(stat.metric.dimensions) }),
            Period: stat.period,
            Stat: stat.stat,
            Unit: stat.unit,
          }),
    Expression: q.expression,
    ReturnData: q.returnData,
  });
}

function toAlarm(alarm: AlarmState) {
  const updated = alarm.updatedAt === undefined ? EPOCH_OF_STATE : new Date(alarm.updatedAt);
  return compact({
    AlarmName: alarm.alarmName,
    AlarmArn: alarm.alarmArn,
    AlarmDescription: alarm.alarmDescription,
    AlarmConfigurationUpdatedTimestamp: updated,
    ActionsEnabled: alarm.actionsEnabled,
    OKActions: alarm.okActions ?? [],
    AlarmActions: alarm.alarmActions,
    InsufficientDataActions: alarm.insufficientDataActions ?? [],
    StateValue: alarm.stateValue ?? 'INSUFFICIENT_DATA',
    StateReason: 'Unchecked: Initial alarm creation',
    StateUpdatedTimestamp: updated,
    MetricName: alarm.metricName,
    Namespace: alarm.namespace,
    Statistic: alarm.statistic,
    ExtendedStatistic: alarm.extendedStatistic,
    Dimensions: toDimensions(alarm.dimensions),
    Period: alarm.period,
    Unit: alarm.unit,
    EvaluationPeriods: alarm.evaluationPeriods,
    DatapointsToAlarm: alarm.datapointsToAlarm,
    Threshold: alarm.threshold,
    ComparisonOperator: alarm.comparisonOperator,
    TreatMissingData: alarm.treatMissingData,
    EvaluateLowSampleCountPercentile: alarm.evaluateLowSampleCountPercentile,
    Metrics: alarm.metrics?.map(toQuery),
    ThresholdMetricId: alarm.thresholdMetricId,
    StateTransitionedTimestamp: updated,
  });
}

function alarmsInRegion(context: CallContext): AlarmState[] {
  return context.account.alarms.filter((a) => a.region === context.region);
}

function readDimensions(list: Params[] | undefined): MetricDimension[] | undefined {
  if (list === undefined) return undefined;
  if (list.length > 30) throw validation('A metric can have at most 30 dimensions.');
  return list.map((d) => ({ name: d.requiredStr('Name'), value: d.requiredStr('Value') }));
}

function sameDimensions(a: MetricDimension[], b: MetricDimension[]): boolean {
  const key = (ds: MetricDimension[]) => JSON.stringify([...ds].map((d) => [d.name, d.value]).sort());
  return key(a) === key(b);
}

function readPeriod(params: Params, name: string): number | undefined {
  const period = params.int(name, 1, 7 * 24 * 3600 * 365);
  // High-resolution periods are 10 or 30 s; otherwise whole minutes.
  if (period !== undefined && period !== 10 && period !== 30 && period % 60 !== 0) {
    throw validation(`The parameter ${name} must be 10, 30 or a multiple of 60.`);
  }
  return period;
}

function readActions(params: Params, name: string): string[] | undefined {
  const actions = params.strList(name);
  if (actions === undefined) return undefined;
  if (actions.length > MAX_ACTIONS) throw validation(`The collection ${name} must not have a size greater than ${MAX_ACTIONS}.`);
  for (const action of actions) {
    if (!splitArn(action)) throw validation(`Invalid arn syntax: ${action}`);
  }
  return actions;
}

function readMetricQueries(list: Params[]): MetricDataQuery[] {
  return list.map((q) => {
    const id = q.requiredStr('Id');
    const stat = q.struct('MetricStat');
    const expression = q.str('Expression');
    if ((stat === undefined) === (expression === undefined)) {
      throw validation(`Metrics query ${id} must have exactly one of MetricStat and Expression.`);
    }
    let metricStat: MetricDataQuery['metricStat'];
    if (stat !== undefined) {
      const metric = stat.struct('Metric');
      if (metric === undefined) throw cloudwatch.validationError('MetricStat.Metric', '', true);
      const statistic = stat.requiredStr('Stat');
      const period = readPeriod(stat, 'Period');
      if (period === undefined) throw cloudwatch.validationError('MetricStat.Period', '', true);
      metricStat = compact({
        metric: compact({
          namespace: metric.str('Namespace'),
          metricName: metric.str('MetricName'),
          dimensions: readDimensions(metric.list('Dimensions')) ?? [],
        }),
        period,
        stat: statistic,
        unit: stat.str('Unit'),
      });
    }
    return compact({ id, expression, returnData: q.bool('ReturnData'), metricStat });
  });
}

export const cloudwatch: ServiceDefinition = {
  iamPrefix: 'cloudwatch',
  validationError: (member, constraint, missing) =>
    missing ? new ServiceError('MissingParameter', `The parameter ${member} is required.`) : validation(validationMessage(member, constraint, false)),
  queryCompatibleJsonType: (code) => JSON_TYPES[code] ?? code,
  operations: {
    DescribeAlarmsForMetric: {
      handle(params: Params, context: CallContext) {
        const metricName = params.requiredStr('MetricName');
        const namespace = params.requiredStr('Namespace');
        const statistic = params.str('Statistic');
        const extendedStatistic = params.str('ExtendedStatistic');
        const period = params.num('Period');
        const unit = params.str('Unit');
        const dimensions = readDimensions(params.list('Dimensions'));
        const alarms = alarmsInRegion(context).filter(
          (a) =>
            // Only standard alarms: metric-math alarms have no top-level metric.
            !a.metrics &&
            a.namespace === namespace &&
            a.metricName === metricName &&
            (statistic === undefined || a.statistic === statistic) &&
            (extendedStatistic === undefined || a.extendedStatistic === extendedStatistic) &&
            (period === undefined || a.period === period) &&
            (unit === undefined || a.unit === unit) &&
            (dimensions === undefined || sameDimensions(a.dimensions, dimensions)),
        );
        return { MetricAlarms: alarms.map(toAlarm) };
      },
    },
    DescribeAlarms: {
      pageToken: 'NextToken',
      handle(params: Params, context: CallContext) {
        const names = params.strList('AlarmNames');
        const prefix = params.str('AlarmNamePrefix');
        const types = params.strList('AlarmTypes');
        const stateValue = params.str('StateValue');
        const actionPrefix = params.str('ActionPrefix');
        const maxRecords = params.int('MaxRecords', 1, MAX_RECORDS) ?? DEFAULT_RECORDS;
        if (names !== undefined && names.length > MAX_RECORDS) throw validation(`The collection AlarmNames must not have a size greater than ${MAX_RECORDS}.`);
        if (names !== undefined && names.length > 0 && prefix !== undefined) {
          throw combination('AlarmNames and AlarmNamePrefix cannot be specified together.');
        }
        if (stateValue !== undefined && !STATE_VALUES.has(stateValue)) throw invalidValue(`Invalid StateValue: ${stateValue}`);
        for (const type of types ?? []) {
          if (type !== 'MetricAlarm' && type !== 'CompositeAlarm') throw invalidValue(`Invalid AlarmType: ${type}`);
        }
        // Without AlarmTypes only metric alarms are returned.
        const wantMetricAlarms = types === undefined || types.length === 0 || types.includes('MetricAlarm');
        const alarms = (wantMetricAlarms ? alarmsInRegion(context) : [])
          .filter((a) => names === undefined || names.length === 0 || names.includes(a.alarmName))
          .filter((a) => prefix === undefined || a.alarmName.startsWith(prefix))
          .filter((a) => stateValue === undefined || (a.stateValue ?? 'INSUFFICIENT_DATA') === stateValue)
          .filter((a) => actionPrefix === undefined || a.alarmActions.some((action) => action.startsWith(actionPrefix)))
          .sort((a, b) => (a.alarmName < b.alarmName ? -1 : a.alarmName > b.alarmName ? 1 : 0));
        const invalidToken = () => new ServiceError('InvalidNextToken', 'The service returned an invalid NextToken.');
        const { page, nextToken } = paginate(alarms, params.str('NextToken'), Math.min(maxRecords, context.pageSize), 'DescribeAlarms', invalidToken);
        return compact({ MetricAlarms: page.map(toAlarm), CompositeAlarms: [], NextToken: nextToken });
      },
    },
    PutMetricAlarm: {
      handle(params: Params, context: CallContext) {
        const alarmName = params.requiredStr('AlarmName');
        if (alarmName === '' || alarmName.length > 255) throw validation('AlarmName must be 1-255 characters.');
        const evaluationPeriods = params.int('EvaluationPeriods', 1, 100_000);
        if (evaluationPeriods === undefined) throw cloudwatch.validationError('EvaluationPeriods', '', true);
        const comparisonOperator = params.requiredStr('ComparisonOperator');
        if (!COMPARISON_OPERATORS.has(comparisonOperator)) throw invalidValue(`Invalid ComparisonOperator: ${comparisonOperator}`);
        const metricName = params.str('MetricName');
        const namespace = params.str('Namespace');
        const statistic = params.str('Statistic');
        const extendedStatistic = params.str('ExtendedStatistic');
        const period = readPeriod(params, 'Period');
        const metricsList = params.list('Metrics');
        const thresholdMetricId = params.str('ThresholdMetricId');
        const threshold = params.num('Threshold');
        const datapointsToAlarm = params.int('DatapointsToAlarm', 1, 100_000);
        const treatMissingData = params.str('TreatMissingData');
        if (metricsList !== undefined && metricsList.length > 0) {
          if (metricName !== undefined || namespace !== undefined || statistic !== undefined || extendedStatistic !== undefined) {
            throw combination('Metrics cannot be combined with MetricName, Namespace, Statistic or ExtendedStatistic.');
          }
        } else {
          if (metricName === undefined) throw cloudwatch.validationError('MetricName', '', true);
          if (namespace === undefined) throw cloudwatch.validationError('Namespace', '', true);
          if ((statistic === undefined) === (extendedStatistic === undefined)) {
            throw combination('Exactly one of Statistic and ExtendedStatistic must be specified.');
          }
          if (statistic !== undefined && !STATISTICS.has(statistic)) throw invalidValue(`Invalid Statistic: ${statistic}`);
          if (period === undefined) throw cloudwatch.validationError('Period', '', true);
        }
        if (threshold === undefined && thresholdMetricId === undefined) throw cloudwatch.validationError('Threshold', '', true);
        if (datapointsToAlarm !== undefined && datapointsToAlarm > evaluationPeriods) {
          throw validation('DatapointsToAlarm must be less than or equal to EvaluationPeriods.');
        }
        if (treatMissingData !== undefined && !TREAT_MISSING_DATA.has(treatMissingData)) {
          throw validation(`Invalid TreatMissingData: ${treatMissingData}`);
        }
        const alarms = context.account.alarms;
        const region = context.region;
        const index = alarms.findIndex((a) => a.region === region && a.alarmName === alarmName);
        const alarm: AlarmState = compact({
          alarmName,
          alarmArn: alarmArn(context.caller.accountId, region, alarmName),
          region,
          alarmDescription: params.str('AlarmDescription'),
          actionsEnabled: params.bool('ActionsEnabled') ?? true,
          alarmActions: readActions(params, 'AlarmActions') ?? [],
          okActions: readActions(params, 'OKActions'),
          insufficientDataActions: readActions(params, 'InsufficientDataActions'),
          metricName,
          namespace,
          statistic,
          extendedStatistic,
          dimensions: readDimensions(params.list('Dimensions')) ?? [],
          period: metricsList !== undefined && metricsList.length > 0 ? undefined : period,
          unit: params.str('Unit'),
          evaluationPeriods,
          datapointsToAlarm,
          threshold,
          comparisonOperator,
          treatMissingData,
          evaluateLowSampleCountPercentile: params.str('EvaluateLowSampleCountPercentile'),
          metrics: metricsList !== undefined && metricsList.length > 0 ? readMetricQueries(metricsList) : undefined,
          thresholdMetricId,
          // An update "completely overwrites the previous configuration" but leaves the alarm's state.
          stateValue: index >= 0 ? alarms[index]!.stateValue : undefined,
          updatedAt: context.now.toISOString(),
        });
        if (index >= 0) alarms[index] = alarm;
        else alarms.push(alarm);
        return undefined;
      },
      resource: (params, context) => alarmArn(context.caller.accountId, context.region, params.str('AlarmName') ?? '*'),
    },
  },
};
