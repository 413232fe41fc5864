/**
 * Issue 9 through the real handler and the real SDK against the local AWS: an answer that says nothing, a listing
 * that never ends, a call that is never answered and a hostile filter each give a clear evaluation, written to
 * AWS Config before the function's time is up; none gives COMPLIANT without proof.
 */
import { ACCOUNT_ID, accountIn, cisFilter, compliantWorld, type Faults, type RecordedEvaluation, type World } from '../support/world';
import { HOSTILE_FILTERS } from '../fixtures/hostile-filters';
import { explain, runHandler, scheduledEvent, withLocalAws, type HandlerRun } from './harness';

const TIMEOUT = 40_000;

async function invoke(world: World, timeoutMs?: number): Promise<{ child: HandlerRun; evaluations: RecordedEvaluation[]; actions: string[] }> {
  return withLocalAws(world, async (local) => {
    const child = await runHandler(local, ACCOUNT_ID, scheduledEvent({ accountId: ACCOUNT_ID }), timeoutMs);
    return { child, evaluations: local.world.evaluations ?? [], actions: local.log.map((e) => e.action) };
  });
}

function faulty(faults: Faults): World {
  const world = compliantWorld();
  world.faults = faults;
  return world;
}

/** The handler wrote exactly one evaluation, of this type, with an annotation matching `annotation`. */
function expectWritten(outcome: { child: HandlerRun; evaluations: RecordedEvaluation[] }, complianceType: string, annotation: RegExp): void {
  if (outcome.child.code !== 0) throw new Error(`the handler failed:\n${explain(outcome.child)}`);
  expect(outcome.evaluations).toEqual([expect.objectContaining({ complianceType, annotation: expect.stringMatching(annotation) })]);
}

it.concurrent(
  'GetEventSelectors answering HTTP 200 with neither selector list is NON_COMPLIANT naming the call, never "all management events"',
  async () => {
    const outcome = await invoke(faulty({ emptyResult: [{ action: 'cloudtrail:GetEventSelectors' }] }));
    expectWritten(outcome, 'NON_COMPLIANT', /could not verify: cloudtrail:GetEventSelectors on arn:aws:cloudtrail:us-east-1:\d{12}:trail\/main failed \(IncompleteResponse\)/);
  },
  TIMEOUT,
);

it.concurrent(
  'a listing that repeats its next token forever stops at once and says so',
  async () => {
    const outcome = await invoke(faulty({ repeatNextToken: [{ action: 'logs:DescribeMetricFilters' }] }));
    expectWritten(outcome, 'NON_COMPLIANT', /could not verify: logs:DescribeMetricFilters on .* failed \(PaginationLoop\)/);
    expect(outcome.actions.filter((a) => a === 'logs:DescribeMetricFilters').length).toBeLessThanOrEqual(3);
  },
  TIMEOUT,
);

it.concurrent(
  'a TestMetricFilter that is never answered ends with the time budget: the evaluation is still written, NON_COMPLIANT',
  async () => {
    // 20 s left in the function: the evaluation gets 5 s, the rest is kept for PutEvaluations.
    const outcome = await invoke(faulty({ hold: [{ action: 'logs:TestMetricFilter' }] }), 20_000);
    expectWritten(outcome, 'NON_COMPLIANT', /could not verify: logs:TestMetricFilter on .* failed \((TimeBudgetExhausted|TimeoutError)\)/);
  },
  TIMEOUT,
);

it.concurrent(
  'a hostile filter beside the good one leaves the account COMPLIANT',
  async () => {
    const world = compliantWorld();
    const logGroup = accountIn(world, ACCOUNT_ID).logGroups[0]!;
    logGroup.metricFilters.unshift(cisFilter({ filterName: 'a-hostile-filter', filterPattern: HOSTILE_FILTERS['regex after the CIS pattern']! }));
    const outcome = await invoke(world);
    expectWritten(outcome, 'COMPLIANT', /filter 'unauthorized-api-calls' -> alarm/);
  },
  TIMEOUT,
);
