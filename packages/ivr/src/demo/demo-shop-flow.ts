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
 *
 * every route ─(the agent hangs up first)─▶ survey ─1–5─▶ surveyThanks
 *                                             └─ invalid / no input × 2 ─▶ goodbye
 * ```
 * The satisfaction survey (满意度评价) plays only when the agent ends the conversation while the
 * caller is still on the line; a caller who hangs up first is not asked.
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
      afterCall: 'survey',
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
      afterCall: 'survey',
    },
    afterSales: {
      type: 'route',
      queue: 'after-sales',
      prompt: { tts: '正在为您转接售后服务，请稍候。', language: 'zh', bargeIn: false },
      afterCall: 'survey',
    },
    agent: {
      type: 'route',
      queue: 'pre-sales',
      prompt: { tts: '正在为您转接人工客服，请稍候。', language: 'zh', bargeIn: false },
      afterCall: 'survey',
    },
    goodbye: {
      type: 'hangup',
      prompt: { tts: '感谢您的来电，再见。', language: 'zh' },
      cause: 'normal',
    },
    survey: {
      type: 'survey',
      prompt: {
        tts: '请您对本次服务进行评价，非常满意请按5，满意请按4，一般请按3，不满意请按2，非常不满意请按1。',
        language: 'zh',
      },
      timeoutMs: 5000,
      maxRetries: 1,
      invalidPrompt: { tts: '请按1到5之间的数字。', language: 'zh' },
      noInputPrompt: { tts: '我们没有收到您的按键。', language: 'zh' },
      variable: 'satisfaction',
      next: 'surveyThanks',
      onFailure: 'goodbye',
    },
    surveyThanks: {
      type: 'hangup',
      prompt: { tts: '感谢您的评价，再见。', language: 'zh', bargeIn: false },
      cause: 'normal',
    },
  },
};
