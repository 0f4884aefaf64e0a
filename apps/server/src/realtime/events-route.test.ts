import cookie from '@fastify/cookie';
import websocket from '@fastify/websocket';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { ok, rejection, err, type TenantId, type UserId } from '@switchboard/kernel';
import { VirtualClock } from '@switchboard/testkit';
import { registerErrorHandling } from '../http/error-handling';
import { registerAccessControl } from '../identity/access-control';
import { eventsRoute, TOO_MANY_CONNECTIONS } from './events-route';

/** Bearer `user-<name>` logs in as agent `<name>`; anything else is refused. */
function principalFor(secret: string) {
  const name = /^user-(\w+)$/.exec(secret)?.[1];
  if (name === undefined) return err(rejection('AUTH.UNAUTHENTICATED', 'unknown'));
  return ok({
    tenantId: 'tenant-demo' as TenantId,
    tenantSlug: 'demo',
    userId: `id-${name}` as UserId,
    username: name,
    displayName: name,
    roles: ['agent' as const],
    credential: { kind: 'token' as const, id: `token-${name}` },
  });
}

let app: FastifyInstance;
let base: string;
beforeAll(async () => {
  const clock = new VirtualClock(0);
  app = Fastify();
  registerErrorHandling(app);
  await app.register(cookie);
  await app.register(websocket);
  registerAccessControl(app, {
    authenticate: async (credential) => principalFor(credential.secret),
    sessionCookieName: 'sb_session',
  });
  await app.register(eventsRoute, {
    hub: { intervalSeconds: 5, subscribe: () => () => {} },
    clock,
    timers: clock,
    ensureTenant: async () => undefined,
    allowedOrigins: ['https://desk.example.com'],
    maxConnectionsPerUser: 2,
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
  base = `127.0.0.1:${(app.server.address() as { port: number }).port}`;
});
afterAll(() => app.close());

/** Opens a socket; resolves with `open`, the refused upgrade's status, or the close code. */
function connect(user: string, origin?: string) {
  const socket = new WebSocket(`ws://${base}/api/v1/events`, {
    headers: { authorization: `Bearer user-${user}` },
    ...(origin === undefined ? {} : { origin }),
  });
  const outcome = new Promise<string>((resolve) => {
    socket.once('message', () => resolve('open'));
    socket.once('unexpected-response', (_request, response) => resolve(`http ${response.statusCode}`));
    socket.once('close', (code, reason) => resolve(`closed ${code} ${String(reason)}`));
    socket.once('error', () => undefined);
  });
  return { socket, outcome };
}

async function outcomeOf(user: string, origin?: string): Promise<string> {
  const { socket, outcome } = connect(user, origin);
  const result = await outcome;
  socket.terminate();
  return result;
}

describe('the event stream Origin check', () => {
  it("accepts the server's own origin, a configured origin, and clients that send none", async () => {
    // One user each, so that sockets still closing cannot meet the per-user cap.
    expect(await outcomeOf('own', `http://${base}`)).toBe('open');
    expect(await outcomeOf('listed', 'https://desk.example.com')).toBe('open');
    expect(await outcomeOf('script')).toBe('open');
  });

  it('refuses foreign pages before the handshake with 403', async () => {
    for (const origin of [
      'https://evil.example',
      `https://${base}`, // same host, other scheme
      'http://127.0.0.1:1', // same host, other port
      'https://desk.example.com.evil.example',
      'null',
    ])
      expect(await outcomeOf('a', origin), origin).toBe('http 403');
  });
});

describe('the per-user connection cap', () => {
  it('closes a connection beyond the cap with a clear code, per user, and frees a place on close', async () => {
    const first = connect('capped');
    const second = connect('capped');
    expect(await first.outcome).toBe('open');
    expect(await second.outcome).toBe('open');
    expect(await outcomeOf('capped')).toBe(`closed ${TOO_MANY_CONNECTIONS} at most 2 connections per user`);
    expect(await outcomeOf('other')).toBe('open');
    const closed = new Promise((resolve) => first.socket.once('close', resolve));
    first.socket.close();
    await closed;
    // The server sees the close a moment after the client does.
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(await outcomeOf('capped')).toBe('open');
    second.socket.close();
  });
});
