/**
 * Writes the controls block (remediation/controls-data.ts) into every remediation document that has one:
 * `node --import tsx remediation/embed-controls.ts`. test/remediation/controls-data.test.ts fails until it is run
 * after a change of the catalogue or the witnesses.
 */
import { readdirSync, readFileSync, writeFileSync } from 'fs';
import * as path from 'path';
import { isDeepStrictEqual } from 'util';
import { controlsBlock, embeddedBlock, remediationData } from './controls-data';

for (const name of readdirSync(__dirname).filter((f) => f.endsWith('.yaml'))) {
  const file = path.join(__dirname, name);
  const text = readFileSync(file, 'utf8');
  const found = embeddedBlock(text);
  if (!found) continue;
  // Compared as data, not bytes: another zlib may deflate the same JSON differently.
  const current = isDeepStrictEqual(found.data, JSON.parse(JSON.stringify(remediationData())));
  if (!current) writeFileSync(file, text.slice(0, found.start) + controlsBlock(found.indent) + text.slice(found.end));
  process.stdout.write(`${name}: ${current ? 'up to date' : 'controls block rewritten'}\n`);
}
