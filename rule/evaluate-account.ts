/** Evaluations of an account, read along the chain as the decision asks. Shared by the Lambda and the CLI. */
import { FilterJudge } from './chain';
import { AccountReads, decideReading, type CollectRequest } from './collect/account';
import type { AwsReader } from './collect/reader';
import type { Control } from './controls/control';
import { evaluationOf, type AccountDecision } from './decide';

/** The request's control (parameters.control, judged by parameters.cisVersion). */
export async function evaluateAccount(reader: AwsReader, request: CollectRequest): Promise<AccountDecision> {
  const [decision] = await evaluateControls(reader, request, [evaluationOf(request.parameters).control]);
  return decision!;
}

/**
 * One decision per control, in order, each the one evaluateAccount gives for that control alone, from one set of
 * reads: a trail, status, selector set, log group's filters, metric's alarms or topic's subscriptions that several
 * controls need is read once.
 */
export async function evaluateControls(reader: AwsReader, request: CollectRequest, controls: readonly Control[]): Promise<AccountDecision[]> {
  const reads = new AccountReads(reader, request);
  // One judge for every control and every pass of the decision, so that each verdict is reached once, within the
  // evaluation's time budget; verdicts are kept per control.
  const judge = new FilterJudge(request.parameters, request.budget);
  const decisions: AccountDecision[] = [];
  for (const control of controls) {
    decisions.push(await decideReading(reads, { ...evaluationOf(request.parameters), control }, judge));
  }
  return decisions;
}
