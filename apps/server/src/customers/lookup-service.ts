/**
 * Answers the IVR's `StartLookup` effects. The answer is the IVR input to feed back unchanged:
 * `LookupCompleted { requestId, ok, data }` or `LookupFailed { requestId, reason }`.
 *
 * Which code answers a kind, first match wins:
 * 1. a webhook the tenant configured for that kind (`lookup_webhooks`), so a shop with its own order
 *    system answers `order-status` itself;
 * 2. the built-in kinds: `customer` (CRM by caller number) and `order-status` (local orders);
 * 3. otherwise `LookupFailed` with reason `unknown-kind`.
 */
import type { TenantId } from '@switchboard/kernel';
import { normalizeCallerNumber } from './caller-identity';
import type { Customer, CustomerRepository } from './customer-repository';
import type { LookupWebhookRepository } from './lookup-webhook-repository';
import type { Order, OrderRepository } from './order-repository';
import { orderStatusLabels } from './order-status';
import type { PhoneRegions } from './phone-region';
import { callLookupWebhook, type WebhookOutcome } from './webhook-lookup';

/** A scalar IVR value (`packages/ivr` `Scalar`). */
type Scalar = string | number | boolean;

/** The IVR's `StartLookup` effect, as far as answering it goes. */
export interface LookupRequest {
  readonly requestId: string;
  readonly kind: string;
  readonly params: Readonly<Record<string, Scalar>>;
  readonly timeoutMs: number;
}

/** The IVR input answering a look-up (`packages/ivr` `IvrInput`). */
export type LookupAnswer =
  | {
      readonly type: 'LookupCompleted';
      readonly requestId: string;
      readonly ok: boolean;
      readonly data?: unknown;
    }
  | { readonly type: 'LookupFailed'; readonly requestId: string; readonly reason: string };

/** What the service logs: failures only, never parameters (they hold phone numbers). */
export interface LookupLogger {
  warn(fields: object, message: string): void;
}

/** Collaborators of the service. */
export interface LookupServiceOptions {
  readonly customers: CustomerRepository;
  readonly orders: OrderRepository;
  readonly webhooks: LookupWebhookRepository;
  readonly regions: PhoneRegions;
  readonly logger?: LookupLogger;
  /** Largest webhook response read; see `callLookupWebhook`. */
  readonly maxResponseBytes?: number;
}

const ORDER_NUMBER = /^[A-Za-z0-9-]{1,40}$/;

/** Runs look-ups for IVR calls; `lookup` never rejects. */
export class LookupService {
  private readonly inFlight = new Map<string, AbortController>();

  constructor(private readonly options: LookupServiceOptions) {}

  /** Answers one `StartLookup` of a call of `tenantId`. */
  async lookup(tenantId: TenantId, request: LookupRequest): Promise<LookupAnswer> {
    const { requestId, kind } = request;
    const controller = new AbortController();
    this.inFlight.set(requestId, controller);
    try {
      const webhook = await this.options.webhooks.find(tenantId, kind);
      if (webhook !== undefined) {
        const body = { requestId, kind, params: request.params };
        const outcome = await callLookupWebhook(webhook, body, {
          deadlineMs: request.timeoutMs,
          signal: controller.signal,
          ...(this.options.maxResponseBytes ? { maxResponseBytes: this.options.maxResponseBytes } : {}),
        });
        return this.fromWebhook(tenantId, request, outcome, hostOf(webhook.url));
      }
      if (kind === 'customer') return await this.customer(tenantId, request);
      if (kind === 'order-status') return await this.orderStatus(tenantId, request);
      return { type: 'LookupFailed', requestId, reason: 'unknown-kind' };
    } catch (error) {
      this.options.logger?.warn({ tenantId, requestId, kind, err: error }, 'look-up failed');
      return { type: 'LookupFailed', requestId, reason: 'error' };
    } finally {
      this.inFlight.delete(requestId);
    }
  }

  /** Handles the IVR's `CancelLookup`: an unfinished webhook call is aborted. */
  cancel(requestId: string): void {
    this.inFlight.get(requestId)?.abort();
  }

  /**
   * `customer`: the CRM record of `params.callerNumber` (or `number`). Unknown callers are not an
   * error: `ok: true` with `found: false` and `vipLevel: 0`, so flows read `vipLevel` either way.
   */
  private async customer(tenantId: TenantId, request: LookupRequest): Promise<LookupAnswer> {
    const raw = request.params.callerNumber ?? request.params.number;
    const parsed = normalizeCallerNumber(typeof raw === 'string' ? raw : raw?.toString());
    const region = parsed.ok ? this.options.regions.regionOf(parsed.value) : undefined;
    const customer = parsed.ok
      ? await this.options.customers.findByPhone(tenantId, parsed.value.e164)
      : undefined;
    const data = {
      found: customer !== undefined,
      vipLevel: customer?.vipLevel ?? 0,
      ...(customer ? customerFields(customer) : {}),
      ...(region?.province ? { province: region.province } : {}),
      ...(region?.city ? { city: region.city } : {}),
      ...(region?.carrier ? { carrier: region.carrier } : {}),
    };
    return { type: 'LookupCompleted', requestId: request.requestId, ok: true, data };
  }

  /**
   * `order-status`: the order `params.orderNumber` of this tenant. `data.status` is the Chinese
   * label the demo flow speaks (`已发货`). With `params.callerNumber`, `belongsToCaller` says whether
   * the caller's CRM record owns the order (null when either side is unknown); for an order of
   * someone else, only the status is given, not items or tracking. Unknown orders answer `ok: false`.
   */
  private async orderStatus(tenantId: TenantId, request: LookupRequest): Promise<LookupAnswer> {
    const { requestId, params } = request;
    const orderNumber = String(params.orderNumber ?? '').trim();
    const order = ORDER_NUMBER.test(orderNumber)
      ? await this.options.orders.findByNumber(tenantId, orderNumber)
      : undefined;
    if (order === undefined)
      return { type: 'LookupCompleted', requestId, ok: false, data: { found: false, orderNumber } };
    const belongsToCaller = await this.belongsToCaller(tenantId, order, params.callerNumber);
    const labels = orderStatusLabels(order.status);
    const data = {
      found: true,
      orderNumber: order.orderNumber,
      status: labels.zh,
      statusEn: labels.en,
      statusCode: order.status,
      belongsToCaller,
      ...(belongsToCaller === false ? {} : orderDetails(order)),
    };
    return { type: 'LookupCompleted', requestId, ok: true, data };
  }

  private async belongsToCaller(
    tenantId: TenantId,
    order: Order,
    caller: Scalar | undefined,
  ): Promise<boolean | null> {
    if (order.customerId === null || caller === undefined) return null;
    const parsed = normalizeCallerNumber(String(caller));
    if (!parsed.ok) return null;
    const customer = await this.options.customers.findByPhone(tenantId, parsed.value.e164);
    return customer === undefined ? null : customer.id === order.customerId;
  }

  private fromWebhook(
    tenantId: TenantId,
    request: LookupRequest,
    outcome: WebhookOutcome,
    host: string,
  ): LookupAnswer {
    const { requestId, kind } = request;
    if (outcome.kind === 'answered') {
      if (!outcome.ok)
        this.options.logger?.warn(
          { tenantId, requestId, kind, host, httpStatus: outcome.httpStatus },
          'look-up webhook answered an error',
        );
      return outcome.ok
        ? { type: 'LookupCompleted', requestId, ok: true, data: outcome.data }
        : { type: 'LookupCompleted', requestId, ok: false, data: { httpStatus: outcome.httpStatus } };
    }
    if (outcome.reason !== 'cancelled')
      this.options.logger?.warn(
        { tenantId, requestId, kind, host, reason: outcome.reason },
        'look-up webhook failed',
      );
    return { type: 'LookupFailed', requestId, reason: outcome.reason };
  }
}

function customerFields(c: Customer) {
  return {
    customerId: c.id,
    name: c.name,
    ...(c.language ? { language: c.language } : {}),
    tags: c.tags.join(','),
  };
}

function orderDetails(o: Order) {
  return {
    itemsSummary: o.itemsSummary,
    amountMinor: o.amountMinor,
    currency: o.currency,
    ...(o.trackingNumber ? { trackingNumber: o.trackingNumber } : {}),
    ...(o.shippingCarrier ? { shippingCarrier: o.shippingCarrier } : {}),
  };
}

/** The host of a webhook URL for logs: paths and query strings may carry secrets. */
function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return '(invalid url)';
  }
}
