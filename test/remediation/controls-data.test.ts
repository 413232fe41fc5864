/**
 * The remediation document's per-control data (remediation/controls-data.ts, embedded in DiscoverChain) and the
 * witness records (rule/controls/witnesses.ts): the embedded copy is the generated one, the document's Python
 * expands it to the very records TypeScript computes, and for every control "DiscoverChain keeps this filter"
 * (AWS's engine, stood in for by the project's matcher, on the witnesses) agrees with the rule's judge over the
 * corpus: the control's CIS and Security Hub texts, the family corpus (test/fixtures/family-patterns.ts) and the
 * cases below. Where they disagree the runbook would keep a filter the rule rejects (the account stays
 * NON_COMPLIANT while each run reports nothing to do) or add a second filter beside an accepted one.
 */
import { spawnSync } from 'child_process';
import { readFileSync } from 'fs';
import * as path from 'path';
import { parse } from 'yaml';
import { findPython } from '../../devtools/python';
import { alarmDescriptionOf, embeddedBlock, remediationData } from '../../remediation/controls-data';
import { CONTROLS, floorOf } from '../../rule/controls/catalogue';
import { NEWEST_CIS_VERSION, type Control } from '../../rule/controls/control';
import { witnessesOf, witnessPool, type Witnesses } from '../../rule/controls/witnesses';
import { conditionsOf } from '../../rule/pattern/ast';
import type { JsonObject } from '../../rule/pattern/evaluate';
import { judgePattern } from '../../rule/pattern/judge';
import { parseFilterPattern } from '../../rule/pattern/parser';
import { skipWhen } from '../support/skip';
import { corpusOf, keeps, KNOWN_DISAGREEMENTS } from './corpus';

const DOCUMENT = path.join(__dirname, '..', '..', 'remediation', 'UnauthorizedApiCallsMonitored-Remediation.yaml');
const TEXT = readFileSync(DOCUMENT, 'utf8');
const POOL = witnessPool(CONTROLS);
const WITNESSES = new Map(CONTROLS.map((c) => [c.id, witnessesOf(c, POOL)]));
const witnesses = (c: Control): Witnesses => WITNESSES.get(c.id)!;
const brief = (r: JsonObject): string => JSON.stringify([r.eventSource, r.eventName]);

describe('the controls block of the document', () => {
  it('is what remediation/controls-data.ts gives (else run: node --import tsx remediation/embed-controls.ts)', () => {
    const found = embeddedBlock(TEXT);
    expect(found).toBeDefined();
    expect(found!.data).toEqual(JSON.parse(JSON.stringify(remediationData())));
  });

  it('offers every catalogue control as the Control parameter, unauthorized-api-calls by default', () => {
    const doc = parse(TEXT) as { parameters: Record<string, { default?: string; allowedValues?: string[] }> };
    expect(doc.parameters.Control!.allowedValues).toEqual(CONTROLS.map((c) => c.id));
    expect(doc.parameters.Control!.default).toBe('unauthorized-api-calls');
  });

  it("marks each control's alarms with its own description; 4.1's is the one the runbook always wrote", () => {
    const descriptions = CONTROLS.map(alarmDescriptionOf);
    expect(new Set(descriptions).size).toBe(CONTROLS.length);
    expect(descriptions[0]).toBe('CIS unauthorized API calls (created by UnauthorizedApiCallsMonitored-Remediation)');
  });
});

describe.each(CONTROLS.map((c) => [c.id, c] as const))('witnesses of %s', (_id, control) => {
  it('hold floor records to match and ceiling records not to, some of each', () => {
    const { mustMatch, mustNotMatch } = witnesses(control);
    expect(mustMatch.length).toBeGreaterThan(0);
    expect(mustNotMatch.length).toBeGreaterThan(0);
  });

  it('hold a successful call of every name the floor lists', () => {
    const floor = parseFilterPattern(floorOf(control, NEWEST_CIS_VERSION));
    if (!floor.ok || floor.pattern.kind !== 'json') throw new Error('floor does not parse');
    const names = conditionsOf(floor.pattern.expression).flatMap((c) =>
      c.kind === 'compare' && c.operator === '=' && c.value.kind === 'string' && !c.value.text.includes('*') &&
      c.selector.segments.length === 1 && c.selector.segments[0]?.kind === 'key' && c.selector.segments[0].name === 'eventName'
        ? [c.value.text]
        : [],
    );
    const caught = new Set(witnesses(control).mustMatch.filter((r) => r.errorCode === undefined).map((r) => r.eventName));
    expect(names.filter((n) => !caught.has(n))).toEqual([]);
  });

  it('keep the patterns the runbook creates, which the rule accepts', () => {
    const created = remediationData().controls[control.id]!.patterns;
    for (const text of Object.values(created)) {
      expect({ text, kept: keeps(text, witnesses(control)), accepted: judgePattern(text, { control }).accepted }).toEqual({ text, kept: true, accepted: true });
    }
  });
});

describe.each(CONTROLS.map((c) => [c.id, c] as const))("DiscoverChain's witness test agrees with the rule's judge for %s", (_id, control) => {
  const agrees = (pattern: string): void => {
    const kept = keeps(pattern, witnesses(control));
    if (kept === 'not evaluated') return; // space-delimited: the rule's engine does not evaluate it, AWS's does
    expect({ pattern, keptByDiscover: kept }).toEqual({ pattern, keptByDiscover: judgePattern(pattern, { control }).accepted });
  };
  const known = KNOWN_DISAGREEMENTS[control.id] ?? {};
  const corpus = corpusOf(control);
  const agreeing = corpus.filter(([, p]) => known[p] === undefined);
  if (agreeing.length > 0) it.each(agreeing)('%s: %s', (_why, pattern) => agrees(pattern));
  const disagreeing = corpus.filter(([, p]) => known[p] !== undefined);
  if (disagreeing.length > 0) it.failing.each(disagreeing)('known disagreement, %s: %s', (_why, pattern) => agrees(pattern));
});

// ---- the document's Python gives the same records ---------------------------------------------------------------

const FOUND = findPython([]);
const pySkipping = skipWhen('missing' in FOUND ? `the document's Python: ${FOUND.missing}` : undefined);

pySkipping.describe(pySkipping.title("the document's witnesses(control)"), () => {
  it('are the records rule/controls/witnesses.ts computes, for every control', () => {
    const doc = parse(TEXT) as { mainSteps: { name: string; inputs: { Script?: string } }[] };
    const script = doc.mainSteps.find((s) => s.name === 'DiscoverChain')!.inputs.Script!;
    const probe = String.raw`
import json, sys, types
sys.modules['boto3'] = types.ModuleType('boto3')
ns = {'__name__': 'ssm_DiscoverChain'}
exec(compile(sys.stdin.read(), '<DiscoverChain>', 'exec'), ns)
print(json.dumps({c: ns['witnesses'](c) for c in ns['CONTROLS']['controls']}))
`;
    const command = 'command' in FOUND ? FOUND.command : 'python3';
    const r = spawnSync(command, ['-c', probe], { input: script, encoding: 'utf8', timeout: 60_000 });
    if (r.status !== 0) throw new Error(`${command} failed: ${r.stderr}`);
    const python = JSON.parse(r.stdout) as Record<string, [JsonObject[], JsonObject[]]>;
    for (const control of CONTROLS) {
      const { mustMatch, mustNotMatch } = witnesses(control);
      expect({ control: control.id, mustMatch: python[control.id]![0].map(brief), mustNotMatch: python[control.id]![1].map(brief) }).toEqual({
        control: control.id,
        mustMatch: mustMatch.map(brief),
        mustNotMatch: mustNotMatch.map(brief),
      });
      expect(python[control.id]).toEqual([mustMatch, mustNotMatch]);
    }
  });
});
