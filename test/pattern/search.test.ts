/** The record search behind the judge: what it returns, and that it gives up rather than guess past its budget. */
import { CIS_PATTERNS } from '../../rule/pattern/cis';
import { evaluateExpression } from '../../rule/pattern/evaluate';
import { judgePattern } from '../../rule/pattern/judge';
import { parseFilterPattern } from '../../rule/pattern/parser';
import { RecordSpace, SEARCH_WORK_LIMIT, SearchWork } from '../../rule/pattern/search';
import type { Expression } from '../../rule/pattern/ast';

function expression(text: string): Expression {
  const parsed = parseFilterPattern(text);
  if (!parsed.ok || parsed.pattern.kind !== 'json') throw new Error(`not a JSON pattern: ${text}`);
  return parsed.pattern.expression;
}

describe('RecordSpace', () => {
  const cis = expression(CIS_PATTERNS['cis-2.0']);
  const other = expression('{ $.userIdentity.type = "Root" && $.errorCode NOT EXISTS }');

  it('finds a record that meets every requirement, checked with the evaluator', () => {
    const result = new RecordSpace([cis, other]).find([
      { expression: other, expected: true },
      { expression: cis, expected: false },
    ]);
    expect(result.kind).toBe('found');
    if (result.kind !== 'found') return;
    expect(evaluateExpression(other, result.record)).toBe(true);
    expect(evaluateExpression(cis, result.record)).toBe(false);
    expect(result.record.userIdentity).toMatchObject({ type: 'Root' });
  });

  it('answers none when no CloudTrail record can meet the requirements', () => {
    const result = new RecordSpace([cis, other]).find([
      { expression: other, expected: true },
      { expression: cis, expected: true },
    ]);
    expect(result.kind).toBe('none');
  });

  it('gives up past its work budget instead of answering', () => {
    const result = new RecordSpace([cis, other], new SearchWork(100)).find([
      { expression: other, expected: true },
      { expression: cis, expected: true },
    ]);
    expect(result).toEqual({ kind: 'gaveUp', why: 'complexity' });
  });

  it('gives up when the time budget expires, asking it only every few hundred steps', () => {
    // Thirty prefixes on one field: some 2,000 representatives to classify, thousands of units of work.
    const wide = expression(`{ ${Array.from({ length: 30 }, (_, i) => `$.requestParameters.a = "v${i}*"`).join(' || ')} }`);
    let asked = 0;
    const work = new SearchWork(SEARCH_WORK_LIMIT, () => ++asked > 2);
    const result = new RecordSpace([wide], work).find([{ expression: wide, expected: true }]);
    expect(result).toEqual({ kind: 'gaveUp', why: 'time' });
    expect(asked).toBe(3);
  });
});

describe('the judge past its budget', () => {
  it('rejects as not verified, never accepts', () => {
    const verdict = judgePattern(CIS_PATTERNS['cis-2.0'], { workLimit: 100 });
    expect(verdict).toMatchObject({ valid: true, accepted: false, counterexample: null, counterexampleShows: null, unverified: 'complexity' });
    expect(verdict.reason).toBe(
      'not verified: the pattern needs more than 100 condition evaluations to check, so it cannot be shown to catch unauthorized calls; simplify it or use the CIS pattern',
    );
    expect(verdict.summary).toBe('is too complex to verify; use the CIS pattern');
  });

  it("says when it ran out of the evaluation's time budget, distinctly from complexity", () => {
    const verdict = judgePattern(CIS_PATTERNS['cis-2.0'], { expired: () => true });
    expect(verdict).toMatchObject({ valid: true, accepted: false, counterexample: null, unverified: 'time' });
    expect(verdict.reason).toMatch(/^not verified: ran out of the evaluation's time budget/);
  });

  it('leaves decided verdicts without the unverified mark', () => {
    expect(judgePattern(CIS_PATTERNS['cis-2.0']).unverified).toBeUndefined();
    expect(judgePattern(CIS_PATTERNS['cis-1.3']).unverified).toBeUndefined();
  });
});
