/**
 * The rule's IAM policy (deploy/iam/rule-policy.json) grants exactly the actions the rule calls: every action the
 * reader names in its failures, plus config:PutEvaluations; nothing else, no wildcard.
 */
import { readFileSync } from 'node:fs';
import policy from '../../deploy/iam/rule-policy.json';

/** IAM actions the SDK reader calls, read from its source, where each call names its action. */
function readerActions(): string[] {
  const source = readFileSync(`${__dirname}/../../rule/collect/sdk-reader.ts`, 'utf8');
  const actions = new Set(source.match(/'(?:cloudtrail|logs|cloudwatch|sns|sts):[A-Z][A-Za-z]+'/g)?.map((a) => a.slice(1, -1)));
  // GetCallerIdentity needs no permission (it answers for any valid credentials); AssumeRole is granted per role,
  // only where OrgTrailReadRoleName or ExecutionRoleName is used, by the deployment templates.
  actions.delete('sts:GetCallerIdentity');
  actions.delete('sts:AssumeRole');
  return [...actions].sort();
}

describe('rule IAM policy', () => {
  const granted = policy.Statement.flatMap((s) => s.Action).sort();

  it('grants what the rule calls and config:PutEvaluations, nothing more', () => {
    expect(granted).toEqual([...readerActions(), 'config:PutEvaluations'].sort());
  });

  it('has no wildcard action and only read actions besides PutEvaluations', () => {
    for (const action of granted) {
      expect(action).not.toMatch(/\*/);
      if (action !== 'config:PutEvaluations') expect(action.split(':')[1]).toMatch(/^(Describe|Get|List|Test)/);
    }
  });
});
