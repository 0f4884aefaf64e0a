import { err, ok, rejection, type Rejection, type Result } from '@switchboard/kernel';
import { serializeUri, sipUri } from '@switchboard/sip';
import type { CallerId, OriginateTarget } from '../../calls';
import { chooseCallerId, type CallerIdRequest, type CallerIdSubstitution } from './caller-id-rules';
import { formatNumber } from './dial-number';
import type { ProviderHop } from './provider-requests';
import type { Trunk, TrunkProvider } from './trunk';

/** No enabled trunk of the tenant can carry the call now (none configured, or all down). */
export const NO_TRUNK = 'TRUNKS.NO_ROUTE';

/** Where an outbound call goes: the `Originate` target and caller ID, and the trunk chosen. */
export interface TrunkRoute {
  readonly trunkId: string;
  readonly trunkName: string;
  readonly target: OriginateTarget;
  readonly callerId: CallerId;
  /** Set when the requested caller ID could not be presented and the default was. */
  readonly callerIdSubstituted?: CallerIdSubstitution;
}

/** What {@link routeThroughTrunk} sees of the trunks. */
export interface TrunkRouteContext {
  /** The tenant's enabled trunks, in order of preference. */
  readonly trunks: readonly Trunk[];
  /** False for a trunk whose provider stopped answering OPTIONS. */
  readonly isUp: (trunkId: string) => boolean;
  /** The hop towards the trunk's provider; undefined until it can be reached. */
  readonly hop: (trunk: Trunk & { readonly provider: TrunkProvider }) => ProviderHop | undefined;
}

/**
 * Picks the first enabled trunk of the tenant that has a provider and is not down, writes `number`
 * in its dial format as `sip:<number>@<provider>` (sent to the provider or its outbound proxy), and
 * applies its caller-ID rules to `callerId` (see {@link chooseCallerId}). The target carries the
 * trunk's account, so a provider challenging the INVITE gets it once more with credentials.
 */
export function routeThroughTrunk(
  context: TrunkRouteContext,
  number: string,
  callerId?: CallerIdRequest,
): Result<TrunkRoute, Rejection> {
  const trunk = context.trunks.find(
    (t): t is Trunk & { provider: TrunkProvider } =>
      t.enabled && t.provider !== undefined && context.isUp(t.id),
  );
  if (trunk === undefined)
    return err(rejection(NO_TRUNK, 'No enabled trunk that is up can carry the call', { number }));
  const hop = context.hop(trunk);
  if (hop === undefined)
    return err(rejection(NO_TRUNK, `Trunk ${trunk.name} cannot reach its provider yet`, { trunk: trunk.id }));
  const dialed = formatNumber(number, trunk.outbound.dialFormat);
  if (!dialed.ok) return dialed;
  const chosen = chooseCallerId(trunk.outbound, callerId, trunk.provider.host);
  if (!chosen.ok) return chosen;
  const uri = sipUri({ ...hop.uri, user: dialed.value });
  const target: OriginateTarget = {
    uri: serializeUri(uri),
    destination: hop.destination,
    ...(trunk.account === undefined ? {} : { credentials: trunk.account }),
  };
  return ok({
    trunkId: trunk.id,
    trunkName: trunk.name,
    target,
    callerId: chosen.value.callerId,
    ...(chosen.value.substituted === undefined ? {} : { callerIdSubstituted: chosen.value.substituted }),
  });
}
