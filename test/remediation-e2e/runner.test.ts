/**
 * The local SSM runner (devtools/ssm-runner/run_automation.py) itself, on small documents written for the test:
 * what it must refuse rather than run differently from SSM, and that scripts cannot reach past the endpoint.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { ACCOUNT_ID, compliantWorld } from '../support/world';
import { expectFailure, expectSuccess, pythonMissing, runDocument, runRunner, withEmulator, type ParameterValue } from './helpers';
import { skipWhen } from '../support/skip';

jest.setTimeout(30_000);

const { describe: suite, title } = skipWhen(pythonMissing());

// Made at load time: concurrent tests start before beforeAll hooks would have run.
const dir = mkdtempSync(path.join(tmpdir(), 'ssm-runner-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Writes a document (YAML is a superset of JSON, so JSON text is written). */
function documentFile(name: string, document: unknown): string {
  const file = path.join(dir, `${name}.yaml`);
  writeFileSync(file, JSON.stringify(document, null, 2));
  return file;
}

const ECHO_SCRIPT = {
  name: 'Echo',
  action: 'aws:executeScript',
  isEnd: true,
  inputs: { Runtime: 'python3.11', Handler: 'handler', Script: 'def handler(events, context):\n    return {"ok": True}\n' },
};

function branchDocument(choice: Record<string, unknown>, parameters: Record<string, unknown> = {}): unknown {
  return {
    schemaVersion: '0.3',
    parameters,
    mainSteps: [
      { name: 'Choose', action: 'aws:branch', inputs: { Choices: [{ NextStep: 'Yes', ...choice }], Default: 'No' } },
      { name: 'Yes', action: 'aws:executeScript', isEnd: true, inputs: { ...ECHO_SCRIPT.inputs } },
      { name: 'No', action: 'aws:executeScript', isEnd: true, inputs: { ...ECHO_SCRIPT.inputs } },
    ],
  };
}

let documents = 0;

/** Runs `document` against its own emulator (the tests run side by side: each run is mostly Python starting). */
function run(document: unknown, parameters: Record<string, ParameterValue> = {}) {
  const file = documentFile(`doc-${++documents}`, document);
  return withEmulator(compliantWorld(), async (local) => ({ local, result: await runDocument(local, ACCOUNT_ID, parameters, file) }));
}

suite(title('the local SSM runner'), () => {
  it.concurrent('BooleanEquals reads a String "false" as false (bool("false") is True in Python)', async () => {
    const document = branchDocument({ Variable: '{{ Flag }}', BooleanEquals: true }, { Flag: { type: 'String', default: 'false' } });
    const { result } = await run(document);
    expectSuccess(result);
    expect(result.steps.map((s) => s.name)).toEqual(['Choose', 'No']);
  });

  it.concurrent('refuses a choice operator it does not evaluate, before any step, instead of falling through to Default', async () => {
    const { local, result } = await run(branchDocument({ Variable: 'x', StartsWith: 'x' }));
    expectFailure(result, /^step Choose: choice .* is not supported by this runner/);
    expect(result.steps).toEqual([]);
    expect(local.log).toEqual([]);
  });

  it.concurrent.each([
    ['onFailure: Continue', { onFailure: 'Continue' }, /^step Echo: onFailure: 'Continue' is not supported/],
    ['maxAttempts: 3', { maxAttempts: 3 }, /^step Echo: maxAttempts: 3 is not supported/],
    ['nextStep naming no step', { isEnd: false, nextStep: 'Nowhere' }, /^step Echo: nextStep Nowhere is not a step/],
  ])('refuses %s before running anything', async (_what, extra, message) => {
    const { result } = await run({ schemaVersion: '0.3', mainSteps: [{ ...ECHO_SCRIPT, ...extra }] });
    expectFailure(result, message);
    expect(result.steps).toEqual([]);
  });

  it.concurrent('a reference to nothing known fails naming the step', async () => {
    const document = { schemaVersion: '0.3', mainSteps: [{ ...ECHO_SCRIPT, inputs: { ...ECHO_SCRIPT.inputs, InputPayload: { x: '{{ Missing.Output }}' } } }] };
    const { result } = await run(document);
    expectFailure(result, /^Step Echo failed: AutomationFailure: \{\{ Missing\.Output \}\} refers to nothing known/);
    expect(result.steps).toEqual([{ name: 'Echo', action: 'aws:executeScript', status: 'Failed' }]);
  });

  it.concurrent('--parameters that are not JSON give a Failed answer, not a traceback', async () => {
    const file = documentFile('echo', { schemaVersion: '0.3', mainSteps: [ECHO_SCRIPT] });
    await withEmulator(compliantWorld(), async (local) => {
      expectFailure(await runRunner(local, ACCOUNT_ID, file, '{nope'), /^--parameters is not JSON/);
      expect(local.log).toEqual([]);
    });
  });

  it.concurrent('a script client made from an explicit boto3 Session goes to the endpoint too, never to AWS', async () => {
    const script = [
      'import boto3',
      'def handler(events, context):',
      "    return {'Account': boto3.session.Session().client('sts').get_caller_identity()['Account']}",
    ].join('\n');
    const document = {
      schemaVersion: '0.3',
      outputs: ['Who.Account'],
      mainSteps: [{ name: 'Who', action: 'aws:executeScript', isEnd: true, inputs: { Runtime: 'python3.11', Handler: 'handler', Script: script }, outputs: [{ Name: 'Account', Selector: '$.Payload.Account', Type: 'String' }] }],
    };
    const { local, result } = await run(document);
    expectSuccess(result);
    expect(result.outputs).toEqual({ 'Who.Account': ACCOUNT_ID });
    expect(local.log.map((e) => e.action)).toEqual(['sts:GetCallerIdentity']);
  });
});
