/**
 * Reading every page of an SDK paginator with the guards every listing needs: a token seen before (a service that
 * pages in a loop) or a page past MAX_PAGES ends the listing before another request is made, so that a misbehaving
 * service cannot keep a caller requesting and growing. Shared by the rule's reader and the report's collectors.
 */
import { MAX_PAGES, READER_FAILURE } from './reader';

/** A listing stopped by its reader (a token loop, too many pages): reported with its own code. */
export class ListingError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export interface Listing<T> {
  /** The API's name for the token, for messages (`NextToken`, `nextToken`). */
  tokenName: string;
  nextToken: (page: T) => string | undefined;
  /** True when this page already holds all the caller needs: no further page is read. */
  enough?: (page: T) => boolean;
}

/** The pages of a paginator, which asks for a page only once the previous one has been taken; throws ListingError. */
export async function collectPages<T>(pages: AsyncIterable<T>, listing: Listing<T>): Promise<T[]> {
  const collected: T[] = [];
  const seen = new Set<string>();
  for await (const page of pages) {
    collected.push(page);
    if (listing.enough?.(page)) break;
    // The SDK's paginators end on an absent or empty token too.
    const token = listing.nextToken(page);
    if (token === undefined || token === '') break;
    if (seen.has(token)) {
      throw new ListingError(READER_FAILURE.paginationLoop, `returned the same ${listing.tokenName} twice (page ${collected.length})`);
    }
    if (collected.length >= MAX_PAGES) {
      throw new ListingError(READER_FAILURE.tooManyPages, `more than ${MAX_PAGES} pages`);
    }
    seen.add(token);
  }
  return collected;
}
