/**
 * The {@link OutboundDialer} over telephony's trunks: `route(tenantId, number)` picks the tenant's
 * first enabled trunk that is up, writes the number in its dial format and applies its caller-ID
 * rules; the voice context only turns the answer into `Originate` targets.
 */
import { ok, type Rejection, type Result, type TenantId } from '@switchboard/kernel';
import type { CallerId, OriginateTarget } from '../calls';
import type { OutboundDialer } from './voice-ports';

/** What the dialer needs of the trunks part (`Trunks.route`). */
export interface TrunkRouter {
  route(
    tenantId: TenantId,
    number: string,
  ): Result<{ readonly target: OriginateTarget; readonly callerId: CallerId }, Rejection>;
}

/** Callbacks dialed through the tenant's trunks. */
export function trunkOutboundDialer(trunks: TrunkRouter): OutboundDialer {
  return {
    async route(tenantId, number) {
      const route = trunks.route(tenantId, number);
      return route.ok ? ok({ targets: [route.value.target], callerId: route.value.callerId }) : route;
    },
  };
}
