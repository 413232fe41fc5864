// @ts-check
/**
 * A jest reporter that prints, once per run and without --verbose, why tests were skipped: the reasons marked in
 * their titles as `[SKIPPED: <reason>]` (test/support/skip.ts writes the mark), one line per reason with its files.
 */
const path = require('node:path');

const MARK = /\[SKIPPED: (.*)\]$/;

class SkipReasonReporter {
  /** @param {import('@jest/reporters').Config.GlobalConfig} globalConfig */
  constructor(globalConfig) {
    this.rootDir = globalConfig.rootDir;
    /** @type {Map<string, Map<string, number>>} reason -> file -> skipped tests */
    this.reasons = new Map();
  }

  /**
   * @param {unknown} _test
   * @param {import('@jest/reporters').TestResult} result
   */
  onTestResult(_test, result) {
    const file = path.relative(this.rootDir, result.testFilePath);
    for (const test of result.testResults) {
      if (test.status !== 'pending') continue;
      const reason = [...test.ancestorTitles, test.title].map((t) => MARK.exec(t)?.[1]).find((r) => r !== undefined);
      if (reason === undefined) continue;
      const files = this.reasons.get(reason) ?? new Map();
      files.set(file, (files.get(file) ?? 0) + 1);
      this.reasons.set(reason, files);
    }
  }

  onRunComplete() {
    if (this.reasons.size === 0) return;
    const lines = ['Skipped tests, and why:'];
    for (const [reason, files] of this.reasons) {
      const count = [...files.values()].reduce((a, b) => a + b, 0);
      lines.push(`  ${count} test${count === 1 ? '' : 's'} in ${[...files.keys()].sort().join(', ')}: ${reason}`);
    }
    process.stderr.write(`${lines.join('\n')}\n`);
  }
}

module.exports = SkipReasonReporter;
