/** One evaluation of an account: read it along the chain, then decide. Shared by the Lambda and the CLI. */
import { FilterJudge } from './chain';
import { collectAccountSnapshot, type CollectRequest } from './collect/account';
import type { AwsReader } from './collect/reader';
import { decide, type AccountDecision } from './decide';

export async function evaluateAccount(reader: AwsReader, request: CollectRequest): Promise<AccountDecision> {
  // One judge for both, so that the decision sees the verdicts reached within the evaluation's time budget.
  const judge = new FilterJudge(request.parameters, request.budget?.expired);
  const snapshot = await collectAccountSnapshot(reader, request, judge);
  return decide(snapshot, request.parameters, judge);
}
