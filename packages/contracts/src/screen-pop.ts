/**
 * 来电弹屏 as the agent desktop receives it: the caller, their customer record, recent orders and
 * open tickets, pushed once when the agent's device starts ringing for a contact. Personal data is
 * kept to what the agent needs to greet the caller: the number only in its masked form; the full
 * record stays behind the audited customer API.
 */

/** Whether the caller number could be used: a valid number, withheld, or garbage from the trunk. */
export type ScreenPopCallerStatus = 'identified' | 'anonymous' | 'invalid';

/** Where the caller's number is registered (号码归属地), short names as routing compares them. */
export interface ScreenPopRegion {
  /** ISO 3166 country (`CN`), null for calling codes shared by several countries. */
  readonly country: string | null;
  readonly province?: string;
  readonly city?: string;
  readonly carrier?: string;
  readonly label?: string;
}

/** The caller without their raw number: `masked` is safe on shared screens (`138****8000`). */
export interface ScreenPopCaller {
  readonly status: ScreenPopCallerStatus;
  /** Empty for a withheld number. */
  readonly masked: string;
  /** Null unless `identified`. */
  readonly region: ScreenPopRegion | null;
}

/** The customer fields an agent sees. */
export interface ScreenPopCustomer {
  readonly id: string;
  readonly name: string;
  readonly vipLevel: number;
  readonly tags: readonly string[];
  readonly language: string | null;
  readonly notes: string;
}

/** One recent order of the customer. */
export interface ScreenPopOrder {
  readonly orderNumber: string;
  /** Null for guest orders. */
  readonly customerId: string | null;
  readonly status: string;
  readonly statusLabel: { readonly zh: string; readonly en: string };
  readonly itemsSummary: string;
  /** Amount in the currency's minor unit (fen for CNY). */
  readonly amountMinor: number;
  readonly currency: string;
  readonly trackingNumber: string | null;
  readonly shippingCarrier: string | null;
  readonly createdAt: string;
  readonly updatedAt: string;
}

/** A voicemail (留言) offered to the agent: its audio behind the audited recordings endpoint. */
export interface ScreenPopVoicemail {
  readonly recordingId: string;
  /** `/api/v1/recordings/<id>/audio`: needs the agent's credentials, and every play is audited. */
  readonly audioUrl: string;
  readonly durationMs: number;
}

/** A callback the agent is about to place (未接来电自动回拨). */
export interface ScreenPopCallback {
  /** The contact the callback was made from (the abandoned or overflowed call). */
  readonly originContactId: string | null;
}

/**
 * Everything the screen pop shows. `customer` is absent for callers not in the CRM.
 * `openTickets` is always empty until tickets exist; it is here so clients already render it.
 */
export interface ScreenPopPayload {
  readonly caller: ScreenPopCaller;
  readonly customer?: ScreenPopCustomer;
  readonly recentOrders: readonly ScreenPopOrder[];
  readonly openTickets: readonly never[];
  /** Present when the offer is a voicemail to listen to. */
  readonly voicemail?: ScreenPopVoicemail;
  /** Present when the offer is a callback the server dials once the agent answers. */
  readonly callback?: ScreenPopCallback;
}
