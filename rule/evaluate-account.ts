/** One evaluation of an account: read it along the chain, then decide. Shared by the Lambda and the CLI. */
import { collectAccountSnapshot, type CollectRequest } from './collect/account';
import type { AwsReader } from './collect/reader';
import { decide, type AccountDecision } from './decide';

export async function evaluateAccount(reader: AwsReader, request: CollectRequest): Promise<AccountDecision> {
  const snapshot = await collectAccountSnapshot(reader, request);
  return decide(snapshot, request.parameters);
}
