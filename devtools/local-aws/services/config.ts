/**
 * AWS Config (JSON 1.1, `StarlingDoveService.<Op>`): PutEvaluations, recorded in `world.evaluations` (TestMode calls
 * too, flagged, although AWS stores nothing for them: seeing what a test run would have written is the point of a
 * local AWS). `faults.failedEvaluations` makes Config refuse every evaluation through `FailedEvaluations`.
 */
import { ServiceError, compact, validationMessage, type CallContext, type Params, type ServiceDefinition } from '../common';
import type { RecordedEvaluation } from '../state';

const MAX_EVALUATIONS = 100;
const MAX_ANNOTATION = 256;
const ACCEPTED_TYPES = new Set(['COMPLIANT', 'NON_COMPLIANT', 'NOT_APPLICABLE']);

const validation = (member: string, constraint: string) => new ServiceError('ValidationException', validationMessage(member, constraint, false));

export const config: ServiceDefinition = {
  iamPrefix: 'config',
  validationError: (member, constraint, missing) => new ServiceError('ValidationException', validationMessage(member, constraint, missing)),
  operations: {
    PutEvaluations: {
      handle(params: Params, context: CallContext) {
        const resultToken = params.requiredStr('ResultToken');
        const testMode = params.bool('TestMode') ?? false;
        const evaluations = params.list('Evaluations') ?? [];
        if (resultToken === '') throw new ServiceError('InvalidResultTokenException', 'The result token is invalid.');
        if (evaluations.length > MAX_EVALUATIONS) {
          throw validation('evaluations', `Member must have length less than or equal to ${MAX_EVALUATIONS}`);
        }
        const parsed = evaluations.map((e, index) => {
          const at = (member: string) => `evaluations.${index + 1}.member.${member}`;
          const complianceResourceType = e.requiredStr('ComplianceResourceType');
          const complianceResourceId = e.requiredStr('ComplianceResourceId');
          const complianceType = e.requiredStr('ComplianceType');
          const orderingTimestamp = e.timestamp('OrderingTimestamp');
          const annotation = e.str('Annotation');
          if (orderingTimestamp === undefined) throw config.validationError(at('orderingTimestamp'), '', true);
          if (complianceResourceType === '' || complianceResourceType.length > 256) {
            throw validation(at('complianceResourceType'), 'Member must have length between 1 and 256');
          }
          if (complianceResourceId === '' || complianceResourceId.length > 768) {
            throw validation(at('complianceResourceId'), 'Member must have length between 1 and 768');
          }
          if (annotation !== undefined && (annotation === '' || annotation.length > MAX_ANNOTATION)) {
            throw validation(at('annotation'), `Member must have length between 1 and ${MAX_ANNOTATION}`);
          }
          // In the model's enum, but PutEvaluations refuses it.
          if (!ACCEPTED_TYPES.has(complianceType)) {
            throw new ServiceError('InvalidParameterValueException', `The ComplianceType ${complianceType} is not valid for PutEvaluations.`);
          }
          return { complianceResourceType, complianceResourceId, complianceType, annotation, orderingTimestamp };
        });
        const echo = (e: (typeof parsed)[number]) =>
          compact({
            ComplianceResourceType: e.complianceResourceType,
            ComplianceResourceId: e.complianceResourceId,
            ComplianceType: e.complianceType,
            Annotation: e.annotation,
            OrderingTimestamp: e.orderingTimestamp,
          });
        if (context.world.faults?.failedEvaluations) return { FailedEvaluations: parsed.map(echo) };
        const recorded: RecordedEvaluation[] = parsed.map((e) =>
          compact({
            accountId: context.caller.accountId,
            region: context.region,
            resultToken,
            testMode,
            complianceResourceType: e.complianceResourceType,
            complianceResourceId: e.complianceResourceId,
            complianceType: e.complianceType,
            annotation: e.annotation,
            orderingTimestamp: e.orderingTimestamp.toISOString(),
          }),
        );
        (context.world.evaluations ??= []).push(...recorded);
        return { FailedEvaluations: [] };
      },
    },
  },
};
