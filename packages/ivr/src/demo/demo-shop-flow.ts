import type { Flow } from '../flow/flow-types';

/** The demo shop's customer hotline (an entry point of the demo tenant). */
export const DEMO_HOTLINE = '4008001234';

/** Routing priority of VIP callers in the demo (higher is served first; others get 0). */
export const DEMO_VIP_PRIORITY = 10;

/**
 * The demo shop's hotline flow:
 *
 * ```
 * welcome ─▶ checkHours ─closed─▶ afterHours (voicemail)
 *                │open
 *                ▼
 *            checkVip ─vipLevel ≥ 1─▶ vipRoute (pre-sales, priority 10)
 *                │
 *                ▼
 *            mainMenu ─1─▶ askOrder ─▶ lookupOrder ─ok─▶ sayStatus ─▶ afterStatus ─*─▶ mainMenu
 *                │                │ fail       │ fail                      │0 ─▶ afterSales
 *                │                └────────────┴──▶ orderApology ─▶ afterSales   └─ ─▶ goodbye
 *                ├─2─▶ preSales   ├─3─▶ afterSales   ├─0─▶ agent (pre-sales)
 *                └─ invalid / no input × 3 ─▶ agent
 * ```
 */
export const demoShopFlow: Flow = {
  schemaVersion: 1,
  id: 'demo-shop',
  version: 1,
  name: '示例商城客服热线 Demo shop hotline',
  start: 'welcome',
  nodes: {
    welcome: {
      type: 'play',
      prompt: { tts: '欢迎致电示例商城。', language: 'zh', bargeIn: true },
      next: 'checkHours',
    },
    checkHours: {
      type: 'condition',
      branches: [{ when: { calendar: 'closed' }, next: 'afterHours' }],
      default: 'checkVip',
    },
    afterHours: {
      type: 'voicemail',
      prompt: {
        tts: '您好，现在是非工作时间。请在提示音后留言，我们会在上班后尽快与您联系。',
        language: 'zh',
        bargeIn: false,
      },
      mailbox: 'after-hours',
      queue: 'pre-sales',
      maxSeconds: 120,
    },
    checkVip: {
      type: 'condition',
      branches: [{ when: { value: 'caller.vipLevel', op: '>=', operand: 1 }, next: 'vipRoute' }],
      default: 'mainMenu',
    },
    vipRoute: {
      type: 'route',
      queue: 'pre-sales',
      priority: DEMO_VIP_PRIORITY,
      attributes: { vipLevel: '{{caller.vipLevel}}' },
      prompt: { tts: '尊敬的会员，正在为您优先转接专属客服，请稍候。', language: 'zh', bargeIn: false },
    },
    mainMenu: {
      type: 'menu',
      prompt: { tts: '查询订单请按1，售前咨询请按2，售后服务请按3，人工服务请按0。', language: 'zh' },
      choices: { '1': 'askOrder', '2': 'preSales', '3': 'afterSales', '0': 'agent' },
      timeoutMs: 5000,
      maxRetries: 2,
      invalidPrompt: { tts: '您的输入有误。', language: 'zh' },
      noInputPrompt: { tts: '我们没有收到您的按键。', language: 'zh' },
      onFailure: 'agent',
      variable: 'menuChoice',
    },
    askOrder: {
      type: 'collect',
      prompt: { tts: '请输入您的订单号，以井号键结束。', language: 'zh' },
      variable: 'orderNumber',
      minLength: 6,
      maxLength: 20,
      terminator: '#',
      timeoutMs: 8000,
      interDigitTimeoutMs: 4000,
      maxRetries: 2,
      invalidPrompt: { tts: '订单号有误，请重新输入。', language: 'zh' },
      noInputPrompt: { tts: '我们没有收到您的订单号。', language: 'zh' },
      next: 'lookupOrder',
      onFailure: 'orderApology',
    },
    lookupOrder: {
      type: 'lookup',
      kind: 'order-status',
      params: { orderNumber: '{{vars.orderNumber}}', callerNumber: '{{caller.number}}' },
      timeoutMs: 3000,
      retries: 1,
      store: { orderStatus: 'status' },
      next: 'sayStatus',
      onFailure: 'orderApology',
    },
    sayStatus: {
      type: 'play',
      prompt: { tts: '您的订单{{vars.orderNumber}}状态是{{vars.orderStatus}}。', language: 'zh' },
      next: 'afterStatus',
    },
    afterStatus: {
      type: 'menu',
      prompt: { tts: '返回主菜单请按星号键，转售后服务请按0。', language: 'zh' },
      choices: { '*': 'mainMenu', '0': 'afterSales' },
      timeoutMs: 5000,
      maxRetries: 0,
      onFailure: 'goodbye',
    },
    orderApology: {
      type: 'play',
      prompt: { tts: '抱歉，暂时无法查询您的订单。', language: 'zh', bargeIn: false },
      next: 'afterSales',
    },
    preSales: {
      type: 'route',
      queue: 'pre-sales',
      prompt: { tts: '正在为您转接售前咨询，请稍候。', language: 'zh', bargeIn: false },
    },
    afterSales: {
      type: 'route',
      queue: 'after-sales',
      prompt: { tts: '正在为您转接售后服务，请稍候。', language: 'zh', bargeIn: false },
    },
    agent: {
      type: 'route',
      queue: 'pre-sales',
      prompt: { tts: '正在为您转接人工客服，请稍候。', language: 'zh', bargeIn: false },
    },
    goodbye: {
      type: 'hangup',
      prompt: { tts: '感谢您的来电，再见。', language: 'zh' },
      cause: 'normal',
    },
  },
};
