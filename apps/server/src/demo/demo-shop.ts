import type { Role } from '../identity/roles';

/**
 * The demo tenant: a small e-commerce shop with a pre-sales and an after-sales queue behind one
 * hotline. Passwords are fixed and published (README, start-up banner): demo use only.
 */
export const DEMO_SHOP = {
  tenant: { slug: 'demo', name: 'Demo Shop 示例商城' },
  departments: ['客服中心 Customer Service', '售后服务部 After-sales', '物流部 Logistics'],
  users: [
    {
      username: 'admin',
      displayName: '王芳 Wang Fang',
      password: 'demo-admin',
      roles: ['admin'],
      department: 0,
    },
    {
      username: 'supervisor',
      displayName: '陈静 Chen Jing',
      password: 'demo-supervisor',
      roles: ['supervisor'],
      department: 0,
    },
    {
      username: 'agent1',
      displayName: '李娜 Li Na',
      password: 'demo-agent',
      roles: ['agent'],
      department: 0,
    },
    {
      username: 'agent2',
      displayName: '张伟 Zhang Wei',
      password: 'demo-agent',
      roles: ['agent'],
      department: 0,
    },
    {
      username: 'agent3',
      displayName: '刘洋 Liu Yang',
      password: 'demo-agent',
      roles: ['agent'],
      department: 1,
    },
    {
      username: 'agent4',
      displayName: '赵敏 Zhao Min',
      password: 'demo-agent',
      roles: ['agent'],
      department: 1,
    },
    {
      username: 'agent5',
      displayName: '黄磊 Huang Lei',
      password: 'demo-agent',
      roles: ['agent'],
      department: 0,
    },
  ] satisfies readonly DemoUser[],
  skills: [
    { code: 'presales', name: '售前咨询 Pre-sales' },
    { code: 'aftersales', name: '售后服务 After-sales' },
    { code: 'returns', name: '退换货 Returns and exchanges' },
    { code: 'english', name: '英语 English' },
  ],
  queues: [
    { code: 'pre-sales', name: '售前 Pre-sales', requires: [{ skill: 'presales', minLevel: 1 }] },
    { code: 'after-sales', name: '售后 After-sales', requires: [{ skill: 'aftersales', minLevel: 1 }] },
  ],
  /** Skill levels (技能等级) 1–10 per agent. */
  agentSkills: {
    agent1: { presales: 8, english: 5 },
    agent2: { presales: 6 },
    agent3: { aftersales: 8, returns: 6 },
    agent4: { aftersales: 5, returns: 7 },
    agent5: { presales: 4, aftersales: 4 },
  } as Readonly<Record<string, Readonly<Record<string, number>>>>,
  entryPoints: [{ number: '4008001234', name: '客服热线 Customer hotline' }],
  /**
   * A SIP trunk admitting INVITEs from this host, so sipp and phones on loopback reach the hotline
   * without digest; calls from anywhere else must come from a configured trunk or an extension.
   */
  trunk: { name: '本机 Loopback (demo)', allowedAddresses: ['127.0.0.1/32'], defaultCallerId: '4008001234' },
} as const;

interface DemoUser {
  readonly username: string;
  readonly displayName: string;
  readonly password: string;
  readonly roles: readonly Role[];
  /** Index into `departments`. */
  readonly department: number;
}

/** The start-up banner listing the demo logins, with the warning that they are public. */
export function demoCredentialsBanner(baseUrl: string): string {
  const rows = DEMO_SHOP.users.map(
    (u) => `    ${u.username.padEnd(12)} ${u.password.padEnd(16)} ${u.roles.join(', ')}`,
  );
  return [
    '',
    '  ⚠  DEMO CREDENTIALS — published in the README, for trying Switchboard only.',
    '     Change these passwords or start with --no-demo before real use.',
    `  Tenant: ${DEMO_SHOP.tenant.slug} (${DEMO_SHOP.tenant.name})   API: ${baseUrl}   Docs: ${baseUrl}/docs`,
    `    ${'user'.padEnd(12)} ${'password'.padEnd(16)} roles`,
    ...rows,
    `  Hotline (entry point): ${DEMO_SHOP.entryPoints.map((e) => e.number).join(', ')}` +
      `   SIP trunk: ${DEMO_SHOP.trunk.allowedAddresses.join(', ')}`,
    '',
  ].join('\n');
}
