/**
 * The control catalogue (issue 11 item 1): one entry per CIS Monitoring control, named predictably, every published
 * text either a pattern CloudWatch Logs accepts or marked broken, and each found by its short or Security Hub id.
 */
import { CIS_VERSIONS, CONTROL_IDS, DEFAULT_CONTROL, NEWEST_CIS_VERSION } from '../../rule/controls/control';
import { cisTextOf, CONTROLS, controlById, findControl, floorOf } from '../../rule/controls/catalogue';
import { CIS_PATTERNS, UNAUTHORIZED_CALL_DEFINITION } from '../../rule/pattern/cis';
import { parseFilterPattern } from '../../rule/pattern/parser';
import { judgePattern } from '../../rule/pattern/judge';

const isJson = (text: string): boolean => {
  const parsed = parseFilterPattern(text);
  return parsed.ok && parsed.pattern.kind === 'json';
};

describe('the catalogue', () => {
  it('holds the fifteen controls in CIS order, each id once', () => {
    expect(CONTROLS.map((c) => c.id)).toEqual([...CONTROL_IDS]);
    expect(CONTROLS.map((c) => c.cisNumbers['v1.3-v5.0'])).toEqual(CONTROL_IDS.map((_, i) => `4.${i + 1}`));
    expect(CONTROLS.map((c) => c.cisNumbers['v6.0-v7.0'])).toEqual(CONTROL_IDS.map((_, i) => `5.${i + 1}`));
  });

  it('gives every control unique names by one scheme, keeping the 4.1 names of today', () => {
    for (const c of CONTROLS) expect(c.names).toMatchObject({ configRule: `${c.id}-monitored`, filter: c.id, alarm: `${c.id}-alarm`, metricNamespace: 'CISBenchmark' });
    expect(controlById(DEFAULT_CONTROL).names).toEqual({
      configRule: 'unauthorized-api-calls-monitored',
      filter: 'unauthorized-api-calls',
      metricNamespace: 'CISBenchmark',
      metric: 'UnauthorizedAPICalls',
      alarm: 'unauthorized-api-calls-alarm',
    });
    expect(new Set(CONTROLS.map((c) => c.names.metric)).size).toBe(CONTROLS.length);
  });

  it('keeps the 4.1 texts and floor of rule/pattern/cis.ts, under the ids strict mode has always taken', () => {
    const texts = Object.fromEntries(controlById(DEFAULT_CONTROL).patterns.map((p) => [p.id, p.text]));
    expect(texts).toMatchObject(CIS_PATTERNS);
    expect(floorOf(controlById(DEFAULT_CONTROL), NEWEST_CIS_VERSION)).toBe(UNAUTHORIZED_CALL_DEFINITION);
  });

  it.each(CONTROLS.flatMap((c) => c.patterns.map((p) => [c.id, p.id, p] as const)))('%s %s parses as JSON, or is marked broken', (_c, _p, p) => {
    if (p.broken === undefined) expect(isJson(p.text)).toBe(true);
    else expect(p.broken.length).toBeGreaterThan(0);
  });

  it('has unique pattern ids per control and a correct CIS text for every version the control exists in', () => {
    for (const c of CONTROLS) {
      expect(new Set(c.patterns.map((p) => p.id)).size).toBe(c.patterns.length);
      const versions = c.id === 'organizations-changes' ? CIS_VERSIONS.filter((v) => v !== '1.2') : CIS_VERSIONS;
      for (const v of versions) expect([c.id, v, cisTextOf(c, v)?.broken]).toEqual([c.id, v, undefined]);
    }
    expect(cisTextOf(controlById('organizations-changes'), '1.2')).toBeUndefined();
  });

  it('writes every floor and ceiling as a JSON filter pattern', () => {
    for (const c of CONTROLS) {
      for (const f of c.policy.floor) expect([c.id, f.since, isJson(f.pattern)]).toEqual([c.id, f.since, true]);
      expect([c.id, isJson(c.policy.ceiling)]).toEqual([c.id, true]);
    }
  });

  it('finds a control by its short id or its Security Hub id, whatever the case', () => {
    expect(findControl('root-usage')?.id).toBe('root-usage');
    expect(findControl('CloudWatch.3')?.id).toBe('console-signin-without-mfa');
    expect(findControl('cloudwatch.2')?.id).toBe('unauthorized-api-calls');
    expect(findControl(' VPC-CHANGES ')?.id).toBe('vpc-changes');
    expect(findControl('CloudWatch.15')).toBeUndefined();
    expect(findControl('constructor')).toBeUndefined();
    expect(CONTROLS.filter((c) => c.securityHubId === undefined).map((c) => c.id)).toEqual(['organizations-changes']);
  });

  it('makes the 4.10 floor depend on the CIS version: ModifySecurityGroupRules from v5.0', () => {
    const control = controlById('security-group-changes');
    expect(floorOf(control, '4.0')).not.toContain('ModifySecurityGroupRules');
    expect(floorOf(control, '5.0')).toContain('ModifySecurityGroupRules');
    const sixNames = control.patterns.find((p) => p.id === 'cis-1.2')!.text;
    expect(judgePattern(sixNames, { control, cisVersion: '4.0' }).accepted).toBe(true);
    expect(judgePattern(sixNames, { control })).toMatchObject({ accepted: false, counterexampleShows: 'missed', counterexample: expect.objectContaining({ eventName: 'ModifySecurityGroupRules' }) });
  });
});
