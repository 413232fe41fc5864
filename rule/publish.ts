/**
 * Writes evaluations to AWS Config (config:PutEvaluations), within the API's limits, failing loudly.
 */
import { PutEvaluationsCommand, type ConfigServiceClient, type Evaluation } from '@aws-sdk/client-config-service';
import { TEST_MODE_RESULT_TOKEN } from './config-event';
import { truncateAnnotation, type AccountDecision } from './decide';

/** The evaluation of an account that the rule writes: the account is the resource (`AWS::::Account`). */
export function accountEvaluation(accountId: string, decision: AccountDecision, orderingTimestamp: Date): Evaluation {
  return {
    ComplianceResourceType: 'AWS::::Account',
    ComplianceResourceId: accountId,
    ComplianceType: decision.complianceType,
    Annotation: decision.annotation,
    OrderingTimestamp: orderingTimestamp,
  };
}

/** PutEvaluations takes 0-100 evaluations per call. */
export const MAX_EVALUATIONS_PER_CALL = 100;
const MAX_RESOURCE_TYPE_LENGTH = 256;
const MAX_RESOURCE_ID_LENGTH = 768;
/** INSUFFICIENT_DATA is a valid ComplianceType in the model but PutEvaluations rejects it. */
const ACCEPTED_COMPLIANCE_TYPES: readonly string[] = ['COMPLIANT', 'NON_COMPLIANT', 'NOT_APPLICABLE'];
/** How many failed evaluations an error message lists before summarising. */
const LISTED_FAILURES = 10;

/** Evaluations were refused, before the call (invalid) or by Config (`FailedEvaluations`). */
export class PutEvaluationsError extends Error {
  constructor(
    message: string,
    readonly failedEvaluations: Evaluation[],
  ) {
    super(message);
    this.name = 'PutEvaluationsError';
  }
}

function describe(e: Evaluation): string {
  return `${e.ComplianceResourceType ?? '?'} ${e.ComplianceResourceId ?? '?'} ${e.ComplianceType ?? '?'}`;
}

/** Checks one evaluation against the API's constraints and returns the copy to send (annotation fixed up). */
function prepare(e: Evaluation, index: number): Evaluation {
  const where = `evaluation ${index} (${describe(e)})`;
  const type = e.ComplianceResourceType;
  if (!type || type.length > MAX_RESOURCE_TYPE_LENGTH) {
    throw new PutEvaluationsError(`${where}: ComplianceResourceType must be 1-${MAX_RESOURCE_TYPE_LENGTH} characters`, [e]);
  }
  const id = e.ComplianceResourceId;
  if (!id || id.length > MAX_RESOURCE_ID_LENGTH) {
    throw new PutEvaluationsError(`${where}: ComplianceResourceId must be 1-${MAX_RESOURCE_ID_LENGTH} characters`, [e]);
  }
  if (!e.ComplianceType || !ACCEPTED_COMPLIANCE_TYPES.includes(e.ComplianceType)) {
    throw new PutEvaluationsError(
      `${where}: ComplianceType must be one of ${ACCEPTED_COMPLIANCE_TYPES.join(', ')} (PutEvaluations rejects INSUFFICIENT_DATA)`,
      [e],
    );
  }
  if (!(e.OrderingTimestamp instanceof Date) || Number.isNaN(e.OrderingTimestamp.getTime())) {
    throw new PutEvaluationsError(`${where}: OrderingTimestamp must be a valid Date`, [e]);
  }
  const prepared: Evaluation = { ...e };
  // An empty annotation is rejected (minimum 1) yet says nothing: drop it rather than fail the call.
  if (e.Annotation === undefined || e.Annotation === '') delete prepared.Annotation;
  else prepared.Annotation = truncateAnnotation(e.Annotation);
  return prepared;
}

/**
 * Sends evaluations in calls of at most 100; `TestMode` when the result token is TESTMODE. Every evaluation is
 * validated before the first call, so an invalid one writes nothing. Throws PutEvaluationsError listing the
 * `FailedEvaluations` of all calls once every batch has been sent, and at once on an API error (ValidationException,
 * AccessDenied, ...), naming the call and the error code.
 */
export async function putEvaluations(client: ConfigServiceClient, evaluations: Evaluation[], resultToken: string): Promise<void> {
  const prepared = evaluations.map(prepare);
  const testMode = resultToken === TEST_MODE_RESULT_TOKEN;
  const failed: Evaluation[] = [];
  // Sequential: no TPS limit is documented, and a burst from one Lambda would only invite throttling.
  for (let start = 0; start < prepared.length; start += MAX_EVALUATIONS_PER_CALL) {
    const batch = prepared.slice(start, start + MAX_EVALUATIONS_PER_CALL);
    let response;
    try {
      response = await client.send(
        new PutEvaluationsCommand({
          Evaluations: batch,
          ResultToken: resultToken,
          ...(testMode ? { TestMode: true } : {}),
        }),
      );
    } catch (e) {
      // Name the call: a bare SDK message ("The security token included in the request is invalid.") says nothing
      // of what failed.
      const { Code, name } = e as { Code?: unknown; name?: unknown };
      const code = typeof Code === 'string' ? Code : typeof name === 'string' ? name : 'Error';
      throw new PutEvaluationsError(`config:PutEvaluations failed (${code}): ${(e as Error).message}`, batch);
    }
    failed.push(...(response.FailedEvaluations ?? []));
  }
  if (failed.length > 0) {
    const listed = failed.slice(0, LISTED_FAILURES).map(describe).join('; ');
    const more = failed.length > LISTED_FAILURES ? `; and ${failed.length - LISTED_FAILURES} more` : '';
    throw new PutEvaluationsError(
      `AWS Config refused ${failed.length} of ${prepared.length} evaluation(s): ${listed}${more}`,
      failed,
    );
  }
}
