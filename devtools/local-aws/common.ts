/**
 * What every emulated operation shares: the error it throws, its typed view of the request parameters (whichever
 * protocol carried them), pagination, and the context of the call (who, where, which state).
 */
import type { AccountState, World } from './state';

/** An error AWS would answer. `code` is the protocol-level code (`__type` in JSON, `<Code>` in Query XML). */
export class ServiceError extends Error {
  constructor(
    readonly code: string,
    message: string,
    /** HTTP status for Query protocols; JSON protocols answer client errors with 400 whatever this says. */
    readonly status = 400,
    readonly fault: 'Sender' | 'Receiver' = 'Sender',
  ) {
    super(message);
    this.name = code;
  }
}

/** Builds the error a service gives for a parameter that is missing or breaks a constraint. */
export type ValidationError = (member: string, constraint: string, missing: boolean) => ServiceError;

/** `1 validation error detected: ...`, the wording of AWS's model-level validation. */
export function validationMessage(member: string, constraint: string, missing: boolean): string {
  return missing
    ? `1 validation error detected: Value null at '${member}' failed to satisfy constraint: Member must not be null`
    : `1 validation error detected: Value at '${member}' failed to satisfy constraint: ${constraint}`;
}

/** A string-to-string map in an output: Query XML writes it as `<entry><key/><value/></entry>`, JSON as an object. */
export class StringMap {
  constructor(readonly entries: Record<string, string>) {}
}

/**
 * The request parameters of one call. JSON protocols give typed values; the Query protocol gives every leaf as a
 * string (and an empty list as ''), so each accessor accepts both forms.
 */
export class Params {
  constructor(
    readonly raw: Record<string, unknown>,
    private readonly invalid: ValidationError,
    private readonly path = '',
  ) {}

  private at(name: string): string {
    return this.path === '' ? name : `${this.path}.${name}`;
  }

  private value(name: string): unknown {
    const value = this.raw[name];
    return value === null ? undefined : value;
  }

  has(name: string): boolean {
    return this.value(name) !== undefined;
  }

  str(name: string): string | undefined {
    const value = this.value(name);
    if (value === undefined) return undefined;
    if (typeof value !== 'string') throw this.invalid(this.at(name), 'Member must be a string', false);
    return value;
  }

  requiredStr(name: string): string {
    const value = this.str(name);
    if (value === undefined) throw this.invalid(this.at(name), 'Member must not be null', true);
    return value;
  }

  num(name: string): number | undefined {
    const value = this.value(name);
    if (value === undefined) return undefined;
    const number = typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value) : NaN;
    if (!Number.isFinite(number)) throw this.invalid(this.at(name), 'Member must be a number', false);
    return number;
  }

  int(name: string, min: number, max: number): number | undefined {
    const number = this.num(name);
    if (number === undefined) return undefined;
    if (!Number.isInteger(number) || number < min || number > max) {
      throw this.invalid(this.at(name), `Member must be an integer from ${min} to ${max}`, false);
    }
    return number;
  }

  bool(name: string): boolean | undefined {
    const value = this.value(name);
    if (value === undefined) return undefined;
    if (typeof value === 'boolean') return value;
    if (value === 'true' || value === 'false') return value === 'true';
    throw this.invalid(this.at(name), 'Member must be a boolean', false);
  }

  /** Epoch seconds (JSON protocols) or an ISO 8601 string (Query). */
  timestamp(name: string): Date | undefined {
    const value = this.value(name);
    if (value === undefined) return undefined;
    const date = typeof value === 'number' ? new Date(value * 1000) : typeof value === 'string' ? new Date(value) : undefined;
    if (date === undefined || Number.isNaN(date.getTime())) throw this.invalid(this.at(name), 'Member must be a timestamp', false);
    return date;
  }

  private array(name: string): unknown[] | undefined {
    const value = this.value(name);
    if (value === undefined) return undefined;
    // The Query protocol sends an empty list as `Name=`.
    if (value === '') return [];
    if (!Array.isArray(value)) throw this.invalid(this.at(name), 'Member must be a list', false);
    return value as unknown[];
  }

  strList(name: string): string[] | undefined {
    const items = this.array(name);
    if (items === undefined) return undefined;
    if (!items.every((item): item is string => typeof item === 'string')) {
      throw this.invalid(this.at(name), 'Member must be a list of strings', false);
    }
    return items;
  }

  list(name: string): Params[] | undefined {
    const items = this.array(name);
    return items?.map((item, index) => {
      if (!isRecord(item)) throw this.invalid(`${this.at(name)}.${index + 1}`, 'Member must be a structure', false);
      return new Params(item, this.invalid, `${this.at(name)}.${index + 1}`);
    });
  }

  struct(name: string): Params | undefined {
    const value = this.value(name);
    if (value === undefined) return undefined;
    if (!isRecord(value)) throw this.invalid(this.at(name), 'Member must be a structure', false);
    return new Params(value, this.invalid, this.at(name));
  }

  stringMap(name: string): Record<string, string> | undefined {
    const value = this.value(name);
    if (value === undefined) return undefined;
    // The Query protocol sends an empty map as `Name=`.
    if (value === '') return {};
    if (!isRecord(value) || !Object.values(value).every((v) => typeof v === 'string')) {
      throw this.invalid(this.at(name), 'Member must be a map of strings', false);
    }
    return value as Record<string, string>;
  }
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Who is calling: a long-term key of an account, or a session of a role issued by the emulator's STS. */
export interface Caller {
  accountId: string;
  accessKeyId: string;
  /** `arn:aws:iam::<account>:root` or `arn:aws:sts::<account>:assumed-role/<role>/<session>`. */
  arn: string;
  userId: string;
  /** The role ARN when the caller is a role session. */
  roleArn?: string;
}

export interface IssuedSession {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
  expiration: Date;
  assumedRoleId: string;
  arn: string;
}

export interface CallContext {
  world: World;
  caller: Caller;
  /** The caller's account. */
  account: AccountState;
  /** The region of the call (from the SigV4 credential scope). */
  region: string;
  /** The largest page the emulator returns, whatever the caller asks. */
  pageSize: number;
  now: Date;
  /** STS: issues temporary credentials for a role. */
  issueSession(role: { accountId: string; roleName: string; sessionName: string; durationSeconds: number }): IssuedSession;
}

export interface Operation {
  handle(params: Params, context: CallContext): unknown;
  /** For an operation AWS paginates: the member that carries the page token, in the request and in the answer. */
  pageToken?: 'nextToken' | 'NextToken';
  /** The resource an AccessDenied message names (default: every resource of the service in the region). */
  resource?(params: Params, context: CallContext): string;
}

export interface ServiceDefinition {
  /** IAM prefix, e.g. `cloudwatch`. */
  iamPrefix: string;
  operations: Record<string, Operation>;
  validationError: ValidationError;
  /**
   * For a JSON service that keeps its Query-era error codes (`awsQueryCompatible`, CloudWatch): the `__type` of a
   * Query code. Errors then also carry `x-amzn-query-error: <Code>;<Sender|Receiver>`, from which clients take the code.
   */
  queryCompatibleJsonType?: (code: string) => string;
}

/**
 * One page of `items` from the offset in `token`. Tokens are opaque to callers and bound to the operation, so a
 * token of another listing is refused as AWS refuses it.
 */
export function paginate<T>(
  items: readonly T[],
  token: string | undefined,
  size: number,
  scope: string,
  invalidToken: () => ServiceError,
): { page: T[]; nextToken?: string } {
  let offset = 0;
  if (token !== undefined && token !== '') {
    const decoded = decodeToken(token);
    if (decoded === undefined || decoded.scope !== scope || decoded.offset > items.length) throw invalidToken();
    offset = decoded.offset;
  }
  const end = offset + size;
  const page = items.slice(offset, end);
  return end < items.length ? { page, nextToken: Buffer.from(JSON.stringify({ scope, offset: end })).toString('base64url') } : { page };
}

function decodeToken(token: string): { scope: string; offset: number } | undefined {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
    if (isRecord(parsed) && typeof parsed.scope === 'string' && Number.isInteger(parsed.offset) && (parsed.offset as number) >= 0) {
      return { scope: parsed.scope, offset: parsed.offset as number };
    }
  } catch {
    // fall through: not a token of ours
  }
  return undefined;
}

/** Splits `arn:partition:service:region:account:resource` (the resource may hold colons). */
export function splitArn(arn: string): { partition: string; service: string; region: string; account: string; resource: string } | undefined {
  const parts = arn.split(':');
  if (parts.length < 6 || parts[0] !== 'arn' || !/^aws[a-z-]*$/.test(parts[1]!)) return undefined;
  return { partition: parts[1]!, service: parts[2]!, region: parts[3]!, account: parts[4]!, resource: parts.slice(5).join(':') };
}

/** Drops undefined members, so that absent fields are absent on the wire. */
export function compact<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

/** A date used where the state records none (creation times and the like), so answers are reproducible. */
export const EPOCH_OF_STATE = new Date('2025-01-01T00:00:00Z');
