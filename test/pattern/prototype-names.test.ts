/**
 * Names of Object.prototype members (valueOf, hasOwnProperty, constructor, __proto__, ...) in a filter pattern:
 * anyone with logs:PutMetricFilter can write them, and the judge looks fields, event sources and identity types
 * up in its own tables. They must be judged like any other unknown name, never crash the judge.
 */
import { judgePattern } from '../../rule/pattern/judge';

const PROTOTYPE_NAMES = ['valueOf', 'hasOwnProperty', 'isPrototypeOf', 'constructor', 'toString', '__proto__'];
/** The CIS pattern with one more alternative, which also matches some successful calls. */
const cisOr = (condition: string): string =>
  `{ ($.errorCode = "*UnauthorizedOperation") || ($.errorCode = "AccessDenied*") || (${condition}) }`;

describe('a name of an Object.prototype member in a filter pattern', () => {
  it.each(PROTOTYPE_NAMES)('as a userIdentity.type: %s is rejected as matching successful calls', (name) => {
    const verdict = judgePattern(cisOr(`$.userIdentity.type = "${name}"`), { ceiling: true });
    expect(verdict).toMatchObject({ valid: true, accepted: false, counterexample: { userIdentity: { type: name } } });
  });

  it.each(PROTOTYPE_NAMES)('as an eventSource: %s is rejected as matching successful calls', (name) => {
    const verdict = judgePattern(cisOr(`$.eventSource = "${name}"`), { ceiling: true });
    expect(verdict).toMatchObject({ valid: true, accepted: false, counterexample: { eventSource: name } });
  });

  it.each(PROTOTYPE_NAMES)('as a top-level field: $.%s is judged like $.foo, a field CloudTrail never writes', (name) => {
    const like = judgePattern(cisOr('$.foo = "x"'), { ceiling: true });
    expect(judgePattern(cisOr(`$.${name} = "x"`), { ceiling: true })).toMatchObject({ valid: true, accepted: like.accepted });
    expect(like.accepted).toBe(true);
  });
});
