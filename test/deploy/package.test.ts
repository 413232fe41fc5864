/**
 * scripts/package.mjs (the Lambda zip, the documents embedded in the templates) and scripts/package-rdk.mjs (the RDK
 * rule folder), run as the npm scripts run them, on temporary copies. The zip is read back here with a reader of
 * its own (central directory, local headers, inflate, CRC-32), independent of the writer.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inflateRawSync } from 'node:zlib';
import rdk from '../../parameters.json';
import { CONTROLS } from '../../rule/controls/catalogue';
import { ROOT, readTemplateText, templateFiles } from './cfn-template';

interface ZipEntry {
  name: string;
  data: Buffer;
  method: number;
  mode: number;
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(data: Buffer): number {
  let c = 0xffffffff;
  for (const byte of data) c = CRC_TABLE[(c ^ byte) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** Reads a zip through its central directory, checking each local header and CRC. */
function readZip(archive: Buffer): ZipEntry[] {
  const end = archive.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  if (end < 0) throw new Error('no end of central directory');
  const count = archive.readUInt16LE(end + 10);
  let at = archive.readUInt32LE(end + 16);
  const entries: ZipEntry[] = [];
  for (let i = 0; i < count; i++) {
    if (archive.readUInt32LE(at) !== 0x02014b50) throw new Error(`bad central directory header ${i}`);
    const method = archive.readUInt16LE(at + 10);
    const crc = archive.readUInt32LE(at + 16);
    const compressed = archive.readUInt32LE(at + 20);
    const size = archive.readUInt32LE(at + 24);
    const nameLength = archive.readUInt16LE(at + 28);
    const extra = archive.readUInt16LE(at + 30);
    const comment = archive.readUInt16LE(at + 32);
    const mode = archive.readUInt32LE(at + 38) >>> 16;
    const local = archive.readUInt32LE(at + 42);
    const name = archive.subarray(at + 46, at + 46 + nameLength).toString('utf8');
    if (archive.readUInt32LE(local) !== 0x04034b50) throw new Error(`bad local header for ${name}`);
    const start = local + 30 + archive.readUInt16LE(local + 26) + archive.readUInt16LE(local + 28);
    const body = archive.subarray(start, start + compressed);
    const data = method === 8 ? inflateRawSync(body) : method === 0 ? Buffer.from(body) : undefined;
    if (!data) throw new Error(`${name}: compression method ${method}`);
    if (data.length !== size || crc32(data) !== crc) throw new Error(`${name}: size or CRC-32 mismatch`);
    entries.push({ name, data, method, mode });
    at += 46 + nameLength + extra + comment;
  }
  return entries;
}

function run(script: string, args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [join(ROOT, 'scripts', script), ...args], { cwd: ROOT, encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('scripts/package.mjs', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'package-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  function fakeBundle(withMap: boolean): { code: Buffer; map: Buffer } {
    mkdirSync(join(dir, 'dist'));
    const code = Buffer.from(`"use strict";exports.handler=async()=>({ok:true});\n${'// padding\n'.repeat(500)}`);
    const map = Buffer.from(JSON.stringify({ version: 3, sources: ['rule/index.ts'], mappings: '' }));
    writeFileSync(join(dir, 'dist', 'index.js'), code);
    if (withMap) writeFileSync(join(dir, 'dist', 'index.js.map'), map);
    return { code, map };
  }

  it('zips index.js and index.js.map at the root of dist/unauthorized-api-calls-monitored.zip', () => {
    const { code, map } = fakeBundle(true);
    const r = run('package.mjs', ['--dist', join(dir, 'dist')]);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const entries = readZip(readFileSync(join(dir, 'dist', 'unauthorized-api-calls-monitored.zip')));
    expect(entries.map((e) => e.name)).toEqual(['index.js', 'index.js.map']);
    expect(entries[0]!.data.equals(code)).toBe(true);
    expect(entries[1]!.data.equals(map)).toBe(true);
    expect(entries[0]!.method).toBe(8);
    // Regular files, readable by the Lambda runtime's user.
    expect(entries.map((e) => e.mode)).toEqual([0o100644, 0o100644]);
    expect(r.stdout).toMatch(/sha256 [0-9a-f]{64}/);
  });

  it('writes the same bytes for the same bundle, and works without a source map', () => {
    fakeBundle(false);
    const out = (n: number): string => join(dir, `b${n}.zip`);
    expect(run('package.mjs', ['--dist', join(dir, 'dist'), '--out', out(1)]).status).toBe(0);
    expect(run('package.mjs', ['--dist', join(dir, 'dist'), '--out', out(2)]).status).toBe(0);
    expect(readFileSync(out(1)).equals(readFileSync(out(2)))).toBe(true);
    expect(readZip(readFileSync(out(1))).map((e) => e.name)).toEqual(['index.js']);
  });

  it('refuses to package before the build', () => {
    const r = run('package.mjs', ['--dist', join(dir, 'nothing')]);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/index\.js is missing: run `npm run build` first/);
  });

  it('embeds the document into copies of the templates: a no-op on current ones, a repair on stale ones', () => {
    // On copies: the script rewrites templates in place, and a test must not change the work tree.
    const copies = join(dir, 'templates');
    mkdirSync(copies);
    const current = new Map(templateFiles().map((f) => [f, readTemplateText(f)]));
    for (const [f, text] of current) writeFileSync(join(copies, f), text);
    const unchanged = run('package.mjs', ['--embed-document', '--templates', copies]);
    expect(unchanged).toMatchObject({ status: 0, stdout: '' });

    const stale = current.get('account-rule.yaml')!.replace("schemaVersion: '0.3'", "schemaVersion: '0.2'\n        extra: line\n");
    expect(stale).not.toBe(current.get('account-rule.yaml'));
    writeFileSync(join(copies, 'account-rule.yaml'), stale);
    const repaired = run('package.mjs', ['--embed-document', '--templates', copies]);
    expect(repaired.status).toBe(0);
    expect(repaired.stdout).toMatch(/updated .*account-rule\.yaml/);
    for (const [f, text] of current) expect({ f, same: readFileSync(join(copies, f), 'utf8') === text }).toEqual({ f, same: true });
  });
});

describe('scripts/package-rdk.mjs', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'package-rdk-'));
    mkdirSync(join(dir, 'dist'));
    writeFileSync(join(dir, 'dist', 'index.js'), 'exports.handler = async () => ({});\n');
    writeFileSync(join(dir, 'dist', 'index.js.map'), '{}');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const folder = (): string => join(dir, 'dist', 'rdk', rdk.Parameters.RuleName);

  it('stages <RuleName>/ with parameters.json and index.js only, ready for rdk deploy', () => {
    // A stale file from an earlier deploy (RDK leaves <Rule>.zip in the folder) must not be zipped again.
    mkdirSync(folder(), { recursive: true });
    writeFileSync(join(folder(), `${rdk.Parameters.RuleName}.zip`), 'old');
    const r = run('package-rdk.mjs', ['--dist', join(dir, 'dist')]);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(readdirSync(folder()).sort()).toEqual(['index.js', 'parameters.json']);
    expect(r.stdout).toContain('rdk deploy --all');
    // One folder per control, each with the same two files.
    expect(readdirSync(join(dir, 'dist', 'rdk')).sort()).toEqual(CONTROLS.map((c) => c.names.configRule).sort());
    for (const c of CONTROLS) expect(readdirSync(join(dir, 'dist', 'rdk', c.names.configRule)).sort()).toEqual(['index.js', 'parameters.json']);
    const staged = JSON.parse(readFileSync(join(folder(), 'parameters.json'), 'utf8')) as typeof rdk;
    expect(staged.Parameters).toMatchObject({ SourceRuntime: 'nodejs22.x', SourceHandler: 'index.handler', RuleName: rdk.Parameters.RuleName });
    // RDK copies Remediation verbatim into AWS::Config::RemediationConfiguration, which requires ConfigRuleName.
    expect(staged.Parameters.Remediation).toEqual({
      ...rdk.Parameters.Remediation,
      Parameters: { ...rdk.Parameters.Remediation.Parameters, Control: { StaticValue: { Values: ['unauthorized-api-calls'] } } },
    });
    expect(staged.Parameters.Remediation.ConfigRuleName).toBe(rdk.Parameters.RuleName);
    const { Remediation: _r, InputParameters, OptionalParameters: _p, ...rest } = staged.Parameters;
    const { Remediation: _o, InputParameters: _i, OptionalParameters: _q, ...original } = rdk.Parameters;
    expect(rest).toEqual(original);
    expect(JSON.parse(InputParameters)).toEqual({ Control: 'unauthorized-api-calls' });
    expect(staged.Tags).toBe(rdk.Tags);
  });

  // The limits `rdk deploy` applies, from RDK's own stack template (awslabs/aws-config-rdk rdk/template/configRule.yaml:
  // RuleName MaxLength 128, Description MaxLength 255, RuleLambdaName MaxLength 64), its function name
  // (rdk/core/util: "RDK-Rule-Function-" + the rule name without underscores, refused over 64 characters, not
  // truncated, unless CustomLambdaName is set) and its --maximum-frequency choices. AWS Config caps InputParameters
  // at 1,024 characters.
  it.each(CONTROLS.map((c) => c.names.configRule))('stages a rule that RDK\'s template accepts: %s', (ruleName) => {
    expect(run('package-rdk.mjs', ['--dist', join(dir, 'dist')]).status).toBe(0);
    const ruleFolder = join(dir, 'dist', 'rdk', ruleName);
    const staged = JSON.parse(readFileSync(join(ruleFolder, 'parameters.json'), 'utf8')) as typeof rdk & { Parameters: { CustomLambdaName?: string } };
    const p = staged.Parameters;
    expect(p.RuleName.length).toBeGreaterThanOrEqual(1);
    expect(p.RuleName.length).toBeLessThanOrEqual(128);
    expect(p.RuleName).toBe(ruleName);
    expect(p.Description.length).toBeGreaterThanOrEqual(1);
    expect(p.Description.length).toBeLessThanOrEqual(255);
    expect((p.CustomLambdaName ?? `RDK-Rule-Function-${p.RuleName.replace(/_/g, '')}`).length).toBeLessThanOrEqual(64);
    expect(['One_Hour', 'Three_Hours', 'Six_Hours', 'Twelve_Hours', 'TwentyFour_Hours']).toContain(p.SourcePeriodic);
    const input: unknown = JSON.parse(p.InputParameters);
    expect(typeof input === 'object' && input !== null && !Array.isArray(input)).toBe(true);
    expect(p.InputParameters.length).toBeLessThanOrEqual(1024);
    const [file, exported] = p.SourceHandler.split('.');
    expect(readdirSync(ruleFolder)).toContain(`${file}.js`);
    expect(readFileSync(join(ruleFolder, `${file}.js`), 'utf8')).toMatch(new RegExp(`exports\\.${exported}\\b`));
  });

  it.each([
    ['a Description over 255 characters', { Description: 'x'.repeat(256) }, /Description is 256 characters; RDK's template allows 1-255/],
    ['an empty Description', { Description: '' }, /Description is 0 characters; RDK's template allows 1-255/],
    ['a SourcePeriodic RDK does not know', { SourcePeriodic: 'Daily' }, /SourcePeriodic 'Daily' is not one of RDK's One_Hour, Three_Hours, Six_Hours, Twelve_Hours, TwentyFour_Hours/],
    ['InputParameters that are an array', { InputParameters: '[]' }, /InputParameters must be a JSON object/],
    ['InputParameters that are not JSON', { InputParameters: '{"a":' }, /InputParameters must be a JSON object/],
    ['InputParameters over 1,024 characters', { InputParameters: JSON.stringify({ a: 'x'.repeat(1100) }) }, /InputParameters is 1\d{3} characters; AWS Config allows 1,024/],
  ])('refuses %s, which RDK or AWS Config would refuse, staging nothing', (_name, change, message) => {
    const parameters = join(dir, 'parameters.json');
    writeFileSync(parameters, JSON.stringify({ ...rdk, Parameters: { ...rdk.Parameters, ...change } }));
    const r = run('package-rdk.mjs', ['--dist', join(dir, 'dist'), '--parameters', parameters]);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(readdirSync(join(dir, 'dist'))).not.toContain('rdk');
  });

  it('leaves the remediation out on request', () => {
    const r = run('package-rdk.mjs', ['--dist', join(dir, 'dist'), '--without-remediation']);
    expect(r.status).toBe(0);
    const staged = JSON.parse(readFileSync(join(folder(), 'parameters.json'), 'utf8')) as { Parameters: Record<string, unknown> };
    expect(staged.Parameters.Remediation).toBeUndefined();
  });
});
