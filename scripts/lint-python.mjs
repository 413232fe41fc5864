// Lints the project's Python with flake8 (Debian's `flake8` package) and the repository's .flake8: the .py files
// and the inline scripts of the remediation documents' aws:executeScript steps.
//
//   node scripts/lint-python.mjs [DOCUMENT.yaml ...]   (default: remediation/*.yaml)
//
// Each inline script is written to a temporary folder as <step name>.py, and what flake8 reports there is printed
// at the document's own line and column, so a finding points at the YAML line to edit. Exits with flake8's status
// (0 clean, 1 findings), or 2 when it cannot run (no flake8, a document it cannot map).
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isMap, isScalar, isSeq, LineCounter, parseDocument, Scalar } from 'yaml';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const CONFIG = join(ROOT, '.flake8');

class LintError extends Error {}

/**
 * The inline scripts of a document's aws:executeScript steps, each with where its text sits in the YAML: script line
 * n is document line `firstLine + n - 1`, indented by `indent` columns. Only literal block scalars (`Script: |-`)
 * keep lines one for one; any other style is refused rather than mapped wrongly.
 * @param {string} text the document's YAML
 * @param {string} label the document's name, for errors
 * @returns {{ step: string, script: string, firstLine: number, indent: number }[]}
 */
export function inlineScripts(text, label) {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter });
  if (doc.errors.length > 0) throw new LintError(`${label}: not valid YAML: ${doc.errors[0]?.message}`);
  const steps = doc.get('mainSteps');
  if (!isSeq(steps)) return [];
  const lines = text.split(/\r?\n/);
  const found = [];
  for (const step of steps.items) {
    if (!isMap(step) || step.get('action') !== 'aws:executeScript') continue;
    const name = String(step.get('name'));
    const node = step.getIn(['inputs', 'Script'], true);
    if (node === undefined) continue;
    if (!/^[A-Za-z0-9_]+$/.test(name)) throw new LintError(`${label}: step name '${name}' cannot name a file`);
    if (!isScalar(node) || node.type !== Scalar.BLOCK_LITERAL || typeof node.value !== 'string' || !node.range) {
      throw new LintError(`${label}: the Script of step ${name} is not a literal block (Script: |-), so its lines cannot be mapped`);
    }
    const script = node.value;
    // range[0] is the `|` header; the script's first line is the line after it.
    const firstLine = lineCounter.linePos(node.range[0]).line + 1;
    const scriptLines = script.split('\n');
    const firstText = scriptLines.find((l) => l !== '') ?? '';
    const indent = (lines[firstLine - 1 + scriptLines.indexOf(firstText)] ?? '').length - firstText.length;
    scriptLines.forEach((line, i) => {
      const source = lines[firstLine - 1 + i] ?? '';
      if (line === '' ? source.trim() !== '' : source !== ' '.repeat(indent) + line) {
        throw new LintError(`${label}: line ${firstLine + i} is not line ${i + 1} of step ${name}'s Script`);
      }
    });
    found.push({ step: name, script, firstLine, indent });
  }
  return found;
}

/**
 * flake8's lines with findings in an extracted script moved to the document: `<dir>/<Step>.py:R:C: CODE text`
 * becomes `<document>:R':C': CODE text (step <Step>)`. Other lines pass unchanged.
 * @param {string} output flake8's standard output (default format)
 * @param {Map<string, { document: string, step: string, firstLine: number, indent: number }>} byFile
 */
export function mapFindings(output, byFile) {
  return output
    .split('\n')
    .map((line) => {
      const m = /^(.*?):(\d+):(\d+): (.*)$/.exec(line);
      const where = m && byFile.get(m[1] ?? '');
      if (!m || !where) return line;
      const row = where.firstLine + Number(m[2]) - 1;
      const col = where.indent + Number(m[3]);
      return `${where.document}:${row}:${col}: ${m[4]} (step ${where.step})`;
    })
    .join('\n');
}

function main(argv) {
  const documents = argv.length > 0
    ? argv.map((p) => resolve(p))
    : readdirSync(join(ROOT, 'remediation')).filter((f) => f.endsWith('.yaml')).map((f) => join(ROOT, 'remediation', f));
  const work = mkdtempSync(join(tmpdir(), 'lint-python-'));
  try {
    const byFile = new Map();
    for (const document of documents) {
      const label = relative(ROOT, document).startsWith('..') ? document : relative(ROOT, document);
      const folder = join(work, basename(document, '.yaml'));
      mkdirSync(folder, { recursive: true });
      for (const { step, script, firstLine, indent } of inlineScripts(readFileSync(document, 'utf8'), label)) {
        const file = join(folder, `${step}.py`);
        writeFileSync(file, `${script}\n`);
        byFile.set(file, { document: label, step, firstLine, indent });
      }
    }
    // The repository's .py files come from `.` (the config's `exclude` leaves out node_modules and the like).
    const flake8 = spawnSync('flake8', ['--config', CONFIG, '.', ...byFile.keys()], { cwd: ROOT, encoding: 'utf8' });
    if (flake8.error) {
      const how = flake8.error.code === 'ENOENT' ? ' (Debian: apt-get install flake8)' : '';
      throw new LintError(`cannot run flake8${how}: ${flake8.error.message}`);
    }
    process.stdout.write(mapFindings(flake8.stdout, byFile));
    process.stderr.write(flake8.stderr);
    if (flake8.status === 0) console.log(`flake8: no findings in the .py files and ${byFile.size} inline scripts`);
    return flake8.status ?? 2;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    process.exitCode = main(process.argv.slice(2));
  } catch (e) {
    // Its own errors and the system's (a document that cannot be read) are one line; anything else is a bug.
    if (!(e instanceof LintError) && typeof e?.code !== 'string') throw e;
    console.error(`lint-python: ${e.message}`);
    process.exitCode = 2;
  }
}
