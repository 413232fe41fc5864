/**
 * The imperative shell of an evaluation: it asks the decision (decide.ts) what it needs, performs that read against
 * the AwsReader, files the answer in the snapshot and asks again, until the decision is made. Which reads, in which
 * order, and when to stop is the decision's alone (the chain, chain.ts); this file only performs reads, each at most
 * once per evaluation however many controls ask for it.
 */
import type { TimeBudget } from '../budget';
import { FilterJudge } from '../chain';
import { decideOrAsk, evaluationOf, type AccountDecision, type ControlEvaluation } from '../decide';
import type { RuleParameters } from '../parameters';
import { readKey, recordRead, type AccountSnapshot, type Fetched, type ReadRequest, type ReadResult } from '../snapshot';
import type { AwsReader } from './reader';

export interface CollectRequest {
  accountId: string;
  region: string;
  parameters: RuleParameters;
  /** The evaluation's time; the Lambda and the CLI always give one, tests and benchmarks may run without. */
  budget?: TimeBudget;
}

/** Performs reads for one evaluation, each distinct read (readKey) once, and keeps what they gave. */
export class AccountReads {
  readonly snapshot: AccountSnapshot;
  /** Readers with an assumed role's credentials, by role ARN (ReadRequest `via`). */
  private readonly assumed = new Map<string, AwsReader>();

  constructor(
    private readonly reader: AwsReader,
    request: Pick<CollectRequest, 'accountId' | 'region'>,
  ) {
    this.snapshot = { accountId: request.accountId, region: request.region, reads: {} };
  }

  /** Performs `request` and files its answer. A read is never asked twice: the decision asks only for what it lacks. */
  async perform(request: ReadRequest): Promise<void> {
    if (Object.hasOwn(this.snapshot.reads, readKey(request))) {
      throw new Error(`the decision asked again for a read it has: ${readKey(request)}`);
    }
    recordRead(this.snapshot, request, await this.answer(request));
  }

  private async answer<R extends ReadRequest>(request: R): Promise<ReadResult<R>> {
    // Each case returns the answer of request.read's own method; TypeScript cannot narrow R through the switch.
    const answer = async (): Promise<Fetched<unknown>> => {
      if (request.read === 'describeTrails') return this.reader.describeTrails(request.region);
      if (request.read === 'assumeRole') {
        const assumed = await this.reader.assumeRole(request.roleArn);
        if (!assumed.ok) return assumed;
        this.assumed.set(request.roleArn, assumed.value);
        return { ok: true, value: { roleArn: request.roleArn } };
      }
      const reader = request.via === undefined ? this.reader : this.assumed.get(request.via);
      // The chain asks for a read via a role only after that role's AssumeRole succeeded.
      if (!reader) throw new Error(`read via ${request.via} before its role was assumed`);
      switch (request.read) {
        case 'getTrailStatus':
          return reader.getTrailStatus(request.trail);
        case 'getEventSelectors':
          return reader.getEventSelectors(request.trail);
        case 'describeMetricFilters':
          return reader.describeMetricFilters(request.logGroupName, request.region);
        case 'testMetricFilter':
          return reader.testMetricFilter(request.filterPattern, request.records.map((r) => JSON.stringify(r)), request.region);
        case 'describeAlarmsForMetric':
          return reader.describeAlarmsForMetric(request.namespace, request.metricName, request.region);
        case 'describeMetricMathAlarms':
          return reader.describeMetricMathAlarms(request.region);
        case 'listSubscriptionsByTopic':
          return reader.listSubscriptionsByTopic(request.topicArn);
      }
    };
    return (await answer()) as ReadResult<R>;
  }
}

/** Reads what the decision on `evaluation` needs, then gives the decision. */
export async function decideReading(reads: AccountReads, evaluation: ControlEvaluation, judge: FilterJudge): Promise<AccountDecision> {
  for (;;) {
    const result = decideOrAsk(reads.snapshot, evaluation, judge);
    if ('decision' in result) return result.decision;
    await reads.perform(result.need);
  }
}

/** What the decision on the request's control needs of the account; `judge` keeps the verdicts for deciding on it. */
export async function collectAccountSnapshot(
  reader: AwsReader,
  request: CollectRequest,
  judge: FilterJudge = new FilterJudge(request.parameters, request.budget),
): Promise<AccountSnapshot> {
  const reads = new AccountReads(reader, request);
  await decideReading(reads, evaluationOf(request.parameters), judge);
  return reads.snapshot;
}
