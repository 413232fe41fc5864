/**
 * One metric filter that anyone with logs:PutMetricFilter can create must never stop the evaluation of the account,
 * nor forge what its annotation says: the evaluation goes on, the good filter still makes the account COMPLIANT,
 * and a filter that cannot be judged is reported as not verified, never accepted.
 */
import { timeBudget, type TimeBudget } from '../../rule/budget';
import { MAX_ANNOTATION_LENGTH } from '../../rule/decide';
import { evaluateAccount } from '../../rule/evaluate-account';
import { DEFAULT_PARAMETERS } from '../../rule/parameters';
import { HOSTILE_FILTERS } from '../fixtures/hostile-filters';
import { FakeAwsReader } from '../support/fake-reader';
import { ACCOUNT_ID, FILTER_NAME, LOG_GROUP_NAME, REGION, accountIn, cisFilter, compliantWorld, type World } from '../support/world';

const HOSTILE_NAME = 'a-hostile-filter';

/** The compliant account with `patterns` as further filters on the trail's log group, named to be judged first. */
function withFilters(patterns: string[], keepGood = true): World {
  const world = compliantWorld();
  const logGroup = accountIn(world, ACCOUNT_ID).logGroups.find((g) => g.name === LOG_GROUP_NAME)!;
  const hostile = patterns.map((filterPattern, i) =>
    cisFilter({ filterName: `${HOSTILE_NAME}-${i}`, filterPattern, metricTransformations: [{ metricNamespace: 'Other', metricName: `Other${i}`, metricValue: '1' }] }),
  );
  logGroup.metricFilters = [...hostile, ...(keepGood ? logGroup.metricFilters : [])];
  return world;
}

async function evaluate(world: World, budget: TimeBudget = timeBudget(105_000)) {
  const reader = new FakeAwsReader(world, ACCOUNT_ID);
  const decision = await evaluateAccount(reader, { accountId: ACCOUNT_ID, region: REGION, parameters: DEFAULT_PARAMETERS, budget });
  expect(decision.annotation.length).toBeLessThanOrEqual(MAX_ANNOTATION_LENGTH);
  return decision;
}

describe('a hostile metric filter beside the good one', () => {
  it.each(Object.entries(HOSTILE_FILTERS))('%s: the account is still COMPLIANT through the good filter', async (_name, pattern) => {
    const decision = await evaluate(withFilters([pattern]));
    expect(decision).toEqual({ complianceType: 'COMPLIANT', annotation: expect.stringContaining(`filter '${FILTER_NAME}'`) });
  });

  it('all of them at once: still COMPLIANT', async () => {
    const decision = await evaluate(withFilters(Object.values(HOSTILE_FILTERS)));
    expect(decision.complianceType).toBe('COMPLIANT');
  });

  it.each(Object.entries(HOSTILE_FILTERS))('%s alone: NON_COMPLIANT, naming the filter', async (_name, pattern) => {
    const decision = await evaluate(withFilters([pattern], false));
    expect(decision.complianceType).toBe('NON_COMPLIANT');
    expect(decision.annotation).toMatch(/^Trail main \(us-east-1\): (filter 'a-hostile-filter-0' |none of the 1 metric filters on log group)/);
  });
});

describe('the evaluation time budget', () => {
  it('a budget already spent gives an evaluation, never COMPLIANT: the filters are reported as not verified', async () => {
    const decision = await evaluate(withFilters([]), timeBudget(0));
    expect(decision.complianceType).toBe('NON_COMPLIANT');
    expect(decision.annotation).toBe("Trail main (us-east-1): filter 'unauthorized-api-calls' was not verified: ran out of the evaluation's time budget");
  });
});

describe('each filter is judged within its share of the time left', () => {
  /** A clock that moves 1 ms each time it is read, so that the judge's own work is what spends the budget. */
  function tickingBudget(ms: number): TimeBudget {
    let t = 0;
    return timeBudget(ms, () => t++);
  }
  const slow = HOSTILE_FILTERS['|| of unknown fields']!;

  it('a filter that cannot be judged in its share is not verified, and the good filter still makes the account COMPLIANT', async () => {
    const decision = await evaluate(withFilters([slow]), tickingBudget(120));
    expect(decision).toEqual({ complianceType: 'COMPLIANT', annotation: expect.stringContaining(`filter '${FILTER_NAME}'`) });
  });

  it('alone, it is reported as not verified for lack of time, never accepted', async () => {
    const decision = await evaluate(withFilters([slow], false), tickingBudget(120));
    expect(decision.complianceType).toBe('NON_COMPLIANT');
    expect(decision.annotation).toContain("was not verified: ran out of the evaluation's time budget");
  });
});

describe('names chosen by whoever created the resource', () => {
  it('a filter name with a line break and a right-to-left override is shown escaped, on one line', async () => {
    const world = withFilters(['{ $.errorCode = "AccessDenied" }'], false);
    accountIn(world, ACCOUNT_ID).logGroups[0]!.metricFilters[0]!.filterName = 'evil\n\u202eNON_COMPLIANT';
    const { annotation } = await evaluate(world);
    expect(annotation).toContain("filter 'evil\\u{000A}\\u{202E}NON_COMPLIANT'");
    // eslint-disable-next-line no-control-regex -- control characters are what the annotation must not hold
    expect(annotation).not.toMatch(/[\u0000-\u001f\u2028\u2029\u202a-\u202e]/u);
  });
});
