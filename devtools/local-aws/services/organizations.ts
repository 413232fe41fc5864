/**
 * AWS Organizations (JSON 1.1, `AWSOrganizationsV20161128.<Op>`): the tree walk the report makes for account names
 * and OUs, ListRoots, ListOrganizationalUnitsForParent and ListAccountsForParent, served from `world.organization`.
 * As AWS documents for each of them, only the management account or a delegated administrator may call them
 * (others: AccessDeniedException), and an account outside the organization gets AWSOrganizationsNotInUseException.
 * Root and OU ids are derived from the management account and the OU's path, in AWS's id formats (`r-` and 4 to 32
 * lowercase letters or digits; `ou-<root part>-` and 8 to 32 more).
 */
import { createHash } from 'node:crypto';
import { ServiceError, compact, paginate, validationMessage, type CallContext, type Params, type ServiceDefinition } from '../common';
import type { OrganizationState } from '../state';

/** ListAccountsForParent and ListOrganizationalUnitsForParent take MaxResults 1-20. */
const MAX_RESULTS = 20;

interface Unit {
  id: string;
  name: string;
  path: string;
  parentId: string;
}

const rootPart = (organization: OrganizationState) => organization.managementAccountId.slice(-4);
const rootId = (organization: OrganizationState) => `r-${rootPart(organization)}`;
const unitId = (organization: OrganizationState, path: string) => `ou-${rootPart(organization)}-${createHash('sha256').update(path).digest('hex').slice(0, 8)}`;

function organizationOf(context: CallContext): OrganizationState {
  const organization = context.world.organization;
  const caller = context.caller.accountId;
  const members = organization ? [organization.managementAccountId, ...organization.memberAccountIds] : [];
  if (!organization || !members.includes(caller)) {
    throw new ServiceError('AWSOrganizationsNotInUseException', 'Your account is not a member of an organization.');
  }
  if (caller !== organization.managementAccountId && !(organization.delegatedAdministratorAccountIds ?? []).includes(caller)) {
    throw new ServiceError('AccessDeniedException', "You don't have permissions to access this resource.");
  }
  return organization;
}

/** Every OU, parents before children: `Workloads/Prod` makes OU Workloads under the root and Prod inside it. */
function unitsOf(organization: OrganizationState): Unit[] {
  const paths = new Set<string>();
  for (const { path } of organization.organizationalUnits ?? []) {
    const parts = path.split('/');
    parts.forEach((_, i) => paths.add(parts.slice(0, i + 1).join('/')));
  }
  return [...paths].sort().map((path) => {
    const slash = path.lastIndexOf('/');
    return { id: unitId(organization, path), name: path.slice(slash + 1), path, parentId: slash < 0 ? rootId(organization) : unitId(organization, path.slice(0, slash)) };
  });
}

function parentOf(params: Params, organization: OrganizationState): string {
  const parentId = params.requiredStr('ParentId');
  if (parentId !== rootId(organization) && !unitsOf(organization).some((u) => u.id === parentId)) {
    throw new ServiceError('ParentNotFoundException', "We can't find a root or OU with the ParentId that you specified.");
  }
  return parentId;
}

function page<T>(items: T[], params: Params, context: CallContext, scope: string) {
  const size = Math.min(params.int('MaxResults', 1, MAX_RESULTS) ?? MAX_RESULTS, context.pageSize);
  return paginate(items, params.str('NextToken'), size, scope, () => new ServiceError('InvalidInputException', 'You specified an invalid value for nextToken.'));
}

export const organizations: ServiceDefinition = {
  iamPrefix: 'organizations',
  validationError: (member, constraint, missing) => new ServiceError('InvalidInputException', validationMessage(member, constraint, missing)),
  operations: {
    ListRoots: {
      pageToken: 'NextToken',
      handle(params: Params, context: CallContext) {
        const organization = organizationOf(context);
        const id = rootId(organization);
        const { page: roots, nextToken } = page([{ Id: id, Arn: `arn:aws:organizations::${organization.managementAccountId}:root/o-${rootPart(organization)}/${id}`, Name: 'Root', PolicyTypes: [] }], params, context, 'roots');
        return compact({ Roots: roots, NextToken: nextToken });
      },
    },
    ListOrganizationalUnitsForParent: {
      pageToken: 'NextToken',
      handle(params: Params, context: CallContext) {
        const organization = organizationOf(context);
        const parentId = parentOf(params, organization);
        const children = unitsOf(organization)
          .filter((u) => u.parentId === parentId)
          .map((u) => ({ Id: u.id, Arn: `arn:aws:organizations::${organization.managementAccountId}:ou/o-${rootPart(organization)}/${u.id}`, Name: u.name }));
        const { page: units, nextToken } = page(children, params, context, `units/${parentId}`);
        return compact({ OrganizationalUnits: units, NextToken: nextToken });
      },
    },
    ListAccountsForParent: {
      pageToken: 'NextToken',
      handle(params: Params, context: CallContext) {
        const organization = organizationOf(context);
        const parentId = parentOf(params, organization);
        const unitOf = new Map<string, string>();
        for (const { path, accountIds } of organization.organizationalUnits ?? []) for (const id of accountIds) unitOf.set(id, unitId(organization, path));
        const accounts = [organization.managementAccountId, ...organization.memberAccountIds]
          .filter((id, i, all) => all.indexOf(id) === i && (unitOf.get(id) ?? rootId(organization)) === parentId)
          .sort()
          .map((id) => ({
            Id: id,
            Arn: `arn:aws:organizations::${organization.managementAccountId}:account/o-${rootPart(organization)}/${id}`,
            Email: `aws+${id}@example.com`,
            Name: organization.accountNames?.[id] ?? `account-${id}`,
            Status: 'ACTIVE',
            State: 'ACTIVE',
            JoinedMethod: id === organization.managementAccountId ? 'CREATED' : 'INVITED',
          }));
        const { page: listed, nextToken } = page(accounts, params, context, `accounts/${parentId}`);
        return compact({ Accounts: listed, NextToken: nextToken });
      },
    },
  },
};
