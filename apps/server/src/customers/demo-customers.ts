import type { OrderStatus } from './order-status';

/** A demo customer: the first phone number is its natural key for re-seeding. */
export interface DemoCustomer {
  readonly name: string;
  readonly vipLevel: number;
  readonly tags: readonly string[];
  readonly language: string;
  readonly notes: string;
  /** National or E.164 forms, normalized when seeded. */
  readonly phones: readonly { readonly number: string; readonly label: string }[];
}

/** A demo order; `customer` indexes {@link DEMO_CUSTOMERS}, null for a guest order. */
export interface DemoOrder {
  readonly orderNumber: string;
  readonly customer: number | null;
  readonly status: OrderStatus;
  readonly itemsSummary: string;
  /** Fen. */
  readonly amountMinor: number;
  readonly trackingNumber?: string;
  readonly shippingCarrier?: string;
  /** Placed this many days before the seeding. */
  readonly daysAgo: number;
}

/**
 * Customers of the demo shop (示例商城, which also sells on TV shopping channels): a few VIPs, a
 * landline business buyer, an English-speaking customer, and 13800138000 as a regular caller.
 */
export const DEMO_CUSTOMERS: readonly DemoCustomer[] = [
  {
    name: '张丽华',
    vipLevel: 3,
    tags: ['电视购物老客户', '高价值'],
    language: 'zh',
    notes: '偏好顺丰配送，下午联系。',
    phones: [{ number: '13912345678', label: 'mobile' }],
  },
  {
    name: '王建国',
    vipLevel: 2,
    tags: ['家电', '企业采购'],
    language: 'zh',
    notes: '公司采购负责人，开增值税专用发票。',
    phones: [
      { number: '18612345678', label: 'mobile' },
      { number: '020-87654321', label: 'work' },
    ],
  },
  {
    name: '李秀英',
    vipLevel: 1,
    tags: ['美妆'],
    language: 'zh',
    notes: '',
    phones: [{ number: '13512345678', label: 'mobile' }],
  },
  {
    name: '陈小明',
    vipLevel: 0,
    tags: [],
    language: 'zh',
    notes: '曾投诉物流延误，已补偿优惠券。',
    phones: [{ number: '13800138000', label: 'mobile' }],
  },
  {
    name: '刘芳',
    vipLevel: 0,
    tags: ['退换货'],
    language: 'zh',
    notes: '',
    phones: [{ number: '0755-26881234', label: 'home' }],
  },
  {
    name: 'Emily Zhou 周艾米',
    vipLevel: 1,
    tags: ['english'],
    language: 'en',
    notes: 'Prefers English-speaking agents.',
    phones: [{ number: '17712345678', label: 'mobile' }],
  },
];

/** Orders in every status, most of them owned by the customers above. */
export const DEMO_ORDERS: readonly DemoOrder[] = [
  {
    orderNumber: '202611010001',
    customer: 0,
    status: 'completed',
    itemsSummary: '皇冠不粘锅六件套 ×1（电视购物）',
    amountMinor: 39_900,
    trackingNumber: 'SF1401234567890',
    shippingCarrier: '顺丰速运',
    daysAgo: 22,
  },
  {
    orderNumber: '202611150002',
    customer: 0,
    status: 'delivered',
    itemsSummary: '戴森吹风机 HD15 紫红色 ×1',
    amountMinor: 299_900,
    trackingNumber: 'SF1409876543210',
    shippingCarrier: '顺丰速运',
    daysAgo: 8,
  },
  {
    orderNumber: '202611200003',
    customer: 0,
    status: 'shipped',
    itemsSummary: '美的电饭煲 MB-FB40 ×1，九阳豆浆机 ×1',
    amountMinor: 68_800,
    trackingNumber: 'SF1405550001111',
    shippingCarrier: '顺丰速运',
    daysAgo: 3,
  },
  {
    orderNumber: '202611220004',
    customer: 0,
    status: 'paid',
    itemsSummary: '华为 Mate 60 Pro 12+512G 雅川青 ×1',
    amountMinor: 699_900,
    daysAgo: 1,
  },
  {
    orderNumber: '202611180005',
    customer: 1,
    status: 'shipped',
    itemsSummary: '格力空调 云佳 1.5匹 ×10（企业采购）',
    amountMinor: 2_699_000,
    trackingNumber: 'JDX017654321098',
    shippingCarrier: '京东物流',
    daysAgo: 5,
  },
  {
    orderNumber: '202611190006',
    customer: 2,
    status: 'returning',
    itemsSummary: '珀莱雅双抗精华 30ml ×2',
    amountMinor: 53_800,
    trackingNumber: '75312345678901',
    shippingCarrier: '中通快递',
    daysAgo: 4,
  },
  {
    orderNumber: '202611230007',
    customer: 3,
    status: 'pending-payment',
    itemsSummary: '三只松鼠坚果礼盒 ×3',
    amountMinor: 38_700,
    daysAgo: 0,
  },
  {
    orderNumber: '202611120008',
    customer: 3,
    status: 'delivered',
    itemsSummary: '小米移动电源 20000mAh ×1',
    amountMinor: 12_900,
    trackingNumber: 'YT8812345678901',
    shippingCarrier: '圆通速递',
    daysAgo: 11,
  },
  {
    orderNumber: '202611050009',
    customer: 4,
    status: 'refunded',
    itemsSummary: '南极人纯棉四件套 1.8m ×1',
    amountMinor: 25_900,
    trackingNumber: '75398765432109',
    shippingCarrier: '中通快递',
    daysAgo: 18,
  },
  {
    orderNumber: '202611210010',
    customer: 4,
    status: 'cancelled',
    itemsSummary: '苏泊尔电压力锅 5L ×1',
    amountMinor: 45_900,
    daysAgo: 2,
  },
  {
    orderNumber: '202611170011',
    customer: 5,
    status: 'shipped',
    itemsSummary: 'Kindle Paperwhite 5 ×1',
    amountMinor: 106_800,
    trackingNumber: 'EE123456789CN',
    shippingCarrier: 'EMS',
    daysAgo: 6,
  },
  {
    orderNumber: '202611200012',
    customer: null,
    status: 'paid',
    itemsSummary: '洁柔抽纸 24包 ×2（游客订单）',
    amountMinor: 11_800,
    daysAgo: 3,
  },
];
