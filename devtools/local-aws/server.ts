/**
 * A local AWS: an HTTP server on 127.0.0.1 that answers exactly the AWS calls the rule and its remediation make,
 * from a World (state.ts), so that unmodified clients reach it through `AWS_ENDPOINT_URL` / `endpoint` (SDK v3)
 * or `--endpoint-url` (AWS CLI).
 *
 * Every call is identified as AWS identifies it: service and region from the SigV4 credential scope, account from
 * the access key id (an account's keys, or temporary keys this emulator's STS issued). Signatures are not checked.
 * Faults from `world.faults` are injected in AWS's order: authentication (disabled region), throttling, IAM denial;
 * then the faults of a broken service: a request held unanswered, an empty answer, a next token repeated forever.
 * Requests a web page could have sent are refused before anything else (guard.ts).
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readBody } from './body';
import { Params, ServiceError, type CallContext, type Caller, type IssuedSession } from './common';
import { OWN_PATH_PREFIX, refusal, type Refusal } from './guard';
import { header, jsonAnswer, jsonError, parseRequest, queryAnswer, queryError, type Answer, type Protocol, type WireRequest } from './protocol';
import { ENDPOINTS, endpointBySigningName, endpointByQueryVersion, endpointByTarget, type ServiceEndpoint } from './services';
import { accessKeysOf, type AccessKeyState, type World } from './state';

export interface LocalAwsOptions {
  /** Served live: calls read it and write to it (PutMetricFilter, CreateTopic, ...), and tests may change it. */
  world: World;
  /** Default 0: any free port. */
  port?: number;
  /** The largest page any paginated call returns; default 2, so that a caller ignoring next tokens misses items. */
  pageSize?: number;
}

export interface CallLogEntry {
  /** IAM prefix: `cloudtrail`, `logs`, `cloudwatch`, `sns`, `sts`, `kms`, `config` (or what the request named). */
  service: string;
  /** IAM style, e.g. `logs:DescribeMetricFilters`. */
  action: string;
  region: string;
  /** The calling account; absent when the caller could not be identified. */
  accountId?: string;
  status: number;
  errorCode?: string;
  protocol?: Protocol;
  /** Held unanswered by a `hold` fault (status stays 0). */
  held?: true;
}

export interface LocalAws {
  /** `http://127.0.0.1:<port>` */
  endpoint: string;
  world: World;
  /** Every request, in the order they arrived (retries included). */
  log: CallLogEntry[];
  /** The account's first long-term key (fake, fine to print). */
  credentialsFor(accountId: string): AccessKeyState;
  /** How many requests a `hold` fault is holding now; each is released when its client disconnects or on close(). */
  heldRequests(): number;
  /** Closes every connection, releasing held requests. */
  close(): Promise<void>;
}

const MAX_BODY_BYTES = 10 * 1024 * 1024;
/** The next token every answer carries under a `repeatNextToken` fault; a request bearing it gets the first page. */
export const REPEATED_NEXT_TOKEN = 'local-aws-repeated-next-token';
const INVALID_TOKEN_MESSAGE = 'The security token included in the request is invalid.';

interface Session {
  caller: Caller;
  secretAccessKey: string;
  sessionToken: string;
  expiration: Date;
}

export async function startLocalAws(options: LocalAwsOptions): Promise<LocalAws> {
  const emulator = new Emulator(options.world, options.pageSize ?? 2);
  const server = createServer((req, res) => {
    emulator.serveHttp(req, res).catch((error: unknown) => {
      // Never let one request take the server down.
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/x-amz-json-1.1' });
      res.end(JSON.stringify({ __type: 'InternalFailure', message: `local-aws: ${(error as Error)?.message ?? String(error)}` }));
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    world: options.world,
    log: emulator.log,
    heldRequests: () => emulator.held,
    credentialsFor(accountId) {
      const account = options.world.accounts.find((a) => a.accountId === accountId);
      if (!account) throw new Error(`no account ${accountId} in the world`);
      const key = accessKeysOf(account)[0];
      if (!key) throw new Error(`account ${accountId} has no access key`);
      return { ...key };
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        // SDK clients keep connections alive; close() alone would wait for them.
        server.closeAllConnections();
      }),
  };
}

/** An answer, or the request is to be held unanswered. */
type Outcome = Answer | 'held';

class Emulator {
  readonly log: CallLogEntry[] = [];
  /** Requests being held now. */
  held = 0;
  private readonly sessions = new Map<string, Session>();
  /** How many calls each counted fault has affected so far (keyed by the fault object, so faults can change live). */
  private readonly counted = new WeakMap<object, number>();

  constructor(
    private readonly world: World,
    private readonly pageSize: number,
  ) {}

  async serveHttp(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const refused = refusal(req.headers, url.pathname, req.socket.localPort ?? 0);
    // A refused or unread body is left on the socket: close it after the answer rather than read on.
    if (refused) return send(res, refusalAnswer(refused, req, url), true);
    const body = await readBody(req, header(req.headers, 'content-encoding'), MAX_BODY_BYTES);
    if (!body.ok) return send(res, { status: body.status, headers: { 'content-type': 'text/plain' }, body: body.message }, true);
    let outcome: Outcome;
    if (req.method === 'GET' && url.pathname === `${OWN_PATH_PREFIX}state`) {
      outcome = { status: 200, headers: { 'content-type': 'application/json' }, body: JSON.stringify(this.world, null, 2) };
    } else if (req.method === 'GET' && url.pathname === `${OWN_PATH_PREFIX}log`) {
      outcome = { status: 200, headers: { 'content-type': 'application/json' }, body: JSON.stringify(this.log, null, 2) };
    } else {
      outcome = this.handle(parseRequest(req.method ?? 'GET', url, req.headers, body.text));
    }
    if (outcome !== 'held') return send(res, outcome, false);
    // Held until the client gives up or the server closes (close() ends every connection): nothing is kept but
    // the open socket, and it is released with it.
    this.held++;
    await new Promise<void>((resolve) => {
      const release = () => {
        this.held--;
        resolve();
      };
      if (res.socket === null || res.socket.destroyed) release();
      else res.socket.once('close', release);
    });
  }

  handle(request: WireRequest): Outcome {
    const requestId = randomUUID();
    // What the client meant (target prefix, Query version), and what it signed for (credential scope).
    const meant =
      request.protocol === 'json'
        ? endpointByTarget(request.targetPrefix ?? '')
        : request.protocol === 'query'
          ? endpointByQueryVersion(request.queryVersion ?? '')
          : undefined;
    const scoped = request.credential ? endpointBySigningName(request.credential.service) : undefined;
    const endpoint = scoped ?? meant;
    const service = endpoint?.definition.iamPrefix ?? request.credential?.service ?? 'unknown';
    const operation = request.operation ?? '';
    const entry: CallLogEntry = { service, action: `${service}:${operation}`, region: request.credential?.region ?? '', status: 0 };
    if (request.protocol) entry.protocol = request.protocol;
    this.log.push(entry);

    const render = (error: ServiceError): Answer => {
      entry.errorCode = error.code;
      if (request.protocol === 'query') return queryError(endpoint?.query?.xmlNamespace ?? 'https://local-aws/doc/', error, requestId);
      const queryCompatible = request.protocol === 'json' ? endpoint?.definition.queryCompatibleJsonType : undefined;
      return jsonError(endpoint?.json?.version ?? '1.1', error, requestId, queryCompatible);
    };
    let answer: Answer;
    try {
      const outcome = this.serve(request, endpoint, scoped, meant, entry, requestId);
      if (outcome === 'held') {
        entry.held = true;
        return outcome;
      }
      answer = outcome;
    } catch (error) {
      answer = render(
        error instanceof ServiceError
          ? error
          : new ServiceError('InternalFailure', `local-aws failed on ${entry.action}: ${(error as Error)?.message ?? String(error)}`, 500, 'Receiver'),
      );
    }
    entry.status = answer.status;
    return answer;
  }

  private serve(
    request: WireRequest,
    endpoint: ServiceEndpoint | undefined,
    scoped: ServiceEndpoint | undefined,
    meant: ServiceEndpoint | undefined,
    entry: CallLogEntry,
    requestId: string,
  ): Outcome {
    const isQuery = request.protocol === 'query';
    const unknownOperation = (message: string) => new ServiceError(isQuery ? 'InvalidAction' : 'UnknownOperationException', message);
    const served = ENDPOINTS.map((e) => e.signingName).join(', ');
    if (request.protocol === undefined) {
      throw unknownOperation(
        'local-aws: not an AWS JSON (X-Amz-Target) or Query (form-encoded Action=...) request; Smithy RPC v2 CBOR is not served',
      );
    }
    if (endpoint === undefined) {
      throw unknownOperation(
        request.credential
          ? `local-aws does not serve service '${request.credential.service}' (operation ${entry.action}); it serves ${served}`
          : `local-aws could not tell the service of operation ${request.operation ?? '?'}`,
      );
    }
    if ((isQuery && !endpoint.query) || (!isQuery && !endpoint.json)) {
      throw unknownOperation(`local-aws serves ${endpoint.definition.iamPrefix} over the ${isQuery ? 'JSON' : 'Query'} protocol only (operation ${entry.action})`);
    }
    if (!isQuery && meant === undefined) throw unknownOperation(`Unknown operation ${request.targetPrefix}.${request.operation} for ${endpoint.definition.iamPrefix}`);
    if (scoped && meant && scoped !== meant) {
      throw new ServiceError(
        isQuery ? 'SignatureDoesNotMatch' : 'InvalidSignatureException',
        `Credential should be scoped to correct service: '${meant.signingName}'.`,
        403,
      );
    }
    if (request.malformed) throw new ServiceError(isQuery ? 'MalformedQueryString' : 'SerializationException', request.malformed);

    // Authentication: a known key, a live session, an enabled region.
    const queryCodes = isQuery || endpoint.definition.queryCompatibleJsonType !== undefined;
    const invalidToken = () =>
      queryCodes ? new ServiceError('InvalidClientTokenId', INVALID_TOKEN_MESSAGE, 403) : new ServiceError('UnrecognizedClientException', INVALID_TOKEN_MESSAGE);
    if (!request.credential) {
      throw new ServiceError(queryCodes ? 'MissingAuthenticationToken' : 'MissingAuthenticationTokenException', 'Missing Authentication Token', 403);
    }
    const caller = this.identify(request, invalidToken, queryCodes);
    entry.accountId = caller.accountId;
    const region = request.credential.region;
    if ((this.world.faults?.disabledRegions ?? []).includes(region)) throw invalidToken();

    const operation = endpoint.definition.operations[request.operation ?? ''];
    if (!operation) {
      const known = Object.keys(endpoint.definition.operations).join(', ');
      throw unknownOperation(`local-aws does not implement ${entry.action} (it serves ${endpoint.definition.iamPrefix}: ${known})`);
    }
    const account = this.world.accounts.find((a) => a.accountId === caller.accountId)!;
    const context: CallContext = {
      world: this.world,
      caller,
      account,
      region,
      pageSize: this.pageSize,
      now: new Date(),
      issueSession: (role) => this.issueSession(role),
    };
    const faults = this.world.faults ?? {};
    // Under repeatNextToken, the repeated token stands for the first page (it is the emulator's, not a real one).
    const repeatedToken = operation.pageToken !== undefined && faults.repeatNextToken?.some((f) => actionMatches(f.action, entry.action)) ? operation.pageToken : undefined;
    const requestParams =
      repeatedToken !== undefined && request.params[repeatedToken] === REPEATED_NEXT_TOKEN ? { ...request.params, [repeatedToken]: undefined } : request.params;
    const params = new Params(requestParams, endpoint.definition.validationError);

    if (this.counts(faults.throttle, entry.action)) throw new ServiceError(endpoint.throttling.code, 'Rate exceeded', endpoint.throttling.status);
    // GetCallerIdentity needs no permission: an IAM deny cannot refuse it.
    if (entry.action !== 'sts:GetCallerIdentity' && this.denies(entry.action, region, caller, params)) {
      const resource = operation.resource?.(params, context) ?? `arn:aws:${endpoint.definition.iamPrefix}:${region}:${caller.accountId}:*`;
      throw new ServiceError(
        endpoint.accessDenied.code,
        `User: ${caller.arn} is not authorized to perform: ${entry.action} on resource: ${resource} with an explicit deny in an identity-based policy`,
        endpoint.accessDenied.status,
      );
    }

    if (this.counts(faults.hold, entry.action)) return 'held';
    const empty = faults.emptyResult?.some((f) => actionMatches(f.action, entry.action)) ?? false;
    const handled = empty ? {} : operation.handle(params, context);
    const result = repeatedToken === undefined ? handled : { ...(handled as object), [repeatedToken]: REPEATED_NEXT_TOKEN };
    return isQuery
      ? queryAnswer(request.operation!, endpoint.query!.xmlNamespace, result, requestId)
      : jsonAnswer(endpoint.json!.version, result, requestId);
  }

  private identify(request: WireRequest, invalidToken: () => ServiceError, queryCodes: boolean): Caller {
    const accessKeyId = request.credential!.accessKeyId;
    for (const account of this.world.accounts) {
      if (accessKeysOf(account).some((k) => k.accessKeyId === accessKeyId)) {
        return { accountId: account.accountId, accessKeyId, arn: `arn:aws:iam::${account.accountId}:root`, userId: account.accountId };
      }
    }
    const session = this.sessions.get(accessKeyId);
    // A session key needs its token, and its account must still exist.
    if (!session || request.sessionToken !== session.sessionToken || !this.world.accounts.some((a) => a.accountId === session.caller.accountId)) {
      throw invalidToken();
    }
    if (session.expiration.getTime() <= Date.now()) {
      throw new ServiceError(queryCodes ? 'ExpiredToken' : 'ExpiredTokenException', 'The security token included in the request is expired');
    }
    return session.caller;
  }

  private issueSession(role: { accountId: string; roleName: string; sessionName: string; durationSeconds: number }): IssuedSession {
    const accessKeyId = `ASIA${randomKeyChars(16)}`;
    const secretAccessKey = randomBytes(30).toString('base64');
    const sessionToken = `local-aws-session/${randomBytes(48).toString('base64')}`;
    const expiration = new Date(Math.floor(Date.now() / 1000) * 1000 + role.durationSeconds * 1000);
    const roleId = `AROA${createHash('sha256').update(`${role.accountId}/${role.roleName}`).digest('hex').toUpperCase().slice(0, 17)}`;
    const assumedRoleId = `${roleId}:${role.sessionName}`;
    const arn = `arn:aws:sts::${role.accountId}:assumed-role/${role.roleName}/${role.sessionName}`;
    const caller: Caller = {
      accountId: role.accountId,
      accessKeyId,
      arn,
      userId: assumedRoleId,
      roleArn: `arn:aws:iam::${role.accountId}:role/${role.roleName}`,
    };
    this.sessions.set(accessKeyId, { caller, secretAccessKey, sessionToken, expiration });
    return { accessKeyId, secretAccessKey, sessionToken, expiration, assumedRoleId, arn };
  }

  /** Counts the call against the first fault of its action that has calls left (a fault without count never runs out). */
  private counts(faults: readonly { action: string; count?: number }[] | undefined, action: string): boolean {
    for (const fault of faults ?? []) {
      if (!actionMatches(fault.action, action)) continue;
      const done = this.counted.get(fault) ?? 0;
      if (fault.count === undefined || done < fault.count) {
        this.counted.set(fault, done + 1);
        return true;
      }
    }
    return false;
  }

  private denies(action: string, region: string, caller: Caller, params: Params): boolean {
    return (this.world.faults?.deny ?? []).some((deny) => {
      if (!actionMatches(deny.action, action)) return false;
      if (deny.region !== undefined && deny.region !== region) return false;
      if (deny.accountId !== undefined && deny.accountId !== caller.accountId) return false;
      if (deny.roleArn !== undefined) {
        const role = action === 'sts:AssumeRole' ? stringParam(params, 'RoleArn') : caller.roleArn;
        if (role !== deny.roleArn) return false;
      }
      return true;
    });
  }
}

function stringParam(params: Params, name: string): string | undefined {
  const value = params.raw[name];
  return typeof value === 'string' ? value : undefined;
}

/** IAM action matching: case-insensitive, `*` matches any run of characters. */
export function actionMatches(pattern: string, action: string): boolean {
  const regex = pattern
    .split('*')
    .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
    .join('.*');
  return new RegExp(`^${regex}$`, 'i').test(action);
}

const KEY_CHARS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

function randomKeyChars(length: number): string {
  return [...randomBytes(length)].map((b) => KEY_CHARS[b % KEY_CHARS.length]).join('');
}

function send(res: ServerResponse, answer: Answer, closeConnection: boolean): void {
  const headers: Record<string, string> = { ...answer.headers, 'content-length': String(Buffer.byteLength(answer.body)) };
  if (closeConnection) headers.connection = 'close';
  res.writeHead(answer.status, headers);
  res.end(answer.body);
}

/** A 403 in the shape the client will parse: AWS JSON for X-Amz-Target calls, Query XML for forms, else text. */
function refusalAnswer(refused: Refusal, req: IncomingMessage, url: URL): Answer {
  const error = new ServiceError(refused.code, refused.message, 403);
  if (header(req.headers, 'x-amz-target') !== undefined) {
    const version = /application\/x-amz-json-1\.0/i.test(header(req.headers, 'content-type') ?? '') ? '1.0' : '1.1';
    return { ...jsonError(version, error, randomUUID()), status: 403 };
  }
  const form = (header(req.headers, 'content-type') ?? '').toLowerCase().startsWith('application/x-www-form-urlencoded');
  if (form || url.searchParams.has('Action')) return queryError('https://local-aws/doc/', error, randomUUID());
  return { status: 403, headers: { 'content-type': 'text/plain' }, body: `${refused.code}: ${refused.message}` };
}
