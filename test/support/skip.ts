/**
 * Tests that cannot run here (no Python 3 with boto3, no AWS CLI, no bundle) are skipped, never passed, with the
 * reason at the end of their title: `<title> [SKIPPED: <reason>]`. test/support/skip-reporter.js reads that mark and
 * prints each reason once per run: jest itself shows skipped titles only with --verbose, and hides the console
 * output of a file whose tests were all skipped.
 */
export interface Skipping {
  describe: jest.Describe;
  it: jest.It;
  /** `t`, marked with the reason when skipped. */
  title: (t: string) => string;
}

/** `describe`, `it` and `title` that skip, saying why, when `reason` is set; the plain ones otherwise. */
export function skipWhen(reason: string | undefined): Skipping {
  if (reason === undefined) return { describe, it, title: (t) => t };
  return { describe: describe.skip, it: it.skip, title: (t) => `${t} [SKIPPED: ${reason}]` };
}
