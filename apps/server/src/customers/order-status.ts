/**
 * The life of an e-commerce order as customers know it, with the words the IVR speaks and agents
 * read. Codes are stored; labels are for people.
 */
export const ORDER_STATUSES = [
  'pending-payment',
  'paid',
  'shipped',
  'delivered',
  'completed',
  'returning',
  'refunded',
  'cancelled',
] as const;

export type OrderStatus = (typeof ORDER_STATUSES)[number];

/** Chinese (zh-CN interface, IVR prompts) and English labels of each status. */
export const ORDER_STATUS_LABELS: Readonly<
  Record<OrderStatus, { readonly zh: string; readonly en: string }>
> = {
  'pending-payment': { zh: '待付款', en: 'Awaiting payment' },
  paid: { zh: '已付款', en: 'Paid' },
  shipped: { zh: '已发货', en: 'Shipped' },
  delivered: { zh: '已签收', en: 'Delivered' },
  completed: { zh: '已完成', en: 'Completed' },
  returning: { zh: '退货中', en: 'Return in progress' },
  refunded: { zh: '已退款', en: 'Refunded' },
  cancelled: { zh: '已取消', en: 'Cancelled' },
};

/** Narrows a stored string; an unknown code reads as itself rather than failing a screen pop. */
export function isOrderStatus(value: string): value is OrderStatus {
  return (ORDER_STATUSES as readonly string[]).includes(value);
}

/** Labels of a stored status code; unknown codes (written by a newer version) show the code. */
export function orderStatusLabels(code: string): { zh: string; en: string } {
  return isOrderStatus(code) ? ORDER_STATUS_LABELS[code] : { zh: code, en: code };
}
