/**
 * The time one evaluation may spend. The Lambda takes it from its remaining time, less a reserve for writing the
 * evaluation; the CLI gives it a fixed length. Whatever can take long (judging a filter, a retry, a page loop, a
 * held connection) asks the budget before going on, so that an evaluation is always written before the timeout:
 * what could not be done in time is reported as not verified, never as compliant.
 */
export interface TimeBudget {
  /** Epoch milliseconds after which no new work starts. */
  readonly deadline: number;
  // Function properties, not methods: they are passed around unbound (`budget.expired` is handed to the judge's searches).
  /** The clock the budget runs on (Date.now, or a test's). */
  readonly now: () => number;
  /** Milliseconds left, never negative. */
  readonly remaining: () => number;
  readonly expired: () => boolean;
}

export function timeBudget(milliseconds: number, now: () => number = Date.now): TimeBudget {
  const deadline = now() + Math.max(0, milliseconds);
  return {
    deadline,
    now,
    remaining: () => Math.max(0, deadline - now()),
    expired: () => now() >= deadline,
  };
}

/**
 * An equal share of the time left, for one of `parts` pieces of work still to do: it expires when the piece has
 * used its share or the whole budget is spent, so that one piece that cannot finish leaves time for the others.
 */
export function share(budget: TimeBudget, parts: number): () => boolean {
  const until = Math.min(budget.deadline, budget.now() + budget.remaining() / Math.max(1, parts));
  return () => budget.expired() || budget.now() >= until;
}

/** Kept back from the Lambda's remaining time for PutEvaluations (and the AssumeRole before it). */
export const WRITE_RESERVE_MS = 15_000;

/**
 * The evaluation's budget in a Lambda with `remainingMs` left: all of it but the write reserve, and at least a
 * quarter of it when the function's timeout is short, so that a short timeout still gets an evaluation.
 */
export function lambdaBudget(remainingMs: number, now: () => number = Date.now): TimeBudget {
  return timeBudget(Math.max(remainingMs - WRITE_RESERVE_MS, remainingMs / 4), now);
}

/** The command line's budget: long enough for a slow account, short enough that a hung call ends. */
export const CLI_BUDGET_MS = 300_000;
