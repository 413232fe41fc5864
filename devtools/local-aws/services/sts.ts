/**
 * STS (Query protocol, XML answers): GetCallerIdentity and AssumeRole. AssumeRole succeeds only for a role that
 * exists in the target account and trusts the caller's account; the temporary keys it issues identify the role's
 * account on every later call.
 */
import { ServiceError, splitArn, validationMessage, type CallContext, type Params, type ServiceDefinition } from '../common';

/** A role's default MaxSessionDuration. */
const MAX_SESSION_SECONDS = 3600;
const MIN_SESSION_SECONDS = 900;
const DEFAULT_SESSION_SECONDS = 3600;
const SESSION_NAME = /^[\w+=,.@-]{2,64}$/;

const validation = (message: string) => new ServiceError('ValidationError', message);

export const sts: ServiceDefinition = {
  iamPrefix: 'sts',
  validationError: (member, constraint, missing) => validation(validationMessage(member, constraint, missing)),
  operations: {
    GetCallerIdentity: {
      handle(_params: Params, context: CallContext) {
        const { caller } = context;
        return { UserId: caller.userId, Account: caller.accountId, Arn: caller.arn };
      },
    },
    AssumeRole: {
      handle(params: Params, context: CallContext) {
        const roleArn = params.requiredStr('RoleArn');
        const sessionName = params.requiredStr('RoleSessionName');
        const durationSeconds = params.num('DurationSeconds') ?? DEFAULT_SESSION_SECONDS;
        if (!SESSION_NAME.test(sessionName)) {
          throw validation(
            `1 validation error detected: Value '${sessionName}' at 'roleSessionName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]*`,
          );
        }
        if (!Number.isInteger(durationSeconds) || durationSeconds < MIN_SESSION_SECONDS || durationSeconds > 43_200) {
          throw validation(
            `1 validation error detected: Value '${durationSeconds}' at 'durationSeconds' failed to satisfy constraint: Member must have value between ${MIN_SESSION_SECONDS} and 43200`,
          );
        }
        const arn = splitArn(roleArn);
        if (!arn || arn.service !== 'iam' || arn.region !== '' || !/^\d{12}$/.test(arn.account) || !/^role\/.+/.test(arn.resource)) {
          throw validation(`${roleArn} is invalid`);
        }
        const roleName = arn.resource.split('/').pop()!;
        const target = context.world.accounts.find((a) => a.accountId === arn.account);
        const role = target?.roles?.find((r) => r.roleName === roleName);
        if (!target || !role || !role.trustedAccountIds.includes(context.caller.accountId)) {
          throw new ServiceError(
            'AccessDenied',
            `User: ${context.caller.arn} is not authorized to perform: sts:AssumeRole on resource: ${roleArn}`,
            403,
          );
        }
        if (durationSeconds > MAX_SESSION_SECONDS) {
          throw validation('The requested DurationSeconds exceeds the MaxSessionDuration set for this role.');
        }
        const session = context.issueSession({ accountId: target.accountId, roleName, sessionName, durationSeconds });
        return {
          Credentials: {
            AccessKeyId: session.accessKeyId,
            SecretAccessKey: session.secretAccessKey,
            SessionToken: session.sessionToken,
            Expiration: session.expiration,
          },
          AssumedRoleUser: { AssumedRoleId: session.assumedRoleId, Arn: session.arn },
        };
      },
      resource: (params) => params.str('RoleArn') ?? '*',
    },
  },
};
