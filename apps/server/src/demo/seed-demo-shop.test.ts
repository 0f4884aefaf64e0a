import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, testHasher, type TestServer } from '../../test/support/test-server';
import { uuidV7Ids } from '../uuid-v7';
import { DEMO_SHOP, demoCredentialsBanner } from './demo-shop';
import { seedDemoShop } from './seed-demo-shop';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ seedDemo: false });
});
afterAll(() => server.close());

const TABLES = [
  'tenants',
  'departments',
  'users',
  'user_roles',
  'skills',
  'queues',
  'queue_skills',
  'agent_skills',
  'entry_points',
] as const;

async function counts(): Promise<Record<string, number>> {
  const result: Record<string, number> = {};
  for (const table of TABLES) {
    const row = await server.database.db
      .selectFrom(table)
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    result[table] = Number(row.n);
  }
  return result;
}

const seed = () =>
  seedDemoShop({
    database: server.database,
    hasher: testHasher,
    ids: uuidV7Ids(server.clock),
    clock: server.clock,
  });

describe('seedDemoShop', () => {
  it('creates the shop on first run: 7 users, 3 departments, 2 queues, 4 skills, the hotline', async () => {
    const outcome = await seed();
    expect(outcome.created).toBe(true);
    expect(await counts()).toEqual({
      tenants: 1,
      departments: 3,
      users: 7,
      user_roles: 7,
      skills: 4,
      queues: 2,
      queue_skills: 2,
      agent_skills: 9,
      entry_points: 1,
    });
  });

  it('changes nothing when run again, and keeps a password an admin changed', async () => {
    const cookie = await server.login('admin', 'demo-admin');
    const users = (await server.app.inject({ url: '/api/v1/users', headers: { cookie } })).json() as {
      id: string;
      username: string;
    }[];
    const agent1 = users.find((u) => u.username === 'agent1')!;
    await server.app.inject({
      method: 'PATCH',
      url: `/api/v1/users/${agent1.id}`,
      headers: { cookie },
      payload: { password: 'changed-by-admin' },
    });
    const before = await counts();
    const outcome = await seed();
    expect(outcome.created).toBe(false);
    expect(await counts()).toEqual(before);
    await server.login('agent1', 'changed-by-admin');
  });

  it('serves the queues to every role and the hotline to supervisors', async () => {
    const agent = await server.login('agent2', 'demo-agent');
    const queues = (await server.app.inject({ url: '/api/v1/queues', headers: { cookie: agent } })).json();
    expect(queues).toEqual([
      expect.objectContaining({
        code: 'after-sales',
        name: '售后 After-sales',
        requiredSkills: [expect.objectContaining({ code: 'aftersales', minLevel: 1 })],
      }),
      expect.objectContaining({
        code: 'pre-sales',
        name: '售前 Pre-sales',
        requiredSkills: [expect.objectContaining({ code: 'presales' })],
      }),
    ]);
    expect(
      (await server.app.inject({ url: '/api/v1/entry-points', headers: { cookie: agent } })).statusCode,
    ).toBe(403);
    const supervisor = await server.login('supervisor', 'demo-supervisor');
    const entryPoints = (
      await server.app.inject({ url: '/api/v1/entry-points', headers: { cookie: supervisor } })
    ).json();
    expect(entryPoints).toEqual([expect.objectContaining({ number: '4008001234', flowId: null })]);
    const skills = (
      await server.app.inject({ url: '/api/v1/skills', headers: { cookie: supervisor } })
    ).json() as { code: string }[];
    expect(skills.map((s) => s.code)).toEqual(['aftersales', 'english', 'presales', 'returns']);
  });

  it('prints every demo login with a warning', () => {
    const banner = demoCredentialsBanner('http://127.0.0.1:8080');
    expect(banner).toContain('DEMO CREDENTIALS');
    for (const u of DEMO_SHOP.users) expect(banner).toMatch(new RegExp(`${u.username}\\s+${u.password}`));
  });
});
