/**
 * The whole CIS Monitoring family judged by meaning (issue 11, "Done when"): for every control, every CIS and
 * Security Hub text and every trap FAMILY.md lists gets the verdict its policy implies, and every rejection comes with
 * a realistic CloudTrail record that really is missed (a floor record) or wrongly matched (a ceiling record).
 */
import { CONTROL_IDS, NEWEST_CIS_VERSION, type ControlId } from '../../rule/controls/control';
import { controlById, floorOf, sameText } from '../../rule/controls/catalogue';
import { inconsistencies } from '../../rule/pattern/cloudtrail';
import { matchesLogEvent } from '../../rule/pattern/evaluate';
import { judgePattern } from '../../rule/pattern/judge';
import { parseFilterPattern } from '../../rule/pattern/parser';
import { FAMILY_CASES, type FamilyCase } from '../fixtures/family-patterns';

function parsed(text: string) {
  const result = parseFilterPattern(text);
  if (!result.ok) throw new Error(`${text}: ${result.error.message}`);
  return result.pattern;
}

describe.each(CONTROL_IDS.map((id) => [id] as const))('%s', (id: ControlId) => {
  const control = controlById(id);
  const cases = FAMILY_CASES[id];

  it('has a corpus of at least 8 patterns', () => {
    expect(cases.length).toBeGreaterThanOrEqual(8);
  });

  it.each(cases.map((c) => [`${c.expect}${c.cisVersion ? ` (CIS v${c.cisVersion})` : ''}: ${c.why}`, c] as const))('%s', (_name, c: FamilyCase) => {
    const verdict = judgePattern(c.pattern, { control, cisVersion: c.cisVersion });
    if (c.expect === 'invalid') {
      expect(verdict).toMatchObject({ valid: false, accepted: false, counterexample: null });
      return;
    }
    if (c.expect === 'accept') {
      expect(verdict).toMatchObject({ valid: true, accepted: true, counterexample: null, counterexampleShows: null });
      return;
    }
    expect(verdict).toMatchObject({ valid: true, accepted: false, counterexampleShows: c.shows });
    const record = verdict.counterexample;
    expect(record).not.toBeNull();
    if (record === null) return;
    expect(inconsistencies(record)).toBe(0);
    if (c.eventName !== undefined) expect(record.eventName).toBe(c.eventName);
    const pattern = parsed(c.pattern);
    if (c.shows === 'missed') {
      // A record every accepted pattern must match, which this one does not.
      expect(matchesLogEvent(parsed(floorOf(control, c.cisVersion ?? NEWEST_CIS_VERSION)), record)).toBe(true);
      expect(matchesLogEvent(pattern, record)).toBe(false);
    } else {
      // A record no accepted pattern may match, which this one does.
      expect(matchesLogEvent(parsed(control.policy.ceiling), record)).toBe(true);
      expect(matchesLogEvent(pattern, record)).toBe(true);
    }
  });

  it('accepts every correct text CIS prints in the newest version, and names it among the same-match texts', () => {
    const newest = control.patterns.filter((p) => p.source === 'cis' && p.broken === undefined && p.versions.includes(NEWEST_CIS_VERSION));
    expect(newest.length).toBeGreaterThan(0);
    const verdicts = newest.map((text) => ({ text, verdict: judgePattern(text.text, { control }) }));
    expect(verdicts.filter(({ verdict }) => !verdict.accepted).map(({ text, verdict }) => `${text.id}: ${verdict.reason}`)).toEqual([]);
    expect(verdicts.filter(({ text, verdict }) => !verdict.sameMatchesAs.includes(text.id)).map(({ text }) => text.id)).toEqual([]);
  });

  it('judges every text the catalogue publishes for the control', () => {
    const missing = control.patterns.filter((p) => !cases.some((c) => sameText(c.pattern, p.text))).map((p) => p.id);
    expect(missing).toEqual([]);
  });
});
