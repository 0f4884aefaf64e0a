import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../test/support/test-server';
import { uuidV7Ids } from '../uuid-v7';
import { seedDemoCustomers } from './seed-demo-customers';

let server: TestServer;
let agent: string;
beforeEach(async () => {
  server = await startTestServer();
  await seedDemoCustomers({ database: server.database, ids: uuidV7Ids(server.clock), clock: server.clock });
  agent = await server.login('agent1', 'demo-agent');
});
afterEach(() => server.close());

const get = (url: string, cookie = agent) => server.app.inject({ url, headers: { cookie } });
const lookUp = (phone: string, cookie = agent) =>
  get(`/api/v1/customers/lookup?phone=${encodeURIComponent(phone)}`, cookie);

async function entries(action: string) {
  const rows = await server.database.db
    .selectFrom('audit_log')
    .select(['tenant_id', 'actor', 'target_type', 'target_id', 'details'])
    .where('action', '=', action)
    .orderBy('id')
    .execute();
  return rows.map((r) => ({ ...r, details: r.details === null ? null : JSON.parse(r.details) }));
}

describe('auditing customer look-ups', () => {
  it('records each look-up by phone number with the masked number, the actor and the tenant', async () => {
    const pop = (await lookUp('+86 139 1234 5678')).json();
    await lookUp('010-12345678');
    const [found, stranger] = await entries('customer.looked_up');
    const tenant = (await server.identity.tenants.findBySlug('demo'))!;
    expect(found).toMatchObject({
      tenant_id: tenant.id,
      actor: 'agent1',
      target_type: 'customer',
      target_id: pop.customer.id,
      details: { by: 'phone', phone: '139****5678', caller: 'identified', found: true },
    });
    expect(stranger).toMatchObject({
      target_id: null,
      details: { by: 'phone', phone: expect.stringMatching(/^\d{3}\*{4}5678$/), found: false },
    });
    const everything = JSON.stringify(await server.database.db.selectFrom('audit_log').selectAll().execute());
    expect(everything).not.toMatch(/13912345678|1234 ?5678|12345678/);
  });

  it('records reading a customer by id, found or not', async () => {
    const pop = (await lookUp('18612345678')).json();
    expect((await get(`/api/v1/customers/${pop.customer.id}`)).statusCode).toBe(200);
    expect((await get('/api/v1/customers/no-such-customer')).statusCode).toBe(404);
    const byId = (await entries('customer.looked_up')).filter((e) => e.details.by === 'id');
    expect(byId.map((e) => [e.actor, e.target_id, e.details.found])).toEqual([
      ['agent1', pop.customer.id, true],
      ['agent1', null, false],
    ]);
  });
});

describe('the look-up budget', () => {
  it('allows 60 look-ups by phone a minute per user, then answers 429 with Retry-After until the minute is over', async () => {
    for (let i = 0; i < 60; i++) expect((await lookUp('13912345678')).statusCode).toBe(200);
    server.clock.advance(20_000);
    const refused = await lookUp('13912345678');
    expect(refused.statusCode).toBe(429);
    expect(refused.headers['content-type']).toContain('application/problem+json');
    expect(refused.headers['retry-after']).toBe('40');
    expect(refused.json()).toMatchObject({ code: 'CUSTOMERS.TOO_MANY_LOOKUPS', status: 429 });
    expect((await lookUp('13912345678')).statusCode).toBe(429);
    // Another user keeps their own budget.
    expect((await lookUp('13912345678', await server.login('agent2', 'demo-agent'))).statusCode).toBe(200);
    // Refusals are not look-ups: 60 recorded, and one throttling entry however many refusals.
    expect((await entries('customer.looked_up')).filter((e) => e.actor === 'agent1')).toHaveLength(60);
    expect(await entries('customer.lookups_throttled')).toHaveLength(1);
    server.clock.advance(40_000);
    expect((await lookUp('13912345678')).statusCode).toBe(200);
  });
});
