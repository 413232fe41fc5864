/**
 * Account names and OUs for the report (imperative shell), optional: without them the report still shows every
 * account the aggregator knows, by id, and says why names and OUs are missing.
 *
 * It walks the tree (ListRoots, then per root and OU ListOrganizationalUnitsForParent and ListAccountsForParent)
 * rather than ListAccounts plus ListParents: ListParents names a parent by id only, so an OU's name would cost a
 * DescribeOrganizationalUnit more, and it takes one call per account (1,000 calls for 1,000 accounts, on an API
 * AWS throttles hard). The walk costs one page per 20 accounts of an OU and two calls per OU, and gives nested OUs
 * their whole path (`Workloads/Prod`). All three calls are allowed to the management account or a delegated
 * administrator only (API Reference, each operation).
 */
import {
  paginateListAccountsForParent,
  paginateListOrganizationalUnitsForParent,
  paginateListRoots,
  type OrganizationsClient,
} from '@aws-sdk/client-organizations';
import { listAll } from './collect';
import type { DirectoryAccount } from './report';

/** The IAM actions of the walk (deploy/iam/report-policy.json grants them). */
export const ORGANIZATIONS_ACTIONS = {
  listRoots: 'organizations:ListRoots',
  listOrganizationalUnitsForParent: 'organizations:ListOrganizationalUnitsForParent',
  listAccountsForParent: 'organizations:ListAccountsForParent',
} as const;

/** The largest page both child listings allow (MaxResults 1-20). */
const PAGE = 20;

export interface Directory {
  /** Absent when the organization could not be read. */
  accounts?: DirectoryAccount[];
  /** Why names and OUs are not shown. */
  note?: string;
  pages: number;
}

/** Why a failure leaves names and OUs out, in the caller's terms. */
function why(code: string): string {
  if (code === 'AWSOrganizationsNotInUseException') return 'the account is not in an organization';
  if (code === 'AccessDeniedException') return "only the organization's management account or a delegated administrator may read it, with the organizations actions of deploy/iam/report-policy.json";
  return 'AWS Organizations could not be read';
}

export async function collectDirectory(client: OrganizationsClient): Promise<Directory> {
  let pages = 0;
  const accounts: DirectoryAccount[] = [];
  const roots = await listAll(ORGANIZATIONS_ACTIONS.listRoots, 'the organization', paginateListRoots({ client }, {}), (p) => p.NextToken);
  if (!roots.ok) return failed(roots.failure, pages);
  pages += roots.value.length;
  // Parents still to read, with the OU path their accounts show ('' for the root).
  const pending = roots.value.flatMap((p) => p.Roots ?? []).map((root) => ({ id: root.Id ?? '', path: '' }));
  for (let next = pending.shift(); next !== undefined; next = pending.shift()) {
    const { id, path } = next;
    const [units, members] = await Promise.all([
      listAll(ORGANIZATIONS_ACTIONS.listOrganizationalUnitsForParent, `parent ${id}`, paginateListOrganizationalUnitsForParent({ client, pageSize: PAGE }, { ParentId: id }), (p) => p.NextToken),
      listAll(ORGANIZATIONS_ACTIONS.listAccountsForParent, `parent ${id}`, paginateListAccountsForParent({ client, pageSize: PAGE }, { ParentId: id }), (p) => p.NextToken),
    ]);
    if (!units.ok) return failed(units.failure, pages);
    if (!members.ok) return failed(members.failure, pages);
    pages += units.value.length + members.value.length;
    for (const unit of units.value.flatMap((p) => p.OrganizationalUnits ?? [])) {
      if (unit.Id !== undefined) pending.push({ id: unit.Id, path: path === '' ? (unit.Name ?? unit.Id) : `${path}/${unit.Name ?? unit.Id}` });
    }
    for (const account of members.value.flatMap((p) => p.Accounts ?? [])) {
      if (account.Id === undefined) continue;
      const entry: DirectoryAccount = { accountId: account.Id, organizationalUnit: path === '' ? 'Root' : path };
      if (account.Name !== undefined) entry.name = account.Name;
      accounts.push(entry);
    }
  }
  return { accounts, pages };
}

function failed(failure: { action: string; code: string }, pages: number): Directory {
  return { note: `account names and OUs are not shown: ${failure.action} failed (${failure.code}); ${why(failure.code)}`, pages };
}
