/**
 * The test server of `test-server.ts` with the contact flow and real-time parts mounted, on a
 * virtual clock (routing timers and statistics snapshots move only when the test says so).
 */
import type { TenantId } from '@switchboard/kernel';
import { VirtualClock } from '@switchboard/testkit';
import { createContactFlow, type ContactFlow } from '../../src/contact-flow/contact-flow';
import { contactCenterRoutes, createRealtime, type Realtime } from '../../src/realtime/realtime';
import { recordingTelephony } from './routing-host-harness';
import { startTestServer, type TestServer, type TestServerCore } from './test-server';

export interface ContactCenterServer extends TestServer {
  readonly clock: VirtualClock;
  readonly flow: ContactFlow;
  readonly realtime: Realtime;
  readonly telephony: ReturnType<typeof recordingTelephony>;
  readonly tenantId: TenantId;
  /** A demo user's id by username. */
  userId(username: string): Promise<string>;
}

interface ContactCenter {
  readonly flow: ContactFlow;
  readonly realtime: Realtime;
  readonly tenantId: TenantId;
}

export async function startContactCenterServer(
  options: { listen?: boolean } = {},
): Promise<ContactCenterServer> {
  const clock = new VirtualClock(Date.parse('2026-11-23T08:00:00Z'));
  const telephony = recordingTelephony();
  let center: ContactCenter | undefined;
  const server = await startTestServer({
    clock,
    listen: options.listen,
    async mount(core: TestServerCore) {
      const { database, identity, ids, logger, demoTenantId } = core;
      const realtime = createRealtime({ database, identity, clock, timers: clock, logger });
      const flow = createContactFlow({
        database,
        identity,
        clock,
        timers: clock,
        ids,
        logger,
        telephony,
        listener: realtime.listener,
      });
      await flow.start();
      center = { flow, realtime, tenantId: demoTenantId! };
      return {
        routes: contactCenterRoutes(flow, realtime),
        async stop() {
          realtime.stop();
          await flow.stop();
        },
      };
    },
  });
  const { flow, realtime, tenantId } = center!;
  return {
    ...server,
    clock,
    flow,
    realtime,
    telephony,
    tenantId,
    async userId(username) {
      const users = await server.identity.users.list(tenantId);
      return users.find((u) => u.username === username)!.id;
    },
  };
}
