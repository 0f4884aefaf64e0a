import type { Rejection, Result } from '@switchboard/kernel';
import type { CallerId, OriginateRequest, OriginateTarget } from './call-commands';
import {
  extensionOf,
  type ReferDecision,
  type Referral,
  type ReferTargetResolver,
} from './refer-target-resolver';

/** The tenant a leg belongs to (the voice context knows it from the call's arrival). */
export interface LegTenants {
  tenantOf(referral: Referral): string | undefined;
}

/** The registered devices of a tenant's extension; undefined when the tenant has no such extension. */
export interface TenantExtensions {
  devicesOf(tenantId: string, extension: string): Promise<readonly OriginateTarget[] | undefined>;
}

/**
 * An external number through the tenant's trunk, with its dial format and caller-ID rules applied
 * to the requested caller ID (a number, or `withheld`).
 */
export interface TenantTrunkRoutes {
  route(
    tenantId: string,
    number: string,
    callerId: string | undefined,
  ): Result<{ readonly target: OriginateTarget; readonly callerId: CallerId }, Rejection>;
}

/** Options of {@link tenantReferTargets}. */
export interface TenantReferTargetOptions {
  readonly tenants: LegTenants;
  readonly extensions: TenantExtensions;
  readonly trunks: TenantTrunkRoutes;
  /** Ring timeout of the transfer target; call control's default when absent. */
  readonly ringTimeoutMs?: number;
}

/**
 * The live server's REFER targets (RFC 3515 §2.4.2: the REFER recipient decides what it will do),
 * always inside the tenant of the referring call: an extension of that tenant rings its registered
 * devices (480 when none is registered); any other number leaves through the tenant's trunk with
 * the trunk's caller-ID rules, presenting the transferee's number where allowed (withheld stays
 * withheld). A leg of no known
 * tenant, a target that is neither, or a trunk that cannot carry it is refused 404; an extension of
 * another tenant is only ever dialed as a number, so one tenant's phones never ring another's.
 */
export function tenantReferTargets(o: TenantReferTargetOptions): ReferTargetResolver {
  const notFound: ReferDecision = { action: 'refuse', status: 404, reason: 'Not Found' };
  const withTimeout = (request: OriginateRequest): OriginateRequest =>
    o.ringTimeoutMs === undefined ? request : { ...request, timeoutMs: o.ringTimeoutMs };
  return {
    async resolveReferTarget(referral) {
      const tenantId = o.tenants.tenantOf(referral);
      const target = extensionOf(referral.target);
      if (tenantId === undefined || target === undefined) return notFound;
      const devices = await o.extensions.devicesOf(tenantId, target);
      if (devices !== undefined) {
        if (devices.length === 0) return { action: 'refuse', status: 480, reason: 'Temporarily Unavailable' };
        const request = { targets: devices, callerId: referral.transferee, role: 'agent' as const };
        return { action: 'originate', request: withTimeout(request) };
      }
      // A withheld caller stays withheld on the trunk (its privacy rules, RFC 3323).
      const presented = referral.transferee.withheld === true ? 'withheld' : referral.transferee.number;
      const route = o.trunks.route(tenantId, target, presented);
      if (!route.ok) return notFound;
      const request: OriginateRequest = {
        targets: [route.value.target],
        callerId: route.value.callerId,
        role: 'customer',
      };
      return { action: 'originate', request: withTimeout(request) };
    },
  };
}
