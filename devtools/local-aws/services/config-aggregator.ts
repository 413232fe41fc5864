/**
 * AWS Config's aggregator reads (JSON 1.1, `StarlingDoveService.<Op>`, the config service's own endpoint):
 * DescribeAggregateComplianceByConfigRules and GetAggregateComplianceDetailsByConfigRule, served from the aggregators
 * of `world.configurationAggregators`. An aggregator holds its results directly (`results`) and also shows what the
 * rule wrote through PutEvaluations (`world.evaluations`, TestMode excluded) for the result tokens it maps to a rule
 * name, the latest per rule, account, region and resource, as AWS Config keeps the latest evaluation.
 *
 * Summary compliance follows AWS's Compliance data type: COMPLIANT, NON_COMPLIANT or INSUFFICIENT_DATA only ("AWS
 * Config does not support the NOT_APPLICABLE value for the Compliance data type", API Reference, Compliance), so a
 * rule whose results are all NOT_APPLICABLE is INSUFFICIENT_DATA there; the details keep NOT_APPLICABLE.
 */
import { ServiceError, compact, paginate, validationMessage, type CallContext, type Params, type ServiceDefinition } from '../common';
import type { AggregatedResultState, ConfigurationAggregatorState, World } from '../state';

/** The models' Limit ranges: 0-1000 for the summary, 0-100 for the details (0 means the default, the maximum). */
const SUMMARY_LIMIT = 1000;
const DETAILS_LIMIT = 100;

const validationError = (member: string, constraint: string, missing: boolean) => new ServiceError('ValidationException', validationMessage(member, constraint, missing));

function aggregatorOf(params: Params, context: CallContext): ConfigurationAggregatorState {
  const name = params.requiredStr('ConfigurationAggregatorName');
  const found = (context.world.configurationAggregators ?? []).find(
    (a) => a.name === name && a.accountId === context.caller.accountId && a.region === context.region,
  );
  if (!found) {
    throw new ServiceError('NoSuchConfigurationAggregatorException', 'The configuration aggregator does not exist. Check the configuration aggregator name and try again.');
  }
  return found;
}

/**
 * The aggregator's results indexed by rule, account and region: the latest result per resource, and the cells in the
 * summary's order. Built once and kept until the aggregator's `results` or `world.evaluations` is replaced or grows,
 * since every details call asks for one cell: rebuilding the whole set per call made a report of 1,000 accounts
 * quadratic (15,000 calls each re-reading 15,000 results). The index holds the results themselves, so a test that
 * edits a result's compliance or annotation in place is answered with the edit.
 */
interface AggregatorIndex {
  builtFrom: { results: unknown; resultCount: number; evaluations: unknown; evaluationCount: number };
  /** Key: rule, account and region joined by NUL; in the summary's order (rule, account, region). */
  cells: Map<string, AggregatedResultState[]>;
}

const indexes = new WeakMap<ConfigurationAggregatorState, AggregatorIndex>();
const cellKey = (rule: string, accountId: string, region: string) => [rule, accountId, region].join('\u0000');

function indexOf(world: World, aggregator: ConfigurationAggregatorState): AggregatorIndex {
  const builtFrom = { results: aggregator.results, resultCount: aggregator.results?.length ?? 0, evaluations: world.evaluations, evaluationCount: world.evaluations?.length ?? 0 };
  const held = indexes.get(aggregator);
  if (held && (Object.keys(builtFrom) as (keyof typeof builtFrom)[]).every((k) => held.builtFrom[k] === builtFrom[k])) return held;
  const index = { builtFrom, cells: buildCells(world, aggregator) };
  indexes.set(aggregator, index);
  return index;
}

/** Its own results, then the latest recorded evaluation per rule, account, region and resource, as AWS Config keeps the latest. */
function buildCells(world: World, aggregator: ConfigurationAggregatorState): Map<string, AggregatedResultState[]> {
  const latest = new Map<string, AggregatedResultState>();
  const keep = (r: AggregatedResultState) => {
    const key = [r.configRuleName, r.accountId, r.awsRegion, r.resourceType ?? 'AWS::::Account', r.resourceId ?? r.accountId].join('\u0000');
    const held = latest.get(key);
    if (!held || held.resultRecordedTime <= r.resultRecordedTime) latest.set(key, r);
  };
  (aggregator.results ?? []).forEach(keep);
  for (const e of world.evaluations ?? []) {
    const rule = aggregator.ruleOfResultToken?.[e.resultToken];
    if (rule === undefined || e.testMode) continue;
    keep(
      compact({
        configRuleName: rule,
        accountId: e.accountId,
        awsRegion: e.region,
        complianceType: e.complianceType as AggregatedResultState['complianceType'],
        annotation: e.annotation,
        resultRecordedTime: e.orderingTimestamp,
        resourceType: e.complianceResourceType,
        resourceId: e.complianceResourceId,
      }),
    );
  }
  const cells = new Map<string, AggregatedResultState[]>();
  const ordered = [...latest.values()].sort(
    (a, b) =>
      a.configRuleName.localeCompare(b.configRuleName) ||
      a.accountId.localeCompare(b.accountId) ||
      a.awsRegion.localeCompare(b.awsRegion) ||
      (a.resourceId ?? a.accountId).localeCompare(b.resourceId ?? b.accountId),
  );
  for (const r of ordered) {
    const key = cellKey(r.configRuleName, r.accountId, r.awsRegion);
    const cell = cells.get(key);
    if (cell) cell.push(r);
    else cells.set(key, [r]);
  }
  return cells;
}

function pageSize(params: Params, max: number, context: CallContext): number {
  const limit = params.int('Limit', 0, max) ?? 0;
  return Math.min(limit === 0 ? max : limit, context.pageSize);
}

const invalidToken = () => new ServiceError('InvalidNextTokenException', 'The specified next token is invalid. Specify the nextToken string that was returned in the previous response to get the next page of results.');

export const configAggregator: ServiceDefinition = {
  iamPrefix: 'config',
  validationError,
  operations: {
    DescribeAggregateComplianceByConfigRules: {
      pageToken: 'NextToken',
      handle(params: Params, context: CallContext) {
        const aggregator = aggregatorOf(params, context);
        const filters = params.struct('Filters');
        const entries = [...indexOf(context.world, aggregator).cells.values()]
          .map((results) => {
            const { configRuleName, accountId, awsRegion } = results[0]!;
            const types = new Set(results.map((r) => r.complianceType));
            return {
              ConfigRuleName: configRuleName,
              AccountId: accountId,
              AwsRegion: awsRegion,
              ComplianceType: types.has('NON_COMPLIANT') ? 'NON_COMPLIANT' : types.has('COMPLIANT') ? 'COMPLIANT' : 'INSUFFICIENT_DATA',
            };
          })
          .filter(
            (e) =>
              (filters?.str('ConfigRuleName') ?? e.ConfigRuleName) === e.ConfigRuleName &&
              (filters?.str('AccountId') ?? e.AccountId) === e.AccountId &&
              (filters?.str('AwsRegion') ?? e.AwsRegion) === e.AwsRegion &&
              (filters?.str('ComplianceType') ?? e.ComplianceType) === e.ComplianceType,
          );
        const { page, nextToken } = paginate(entries, params.str('NextToken'), pageSize(params, SUMMARY_LIMIT, context), `summary/${aggregator.name}`, invalidToken);
        return compact({
          AggregateComplianceByConfigRules: page.map(({ ComplianceType, ...e }) => ({
            ...e,
            Compliance: compact({
              ComplianceType,
              ComplianceContributorCount: ComplianceType === 'NON_COMPLIANT' ? { CappedCount: 1, CapExceeded: false } : undefined,
            }),
          })),
          NextToken: nextToken,
        });
      },
    },
    GetAggregateComplianceDetailsByConfigRule: {
      pageToken: 'NextToken',
      handle(params: Params, context: CallContext) {
        const aggregator = aggregatorOf(params, context);
        const rule = params.requiredStr('ConfigRuleName');
        const accountId = params.requiredStr('AccountId');
        const awsRegion = params.requiredStr('AwsRegion');
        const complianceType = params.str('ComplianceType');
        const results = (indexOf(context.world, aggregator).cells.get(cellKey(rule, accountId, awsRegion)) ?? []).filter(
          (r) => (complianceType ?? r.complianceType) === r.complianceType,
        );
        const scope = `details/${aggregator.name}/${rule}/${accountId}/${awsRegion}`;
        const { page, nextToken } = paginate(results, params.str('NextToken'), pageSize(params, DETAILS_LIMIT, context), scope, invalidToken);
        const seconds = (iso: string) => new Date(iso).getTime() / 1000;
        return compact({
          AggregateEvaluationResults: page.map((r) =>
            compact({
              EvaluationResultIdentifier: {
                EvaluationResultQualifier: { ConfigRuleName: r.configRuleName, ResourceType: r.resourceType ?? 'AWS::::Account', ResourceId: r.resourceId ?? r.accountId },
                OrderingTimestamp: seconds(r.resultRecordedTime),
              },
              ComplianceType: r.complianceType,
              ResultRecordedTime: seconds(r.resultRecordedTime),
              ConfigRuleInvokedTime: seconds(r.resultRecordedTime),
              Annotation: r.annotation,
              AccountId: r.accountId,
              AwsRegion: r.awsRegion,
            }),
          ),
          NextToken: nextToken,
        });
      },
    },
  },
};
