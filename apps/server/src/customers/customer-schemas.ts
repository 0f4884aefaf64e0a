/** TypeBox schemas of the customers API (OpenAPI comes from them). */
import { Type, type TSchema } from 'typebox';

const Timestamp = Type.String({ format: 'date-time' });
const Nullable = <T extends TSchema>(t: T) => Type.Union([t, Type.Null()]);

export const CustomerSchema = Type.Object({
  id: Type.String(),
  name: Type.String(),
  vipLevel: Type.Integer({ minimum: 0, maximum: 3, description: '0 regular, 1–3 VIP tiers' }),
  tags: Type.Array(Type.String()),
  language: Nullable(Type.String({ description: 'BCP 47, e.g. zh, en' })),
  notes: Type.String(),
});

export const PhoneNumberSchema = Type.Object({
  e164: Type.String({ description: '+8613812345678' }),
  masked: Type.String({ description: '138****5678, for shared screens and logs' }),
  label: Type.String(),
});

export const OrderSchema = Type.Object({
  orderNumber: Type.String(),
  customerId: Nullable(Type.String({ description: 'null for guest orders' })),
  status: Type.String({
    description: 'pending-payment, paid, shipped, delivered, completed, returning, refunded, cancelled',
  }),
  statusLabel: Type.Object({ zh: Type.String({ description: '已发货' }), en: Type.String() }),
  itemsSummary: Type.String(),
  amountMinor: Type.Integer({ description: 'total in minor units (fen)' }),
  currency: Type.String({ description: 'ISO 4217, CNY' }),
  trackingNumber: Nullable(Type.String()),
  shippingCarrier: Nullable(Type.String({ description: 'logistics company, e.g. 顺丰速运' })),
  createdAt: Timestamp,
  updatedAt: Timestamp,
});

export const PhoneRegionSchema = Type.Object({
  country: Nullable(Type.String({ description: 'ISO 3166, CN' })),
  province: Type.Optional(Type.String({ description: 'short name, e.g. 广东' })),
  city: Type.Optional(Type.String({ description: 'short name, e.g. 广州' })),
  carrier: Type.Optional(Type.String({ description: 'original carrier, e.g. 中国移动' })),
  label: Type.Optional(Type.String({ description: 'full description, e.g. 广东省广州市' })),
});

export const ScreenPopSchema = Type.Object({
  caller: Type.Object({
    status: Type.Union([Type.Literal('identified'), Type.Literal('anonymous'), Type.Literal('invalid')]),
    e164: Nullable(Type.String()),
    masked: Type.String(),
    region: Nullable(PhoneRegionSchema),
  }),
  customer: Type.Optional(CustomerSchema),
  recentOrders: Type.Array(OrderSchema, { description: 'latest five, newest first' }),
  openTickets: Type.Array(Type.Object({}, { additionalProperties: true }), {
    description: 'always empty until tickets (工单) exist',
  }),
});

export const CustomerDetailSchema = Type.Object({
  ...CustomerSchema.properties,
  phoneNumbers: Type.Array(PhoneNumberSchema),
  recentOrders: Type.Array(OrderSchema),
  createdAt: Timestamp,
  updatedAt: Timestamp,
});

export const LookupQuery = Type.Object(
  {
    phone: Type.String({
      minLength: 1,
      maxLength: 64,
      description: 'any form: +86…, 0086…, 020-…, 138…, sip:/tel: URI',
    }),
  },
  { additionalProperties: false },
);

export const CustomerIdParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 64 }) });
export const OrderNumberParams = Type.Object({ orderNumber: Type.String({ minLength: 1, maxLength: 40 }) });
