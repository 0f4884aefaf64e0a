import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addTenantWithAdmin, startTestServer, type TestServer } from '../../test/support/test-server';
import { uuidV7Ids } from '../uuid-v7';
import { seedDemoCustomers } from './seed-demo-customers';

let server: TestServer;
let agent: string;
let boss: string;
beforeAll(async () => {
  server = await startTestServer();
  await seedDemoCustomers({ database: server.database, ids: uuidV7Ids(server.clock), clock: server.clock });
  agent = await server.login('agent1', 'demo-agent');
  await addTenantWithAdmin(server, 'acme', 'boss', 'acme-boss-pass');
  boss = await server.login('boss', 'acme-boss-pass', 'acme');
});
afterAll(() => server.close());

const get = (url: string, cookie?: string) =>
  server.app.inject({ url, ...(cookie ? { headers: { cookie } } : {}) });

describe('customers API', () => {
  it('pops the screen for a phone number in any form', async () => {
    const res = await get(`/api/v1/customers/lookup?phone=${encodeURIComponent('+86 139 1234 5678')}`, agent);
    expect(res.statusCode).toBe(200);
    const pop = res.json();
    expect(pop.caller).toEqual({
      status: 'identified',
      e164: '+8613912345678',
      masked: '139****5678',
      region: { country: 'CN', province: '江苏', city: '常州', carrier: '中国移动', label: '江苏省常州市' },
    });
    expect(pop.customer).toMatchObject({ name: '张丽华', vipLevel: 3, tags: ['电视购物老客户', '高价值'] });
    expect(pop.recentOrders.map((o: { status: string }) => o.status)).toEqual([
      'paid',
      'shipped',
      'delivered',
      'completed',
    ]);
    expect(pop.recentOrders[1].statusLabel).toEqual({ zh: '已发货', en: 'Shipped' });
    expect(pop.openTickets).toEqual([]);
  });

  it('pops a region without customer for an unknown landline', async () => {
    const pop = (await get('/api/v1/customers/lookup?phone=010-12345678', agent)).json();
    expect(pop.customer).toBeUndefined();
    expect(pop.caller.region).toMatchObject({ province: '北京', city: '北京' });
  });

  it('refuses garbage and withheld numbers with coded problems', async () => {
    const garbage = await get('/api/v1/customers/lookup?phone=12345', agent);
    expect(garbage.statusCode).toBe(422);
    expect(garbage.headers['content-type']).toContain('application/problem+json');
    expect(garbage.json().code).toBe('CUSTOMERS.CALLER_NUMBER_INVALID');
    const hidden = await get('/api/v1/customers/lookup?phone=anonymous', agent);
    expect(hidden.json().code).toBe('CUSTOMERS.CALLER_ANONYMOUS');
    expect((await get('/api/v1/customers/lookup', agent)).statusCode).toBe(400);
  });

  it('shows a customer with phone numbers and recent orders, and an order by number', async () => {
    const pop = (await get('/api/v1/customers/lookup?phone=18612345678', agent)).json();
    const res = await get(`/api/v1/customers/${pop.customer.id}`, agent);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({
      name: '王建国',
      vipLevel: 2,
      phoneNumbers: [
        { e164: '+8618612345678', masked: '186****5678', label: 'mobile' },
        { e164: '+862087654321', masked: '020****4321', label: 'work' },
      ],
      recentOrders: [{ orderNumber: '202611180005', status: 'shipped', shippingCarrier: '京东物流' }],
    });
    const order = await get('/api/v1/orders/202611190006', agent);
    expect(order.json()).toMatchObject({
      orderNumber: '202611190006',
      status: 'returning',
      statusLabel: { zh: '退货中', en: 'Return in progress' },
      amountMinor: 53_800,
      currency: 'CNY',
    });
    const supervisor = await server.login('supervisor', 'demo-supervisor');
    expect((await get('/api/v1/orders/202611190006', supervisor)).statusCode).toBe(200);
  });

  it("answers other tenants' customers and orders with 404, like missing ones", async () => {
    const pop = (await get('/api/v1/customers/lookup?phone=13912345678', agent)).json();
    const foreign = await get(`/api/v1/customers/${pop.customer.id}`, boss);
    expect(foreign.statusCode).toBe(404);
    expect(foreign.json().code).toBe('CUSTOMERS.CUSTOMER_NOT_FOUND');
    expect((await get('/api/v1/customers/no-such-id', agent)).statusCode).toBe(404);
    expect((await get('/api/v1/orders/202611190006', boss)).json().code).toBe('CUSTOMERS.ORDER_NOT_FOUND');
    expect((await get('/api/v1/orders/000000000000', agent)).statusCode).toBe(404);
    // The same number in another tenant is a stranger there.
    expect((await get('/api/v1/customers/lookup?phone=13912345678', boss)).json().customer).toBeUndefined();
  });

  it('needs a login, and one of the contact-center roles', async () => {
    for (const url of [
      '/api/v1/customers/lookup?phone=13912345678',
      '/api/v1/customers/x',
      '/api/v1/orders/1',
    ])
      expect((await get(url)).statusCode).toBe(401);
    const admin = await server.login('admin', 'demo-admin');
    const created = await server.app.inject({
      method: 'POST',
      url: '/api/v1/users',
      headers: { cookie: admin },
      payload: { username: 'logistics', displayName: '物流', password: 'logistics-pass', roles: ['staff'] },
    });
    expect(created.statusCode).toBe(201);
    const staff = await server.login('logistics', 'logistics-pass');
    expect((await get('/api/v1/orders/202611190006', staff)).statusCode).toBe(403);
  });
});
