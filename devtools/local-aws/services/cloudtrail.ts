/**
 * CloudTrail (JSON 1.1, `CloudTrail_20131101.<Op>`): DescribeTrails, GetTrailStatus, GetEventSelectors, with the
 * visibility rules of test/support/fake-reader.ts: an account sees its own trails and, as a member of an
 * organization, the management account's organization trails (shadow trails).
 */
import { ServiceError, compact, splitArn, validationMessage, type CallContext, type Params, type ServiceDefinition } from '../common';
import { trailArn, type TrailState } from '../state';

interface VisibleTrail {
  owner: string;
  state: TrailState;
}

/** The account's own trails, and for an organization member the management account's organization trails. */
export function visibleTrails(context: CallContext): VisibleTrail[] {
  const accountId = context.caller.accountId;
  const own = context.account.trails.map((state) => ({ owner: accountId, state }));
  const org = context.world.organization;
  if (!org || !org.memberAccountIds.includes(accountId) || org.managementAccountId === accountId) return own;
  const management = context.world.accounts.find((a) => a.accountId === org.managementAccountId);
  const shadows = (management?.trails ?? []).filter((t) => t.isOrganizationTrail).map((state) => ({ owner: org.managementAccountId, state }));
  return [...own, ...shadows];
}

const arnOf = (t: VisibleTrail) => trailArn(t.owner, t.state);

/**
 * A trail by ARN (any trail the account sees) or by name (only the account's own trails of the calling region, as
 * CloudTrail resolves names).
 */
function resolveTrail(nameOrArn: string, context: CallContext): VisibleTrail {
  const visible = visibleTrails(context);
  let found: VisibleTrail | undefined;
  if (nameOrArn.startsWith('arn:')) {
    const arn = splitArn(nameOrArn);
    if (!arn || arn.service !== 'cloudtrail' || !arn.resource.startsWith('trail/')) {
      throw new ServiceError('CloudTrailARNInvalidException', `Invalid trail ARN: ${nameOrArn}`);
    }
    found = visible.find((t) => arnOf(t) === nameOrArn);
  } else {
    found = visible.find((t) => t.owner === context.caller.accountId && t.state.name === nameOrArn && t.state.homeRegion === context.region);
  }
  if (!found) throw new ServiceError('TrailNotFoundException', `Unknown trail: ${nameOrArn} for the user: ${context.caller.accountId}`);
  return found;
}

function toTrail(t: VisibleTrail) {
  const { state } = t;
  return compact({
    Name: state.name,
    IncludeGlobalServiceEvents: state.isMultiRegionTrail,
    IsMultiRegionTrail: state.isMultiRegionTrail,
    HomeRegion: state.homeRegion,
    TrailARN: arnOf(t),
    LogFileValidationEnabled: false,
    CloudWatchLogsLogGroupArn: state.cloudWatchLogsLogGroupArn,
    HasCustomEventSelectors: state.eventSelectors !== undefined || state.advancedEventSelectors !== undefined,
    HasInsightSelectors: false,
    IsOrganizationTrail: state.isOrganizationTrail ?? false,
  });
}

export const cloudtrail: ServiceDefinition = {
  iamPrefix: 'cloudtrail',
  validationError: (member, constraint, missing) => new ServiceError('ValidationException', validationMessage(member, constraint, missing)),
  operations: {
    DescribeTrails: {
      handle(params: Params, context: CallContext) {
        const includeShadowTrails = params.bool('includeShadowTrails') ?? true;
        const names = params.strList('trailNameList') ?? [];
        const region = context.region;
        let trails = visibleTrails(context).filter(({ state }) => state.isMultiRegionTrail || state.homeRegion === region);
        // Without shadow trails only the trails created in this region by this account are returned.
        if (!includeShadowTrails) trails = trails.filter((t) => t.owner === context.caller.accountId && t.state.homeRegion === region);
        if (names.length > 0) {
          trails = trails.filter((t) =>
            names.some((n) => n === arnOf(t) || (n === t.state.name && t.owner === context.caller.accountId && t.state.homeRegion === region)),
          );
        }
        return { trailList: trails.map(toTrail) };
      },
      resource: (_params, context) => trailResource(undefined, context),
    },
    GetTrailStatus: {
      handle(params: Params, context: CallContext) {
        const { status } = resolveTrail(params.requiredStr('Name'), context).state;
        return compact({
          IsLogging: status.isLogging,
          LatestCloudWatchLogsDeliveryError: status.latestCloudWatchLogsDeliveryError,
          LatestCloudWatchLogsDeliveryTime:
            status.latestCloudWatchLogsDeliveryTime === undefined ? undefined : new Date(status.latestCloudWatchLogsDeliveryTime),
        });
      },
      resource: (params, context) => trailResource(params.str('Name'), context),
    },
    GetEventSelectors: {
      handle(params: Params, context: CallContext) {
        const trail = resolveTrail(params.requiredStr('TrailName'), context);
        const { state } = trail;
        return compact({
          TrailARN: arnOf(trail),
          EventSelectors: state.eventSelectors?.map((s) =>
            compact({
              ReadWriteType: s.readWriteType,
              IncludeManagementEvents: s.includeManagementEvents,
              DataResources: [],
              ExcludeManagementEventSources: s.excludeManagementEventSources,
            }),
          ),
          AdvancedEventSelectors: state.advancedEventSelectors?.map((s) =>
            compact({
              Name: s.name,
              FieldSelectors: s.fieldSelectors.map((f) =>
                compact({
                  Field: f.field,
                  Equals: f.equals,
                  StartsWith: f.startsWith,
                  EndsWith: f.endsWith,
                  NotEquals: f.notEquals,
                  NotStartsWith: f.notStartsWith,
                  NotEndsWith: f.notEndsWith,
                }),
              ),
            }),
          ),
        });
      },
      resource: (params, context) => trailResource(params.str('TrailName'), context),
    },
  },
};

function trailResource(nameOrArn: string | undefined, context: CallContext): string {
  if (nameOrArn?.startsWith('arn:')) return nameOrArn;
  return `arn:aws:cloudtrail:${context.region}:${context.caller.accountId}:trail/${nameOrArn ?? '*'}`;
}
