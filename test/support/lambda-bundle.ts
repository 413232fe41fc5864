/**
 * The Lambda bundle as scripts/build.mjs makes it, built for a test file into a temporary directory of its own, so
 * that a stale dist/ cannot pass and files running in parallel do not overwrite each other's bundle.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from '../e2e/harness';

/**
 * Registers the build in beforeAll and the removal of its directory (named `<prefix>…` under the system's temporary
 * directory) in afterAll; returns the path of the bundle's index.js, to be read from within tests.
 */
export function lambdaBundle(prefix: string): () => string {
  let dir: string | undefined;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), prefix));
    const built = spawnSync(process.execPath, [join(ROOT, 'scripts', 'build.mjs'), '--lambda-only', '--outdir', dir], { cwd: ROOT, encoding: 'utf8' });
    if (built.status !== 0) throw new Error(`build failed:\n${built.stderr}`);
  });
  afterAll(() => {
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  });
  return () => {
    if (dir === undefined) throw new Error('the Lambda bundle is built in beforeAll: read its path from within a test');
    return join(dir, 'index.js');
  };
}
