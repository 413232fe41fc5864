/**
 * KMS (JSON 1.1, `TrentService.<Op>`): DescribeKey by key id, key ARN, alias name or alias ARN. Like KMS, describing
 * a predefined AWS alias (`alias/aws/sns`) that has no key yet creates the AWS managed key. Key policies are not
 * evaluated: a key ARN of another account is described from that account's keys.
 */
import { createHash } from 'node:crypto';
import { EPOCH_OF_STATE, ServiceError, splitArn, validationMessage, type CallContext, type Params, type ServiceDefinition } from '../common';
import type { AccountState, KmsKeyState } from '../state';

const notFound = (message: string) => new ServiceError('NotFoundException', message);

/** A UUID-shaped key id derived from its account, region and alias, so that answers are reproducible. */
function derivedKeyId(seed: string): string {
  const hex = createHash('sha256').update(seed).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

function keysOf(account: AccountState | undefined, region: string): KmsKeyState[] {
  return (account?.kmsKeys ?? []).filter((k) => k.region === region);
}

function byAlias(account: AccountState | undefined, accountId: string, region: string, alias: string): KmsKeyState {
  const key = keysOf(account, region).find((k) => k.aliases.includes(alias));
  if (key) return key;
  if (account !== undefined && /^alias\/aws\/[\w-]+$/.test(alias)) {
    const keyId = derivedKeyId(`${accountId}/${region}/${alias}`);
    const created: KmsKeyState = { keyId, arn: `arn:aws:kms:${region}:${accountId}:key/${keyId}`, aliases: [alias], region, keyManager: 'AWS' };
    (account.kmsKeys ??= []).push(created);
    return created;
  }
  throw notFound(`Alias arn:aws:kms:${region}:${accountId}:${alias} is not found.`);
}

function resolveKey(keyId: string, context: CallContext): KmsKeyState {
  const { region } = context;
  const own = context.account;
  if (keyId.startsWith('alias/')) return byAlias(own, context.caller.accountId, region, keyId);
  if (keyId.startsWith('arn:')) {
    const arn = splitArn(keyId);
    if (!arn || arn.service !== 'kms' || !/^(key|alias)\//.test(arn.resource)) throw new ServiceError('InvalidArnException', `Invalid arn ${keyId}`);
    if (arn.region !== region) throw notFound(`Invalid arn ${keyId}: the key is in ${arn.region}, not ${region}`);
    const account = context.world.accounts.find((a) => a.accountId === arn.account);
    if (arn.resource.startsWith('alias/')) return byAlias(account, arn.account, region, arn.resource);
    const key = keysOf(account, region).find((k) => k.arn === keyId);
    if (!key) throw notFound(`Key '${keyId}' does not exist`);
    return key;
  }
  const key = keysOf(own, region).find((k) => k.keyId === keyId);
  if (!key) throw notFound(`Key 'arn:aws:kms:${region}:${context.caller.accountId}:key/${keyId}' does not exist`);
  return key;
}

export const kms: ServiceDefinition = {
  iamPrefix: 'kms',
  validationError: (member, constraint, missing) => new ServiceError('ValidationException', validationMessage(member, constraint, missing)),
  operations: {
    DescribeKey: {
      handle(params: Params, context: CallContext) {
        const keyId = params.requiredStr('KeyId');
        if (keyId === '' || keyId.length > 2048) throw kms.validationError('keyId', 'Member must have length between 1 and 2048', false);
        const key = resolveKey(keyId, context);
        const enabled = key.enabled ?? true;
        return {
          KeyMetadata: {
            AWSAccountId: splitArn(key.arn)?.account ?? context.caller.accountId,
            KeyId: key.keyId,
            Arn: key.arn,
            CreationDate: EPOCH_OF_STATE,
            Enabled: enabled,
            Description: key.keyManager === 'AWS' ? 'Default key that protects my SNS data when no other key is defined' : '',
            KeyUsage: 'ENCRYPT_DECRYPT',
            KeyState: enabled ? 'Enabled' : 'Disabled',
            Origin: 'AWS_KMS',
            KeyManager: key.keyManager,
            CustomerMasterKeySpec: 'SYMMETRIC_DEFAULT',
            KeySpec: 'SYMMETRIC_DEFAULT',
            EncryptionAlgorithms: ['SYMMETRIC_DEFAULT'],
            MultiRegion: false,
          },
        };
      },
      resource: (params, context) => {
        const keyId = params.str('KeyId') ?? '*';
        return keyId.startsWith('arn:') ? keyId : `arn:aws:kms:${context.region}:${context.caller.accountId}:${keyId.startsWith('alias/') ? keyId : `key/${keyId}`}`;
      },
    },
  },
};
