// Packages the Lambda bundle for deployment: dist/unauthorized-api-calls-monitored.zip with index.js (and
// index.js.map when present) at the root of the archive, as Lambda's handler `index.handler` needs.
//
//   node scripts/package.mjs [--dist DIR] [--out FILE]   write the zip (run `npm run build` first)
//   node scripts/package.mjs --embed-document [--templates DIR]
//                                                        copy remediation/*.yaml into the templates that embed it
//   node scripts/package.mjs --generate-controls         rewrite the per-control blocks of the templates and the
//                                                        alarm list of deploy/iam/remediation-policy.json from the
//                                                        catalogue (scripts/control-rules.ts says which)
//
// The zip is written here, with node:zlib's deflateRawSync and a CRC-32 table, rather than by the `zip` command:
// that command is on this machine but not on every developer's (nor declared anywhere the project installs from),
// and a zip writer is some eighty lines. Entries carry a fixed timestamp and Unix mode 0644, so the same bundle
// always gives the same bytes and the same SHA-256 (a stable S3 key for `aws cloudformation deploy`).
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { deflateRawSync } from 'node:zlib';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const ZIP_NAME = 'unauthorized-api-calls-monitored.zip';
/** Files of the bundle that go into the zip, at its root; the first is required. */
export const BUNDLE_FILES = ['index.js', 'index.js.map'];

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

/** CRC-32 (ISO 3309, as zip uses it). */
export function crc32(data) {
  let c = 0xffffffff;
  for (let i = 0; i < data.length; i++) c = CRC_TABLE[(c ^ data[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

// DOS date/time of every entry: 1980-01-01 00:00:00, the earliest the format holds.
const DOS_TIME = 0;
const DOS_DATE = (0 << 9) | (1 << 5) | 1;
const UTF8_NAMES = 0x0800;
const MADE_BY_UNIX = (3 << 8) | 20;
const REGULAR_FILE_0644 = (0o100644 << 16) >>> 0;

/**
 * A zip archive (no Zip64: each file and the whole archive under 4 GiB) of the given entries, deflated where that
 * is smaller, stored otherwise.
 * @param {{ name: string, data: Buffer }[]} entries
 * @returns {Buffer}
 */
export function zipEntries(entries) {
  const locals = [];
  const centrals = [];
  let offset = 0;
  for (const { name, data } of entries) {
    if (!name || name.startsWith('/') || name.includes('\\') || name.split('/').includes('..')) throw new Error(`bad zip entry name '${name}'`);
    const nameBytes = Buffer.from(name, 'utf8');
    const deflated = deflateRawSync(data, { level: 9 });
    const [method, body] = deflated.length < data.length ? [8, deflated] : [0, data];
    const crc = crc32(data);
    if (data.length >= 0xffffffff || offset >= 0xffffffff) throw new Error('archive too large for a zip without Zip64');

    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4); // version needed: 2.0 (deflate)
    local.writeUInt16LE(UTF8_NAMES, 6);
    local.writeUInt16LE(method, 8);
    local.writeUInt16LE(DOS_TIME, 10);
    local.writeUInt16LE(DOS_DATE, 12);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(body.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(nameBytes.length, 26);
    local.writeUInt16LE(0, 28); // no extra field
    locals.push(local, nameBytes, body);

    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(MADE_BY_UNIX, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(UTF8_NAMES, 8);
    central.writeUInt16LE(method, 10);
    central.writeUInt16LE(DOS_TIME, 12);
    central.writeUInt16LE(DOS_DATE, 14);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(body.length, 20);
    central.writeUInt32LE(data.length, 24);
    central.writeUInt16LE(nameBytes.length, 28);
    // extra length, comment length, disk number, internal attributes: 0
    central.writeUInt32LE(REGULAR_FILE_0644, 38);
    central.writeUInt32LE(offset, 42);
    centrals.push(central, nameBytes);

    offset += local.length + nameBytes.length + body.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}

/** Writes the Lambda zip from the bundle in `distDir`; returns what was written. */
export function packageBundle(distDir, outFile) {
  const [required] = BUNDLE_FILES;
  if (!existsSync(join(distDir, required))) {
    throw new Error(`${join(distDir, required)} is missing: run \`npm run build\` first`);
  }
  const entries = BUNDLE_FILES.filter((name) => existsSync(join(distDir, name))).map((name) => ({ name, data: readFileSync(join(distDir, name)) }));
  const archive = zipEntries(entries);
  mkdirSync(dirname(outFile), { recursive: true });
  writeFileSync(outFile, archive);
  const sha256 = createHash('sha256').update(archive).digest('hex');
  return { outFile, entries: entries.map((e) => e.name), bytes: archive.length, sha256 };
}

// --- The SSM document inside the templates ---------------------------------------------------------------------
// A template embeds a document as a YAML literal block whose header names the file:
//     Content: |  # embedded from remediation/UnauthorizedApiCallsMonitored-Remediation.yaml
// test/deploy checks that the block equals the file; this rewrites the block from the file.
const EMBED_HEADER = /^( *)Content: \|( *# embedded from (remediation\/[\w.-]+\.ya?ml))\s*$/;

/** The template text with each embedded document block replaced by the current file. */
export function embedDocuments(templateText, readDocument) {
  const lines = templateText.split('\n');
  const out = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    out.push(line);
    const m = EMBED_HEADER.exec(line);
    if (!m) continue;
    const keyIndent = m[1].length;
    // Skip the current block: blank lines and lines indented deeper than the key.
    let j = i + 1;
    while (j < lines.length && (lines[j].trim() === '' || lines[j].length - lines[j].trimStart().length > keyIndent)) j++;
    // Blank lines right before the next key belong to the template, not to the block.
    let k = j;
    while (k > i + 1 && lines[k - 1].trim() === '') k--;
    const document = readDocument(m[3]);
    if (!document.endsWith('\n') || document.endsWith('\n\n')) throw new Error(`${m[3]} must end with exactly one newline (the block keeps one)`);
    if (/^\s/.test(document)) throw new Error(`${m[3]} must not start with whitespace (the block's indentation is detected from its first line)`);
    const pad = ' '.repeat(keyIndent + 2);
    for (const docLine of document.slice(0, -1).split('\n')) out.push(docLine === '' ? '' : pad + docLine);
    for (let b = k; b < j; b++) out.push(lines[b]);
    i = j - 1;
  }
  return out.join('\n');
}

function embedIntoTemplates(dir) {
  for (const file of readdirSync(dir).filter((f) => /\.ya?ml$/.test(f)).sort()) {
    const path = join(dir, file);
    const before = readFileSync(path, 'utf8');
    const after = embedDocuments(before, (rel) => readFileSync(join(ROOT, rel), 'utf8'));
    if (after !== before) {
      writeFileSync(path, after);
      console.log(`updated ${relative(process.cwd(), path) || path}`);
    }
  }
}

/** scripts/control-rules.ts, through tsx: the catalogue it reads is TypeScript. */
export async function loadControlRules() {
  const { tsImport } = await import('tsx/esm/api');
  return tsImport('./control-rules.ts', import.meta.url);
}

async function generateControls(dir) {
  const rules = await loadControlRules();
  for (const [file, blocks] of Object.entries(rules.TEMPLATE_BLOCKS)) {
    const path = join(dir, file);
    const before = readFileSync(path, 'utf8');
    const after = rules.regenerate(before, blocks, file);
    if (after !== before) {
      writeFileSync(path, after);
      console.log(`updated ${relative(process.cwd(), path) || path}`);
    }
  }
  const policyPath = join(ROOT, 'deploy', 'iam', 'remediation-policy.json');
  const before = readFileSync(policyPath, 'utf8');
  const after = `${JSON.stringify(rules.regeneratePolicy(JSON.parse(before)), null, 2)}\n`;
  if (after !== before) {
    writeFileSync(policyPath, after);
    console.log(`updated ${relative(process.cwd(), policyPath) || policyPath}`);
  }
}

function parseArgs(argv) {
  const args = { dist: join(ROOT, 'dist'), out: undefined, embed: false, generate: false, templates: join(ROOT, 'deploy', 'templates') };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--dist') args.dist = resolve(argv[++i] ?? '');
    else if (a === '--out') args.out = resolve(argv[++i] ?? '');
    else if (a === '--embed-document') args.embed = true;
    else if (a === '--generate-controls') args.generate = true;
    else if (a === '--templates') args.templates = resolve(argv[++i] ?? '');
    else throw new Error(`unknown argument '${a}'; usage: package.mjs [--dist DIR] [--out FILE] | --embed-document [--templates DIR] | --generate-controls [--templates DIR]`);
  }
  args.out ??= join(args.dist, ZIP_NAME);
  return args;
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  if (args.generate) {
    await generateControls(args.templates);
    return;
  }
  if (args.embed) {
    embedIntoTemplates(args.templates);
    return;
  }
  const result = packageBundle(args.dist, args.out);
  console.log(`wrote ${relative(process.cwd(), result.outFile) || result.outFile} (${result.entries.join(', ')}; ${result.bytes} bytes)`);
  console.log(`sha256 ${result.sha256}`);
  console.log(`suggested S3 key: unauthorized-api-calls-monitored/${result.sha256.slice(0, 16)}.zip (a new key per bundle makes CloudFormation update the code)`);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((e) => {
    console.error(`package: ${e instanceof Error ? e.message : String(e)}`);
    process.exit(1);
  });
}
