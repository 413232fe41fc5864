/** deploy/iam/report-policy.json grants exactly the actions the report's collector calls, all read-only. */
import policy from '../../deploy/iam/report-policy.json';
import { REPORT_ACTIONS } from '../../rule/report/collect';
import { ORGANIZATIONS_ACTIONS } from '../../rule/report/organizations';

describe('report IAM policy', () => {
  const granted = policy.Statement.flatMap((s) => s.Action).sort();

  it('grants what the report calls, nothing more', () => {
    expect(granted).toEqual([...Object.values(REPORT_ACTIONS), ...Object.values(ORGANIZATIONS_ACTIONS)].sort());
  });

  it('has only read actions and no wildcard action', () => {
    for (const action of granted) expect(action).toMatch(/^[a-z]+:(Describe|Get|List)[A-Za-z]+$/);
  });
});
