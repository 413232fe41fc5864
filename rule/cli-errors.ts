/**
 * What makes the command line exit 2. Apart from cli-evaluate.ts so that every command can catch them without
 * loading the AWS SDK.
 */

export type CommandName = 'pattern' | 'evaluate' | 'sample' | 'report';

/** A problem with the command line itself: one line, and which --help to read. */
export class UsageError extends Error {
  constructor(
    message: string,
    /** The command whose usage was broken; none for a missing or unknown command. */
    readonly command?: CommandName,
  ) {
    super(message);
  }
}

/** The command could not run: no region, no credentials, AWS refused the identity call or the publication. */
export class CouldNotRunError extends Error {}
