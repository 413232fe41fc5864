/** The record search behind the judge: what it returns, and that it gives up rather than guess past its budget. */
import { CIS_PATTERNS } from '../../rule/pattern/cis';
import { evaluateExpression } from '../../rule/pattern/evaluate';
import { judgePattern } from '../../rule/pattern/judge';
import { parseFilterPattern } from '../../rule/pattern/parser';
import { RecordSpace } from '../../rule/pattern/search';
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

  it('gives up past its step budget instead of answering', () => {
    const result = new RecordSpace([cis, other], 2).find([
      { expression: other, expected: true },
      { expression: cis, expected: true },
    ]);
    expect(result).toEqual({ kind: 'gaveUp', steps: 3 });
  });
});

describe('the judge past its budget', () => {
  it('rejects as not verified, never accepts', () => {
    const verdict = judgePattern(CIS_PATTERNS['cis-2.0'], { stepLimit: 3 });
    expect(verdict).toMatchObject({ valid: true, accepted: false, counterexample: null, counterexampleShows: null });
    expect(verdict.reason).toBe(
      'not verified: the pattern needs more than 3 cases to check, so it cannot be shown to catch unauthorized calls; simplify it or use the CIS pattern',
    );
    expect(verdict.summary).toBe('is too complex to verify; use the CIS pattern');
  });
});
