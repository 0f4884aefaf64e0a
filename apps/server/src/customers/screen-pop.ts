/**
 * 来电弹屏: who is calling, from where, which customer and orders — assembled once per call and
 * turned into the agent's screen pop, the IVR's caller attributes and routing's contact attributes.
 */
import type { TenantId } from '@switchboard/kernel';
import type { ScreenPopPayload } from '@switchboard/contracts';
import { maskPhoneNumber, normalizeCallerNumber } from './caller-identity';
import type { CustomerRepository } from './customer-repository';
import { customerView, orderView, type CustomerView, type OrderView } from './customer-views';
import type { OrderRepository } from './order-repository';
import type { PhoneRegion, PhoneRegions } from './phone-region';

/** How many recent orders a screen pop carries. */
export const SCREEN_POP_ORDERS = 5;

/** Whether the caller number could be used: a valid number, withheld, or garbage from the trunk. */
export type CallerStatus = 'identified' | 'anonymous' | 'invalid';

/** The caller as the screen pop shows them; `e164`/`region` are null unless `identified`. */
export interface CallerView {
  readonly status: CallerStatus;
  readonly e164: string | null;
  readonly masked: string;
  readonly region: PhoneRegion | null;
}

/**
 * Everything an agent sees when a contact is offered. `customer` is absent for callers not in the
 * CRM. `openTickets` is always empty for now: tickets arrive with the back-office work, and the
 * field is here so clients already render it.
 */
export interface ScreenPop {
  readonly caller: CallerView;
  readonly customer?: CustomerView;
  readonly recentOrders: OrderView[];
  readonly openTickets: never[];
}

/** Attribute values routing expressions read (`packages/routing` `AttributeValue`). */
export type ContactAttributeValue = string | number | boolean | readonly string[];

/** Builds screen pops from the CRM tables and the phone-region data. */
export class ScreenPopService {
  constructor(
    private readonly customers: CustomerRepository,
    private readonly orders: OrderRepository,
    private readonly regions: PhoneRegions,
  ) {}

  /**
   * The screen pop for a caller number as the trunk sent it (any form `normalizeCallerNumber`
   * accepts), within one tenant. Never fails on a bad number: the pop says `anonymous`/`invalid`.
   */
  async screenPopFor(tenantId: TenantId, callerNumber: string | null | undefined): Promise<ScreenPop> {
    const caller = this.callerView(callerNumber);
    const customer =
      caller.e164 === null ? undefined : await this.customers.findByPhone(tenantId, caller.e164);
    if (customer === undefined) return { caller, recentOrders: [], openTickets: [] };
    const orders = await this.orders.listRecent(tenantId, customer.id, SCREEN_POP_ORDERS);
    return { caller, customer: customerView(customer), recentOrders: orders.map(orderView), openTickets: [] };
  }

  /** The caller part alone: normalization and region, no database. */
  callerView(callerNumber: string | null | undefined): CallerView {
    const parsed = normalizeCallerNumber(callerNumber);
    if (!parsed.ok) {
      const anonymous = parsed.error.code === 'CUSTOMERS.CALLER_ANONYMOUS';
      return {
        status: anonymous ? 'anonymous' : 'invalid',
        e164: null,
        masked: anonymous ? '' : maskPhoneNumber(callerNumber),
        region: null,
      };
    }
    const n = parsed.value;
    return { status: 'identified', e164: n.e164, masked: n.masked, region: this.regions.regionOf(n) };
  }
}

/**
 * The screen pop as pushed to the ringing agent: the same record without the caller's E.164,
 * because a pushed message ends up in browser memory and logs; the masked form is enough to greet
 * the caller, and the full number is one audited look-up away.
 */
export function screenPopPayload(pop: ScreenPop): ScreenPopPayload {
  const { status, masked, region } = pop.caller;
  return {
    caller: { status, masked, region },
    ...(pop.customer === undefined ? {} : { customer: pop.customer }),
    recentOrders: pop.recentOrders,
    openTickets: pop.openTickets,
  };
}

/**
 * Routing contact attributes from a screen pop: `vip` (0 when unknown, so `contact.vip >= 1`
 * works), `province`, `city`, `carrier` (short names, `contact.province == '广东'`), `language`,
 * `tags`, `customerId`. Attributes without a value are left out: routing treats them as missing.
 */
export function contactAttributesFor(pop: ScreenPop): Record<string, ContactAttributeValue> {
  const out: Record<string, ContactAttributeValue> = { vip: pop.customer?.vipLevel ?? 0 };
  const region = pop.caller.region;
  if (region?.province !== undefined) out.province = region.province;
  if (region?.city !== undefined) out.city = region.city;
  if (region?.carrier !== undefined) out.carrier = region.carrier;
  if (pop.customer?.language) out.language = pop.customer.language;
  if (pop.customer && pop.customer.tags.length > 0) out.tags = [...pop.customer.tags];
  if (pop.customer) out.customerId = pop.customer.id;
  return out;
}

/**
 * The IVR's `Started.caller` attributes (`caller.<name>` in flows): `number` (E.164 when identified),
 * `vipLevel`, `customerId`, `province`, `city`, `carrier`, `language`, and `tags` joined with `,`
 * because IVR values are scalars.
 */
export function ivrCallerAttributesFor(pop: ScreenPop): Record<string, string | number> {
  const out: Record<string, string | number> = {};
  if (pop.caller.e164 !== null) out.number = pop.caller.e164;
  for (const [key, value] of Object.entries(contactAttributesFor(pop))) {
    const name = key === 'vip' ? 'vipLevel' : key;
    out[name] = Array.isArray(value) ? value.join(',') : (value as string | number);
  }
  return out;
}
