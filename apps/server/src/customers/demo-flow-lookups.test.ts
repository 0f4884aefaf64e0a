/**
 * The demo hotline flow of `packages/ivr` answered by this context: caller attributes from the
 * screen pop at call start, and the `order-status` look-up fed back unchanged as the IVR's input.
 * Guards the shapes the two sides agree on (`status`, `vipLevel`, `LookupCompleted`).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TenantId } from '@switchboard/kernel';
import { demoShopFlow, ivrScenario, type IvrInput } from '@switchboard/ivr';
import { startTestServer, type TestServer } from '../../test/support/test-server';
import { TenantRepository } from '../identity/tenant-repository';
import { uuidV7Ids } from '../uuid-v7';
import { createCustomers, type CustomerServices } from './customers';
import { ivrCallerAttributesFor } from './screen-pop';
import { seedDemoCustomers } from './seed-demo-customers';

let server: TestServer;
let services: CustomerServices;
let demo: TenantId;
beforeAll(async () => {
  server = await startTestServer();
  await seedDemoCustomers({ database: server.database, ids: uuidV7Ids(server.clock), clock: server.clock });
  services = createCustomers({ database: server.database });
  demo = (await new TenantRepository(server.database.db).findBySlug('demo'))!.id;
});
afterAll(() => server.close());

/** Starts the demo flow the way the IVR host does: caller attributes from the screen pop. */
async function call(callerNumber: string) {
  const s = ivrScenario([demoShopFlow]);
  const caller = ivrCallerAttributesFor(await services.screenPops.screenPopFor(demo, callerNumber));
  s.start({ flowId: 'demo-shop', caller, calendar: { open: true } });
  s.finishPrompt();
  return s;
}

describe('demo hotline with the CRM', () => {
  it('sends a VIP from the CRM past the menu', async () => {
    const s = await call('sip:13912345678@trunk');
    expect(s.path().at(-1)).toBe('vipRoute');
  });

  it('speaks the status of an order looked up in the demo shop', async () => {
    const s = await call('13800138000');
    expect(s.path().at(-1)).toBe('mainMenu');
    s.press('1');
    s.finishPrompt();
    s.press('202611230007#');
    const [start] = s.effectsOf('StartLookup');
    expect(start).toMatchObject({ kind: 'order-status', params: { orderNumber: '202611230007' } });
    const answer = await services.lookups.lookup(demo, start!);
    s.send(answer as IvrInput);
    expect(s.path().at(-1)).toBe('sayStatus');
    expect(s.effectsOf('PlayPrompt').at(-1)).toMatchObject({ text: '您的订单202611230007状态是待付款。' });
  });

  it('apologizes for an order number the shop does not know', async () => {
    const s = await call('13800138000');
    s.press('1');
    s.finishPrompt();
    s.press('123456#');
    for (let attempt = 0; attempt < 2; attempt++) {
      const start = s.effectsOf('StartLookup').at(-1)!;
      s.send((await services.lookups.lookup(demo, start)) as IvrInput);
    }
    expect(s.path().at(-1)).toBe('orderApology');
  });
});
