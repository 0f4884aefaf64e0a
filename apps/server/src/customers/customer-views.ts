/**
 * What leaves the server about customers and orders (API, screen pop): no tenant ids, status codes
 * with their labels, phone numbers with their masked form next to them.
 */
import { maskPhoneNumber } from './caller-identity';
import type { Customer, CustomerPhoneNumber } from './customer-repository';
import type { Order } from './order-repository';
import { orderStatusLabels } from './order-status';

/** A customer as agents see it. */
export interface CustomerView {
  readonly id: string;
  readonly name: string;
  readonly vipLevel: number;
  readonly tags: string[];
  readonly language: string | null;
  readonly notes: string;
}

/** A phone number on file, with the form safe to show on shared screens. */
export interface PhoneNumberView {
  readonly e164: string;
  readonly masked: string;
  readonly label: string;
}

/** An order as agents see it. */
export interface OrderView {
  readonly orderNumber: string;
  /** Null for guest orders. */
  readonly customerId: string | null;
  readonly status: string;
  readonly statusLabel: { readonly zh: string; readonly en: string };
  readonly itemsSummary: string;
  readonly amountMinor: number;
  readonly currency: string;
  readonly trackingNumber: string | null;
  readonly shippingCarrier: string | null;
  readonly createdAt: string;
  readonly updatedAt: string;
}

/** The customer fields agents see. */
export function customerView(c: Customer): CustomerView {
  return {
    id: c.id,
    name: c.name,
    vipLevel: c.vipLevel,
    tags: [...c.tags],
    language: c.language,
    notes: c.notes,
  };
}

/** A number on file with its masked form. */
export function phoneNumberView(p: CustomerPhoneNumber): PhoneNumberView {
  return { e164: p.e164, masked: maskPhoneNumber(p.e164), label: p.label };
}

/** The order fields agents see, with the status labels. */
export function orderView(o: Order): OrderView {
  return {
    orderNumber: o.orderNumber,
    customerId: o.customerId,
    status: o.status,
    statusLabel: orderStatusLabels(o.status),
    itemsSummary: o.itemsSummary,
    amountMinor: o.amountMinor,
    currency: o.currency,
    trackingNumber: o.trackingNumber,
    shippingCarrier: o.shippingCarrier,
    createdAt: o.createdAt,
    updatedAt: o.updatedAt,
  };
}
