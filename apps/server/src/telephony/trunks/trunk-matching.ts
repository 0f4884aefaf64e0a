import type { TenantId } from '@switchboard/kernel';
import { AddressList } from '../protection/address-list';
import type { Trunk } from './trunk';

/** Where an enabled trunk's inbound INVITEs may come from. */
export interface InboundRule {
  readonly trunkId: string;
  readonly tenantId: TenantId;
  readonly name: string;
  readonly sources: AddressList;
}

/**
 * The inbound rule of a trunk: its allow-list for IP admission; for a registering trunk, the
 * addresses its provider (and outbound proxy) resolved to, since the provider sends the calls for
 * our registration from there. A registering trunk not resolved yet admits nothing.
 */
export function inboundRule(trunk: Trunk, providerAddresses: readonly string[]): InboundRule {
  const entries = trunk.admission === 'ip' ? trunk.allowedAddresses : providerAddresses;
  return { trunkId: trunk.id, tenantId: trunk.tenantId, name: trunk.name, sources: new AddressList(entries) };
}

/** Every rule `address` (the packet's source) satisfies, whichever tenant it belongs to. */
export function trunksFrom(rules: readonly InboundRule[], address: string): InboundRule[] {
  return rules.filter((r) => r.sources.has(address));
}

/**
 * The trunk admitting a call from `address` to a number of `tenantId`: only a trunk of that tenant
 * may carry it, so one tenant's carrier never reaches another tenant's hotline even when both
 * tenants share the carrier's addresses.
 */
export function admittingTrunk(
  rules: readonly InboundRule[],
  address: string,
  tenantId: TenantId,
): InboundRule | undefined {
  return rules.find((r) => r.tenantId === tenantId && r.sources.has(address));
}
