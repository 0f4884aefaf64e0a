import { createRequire } from 'node:module';
import websocket from '@fastify/websocket';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import {
  selectSipSubprotocol,
  sipWebSocketRoutes,
  type SipWebSocketRouteOptions,
} from './sip-websocket-route';
import type { WebSocketTransport } from './websocket-transport';

interface WsClient {
  on(event: 'open', fn: () => void): void;
  on(event: 'unexpected-response', fn: (req: unknown, res: { statusCode: number }) => void): void;
  close(): void;
}
type WsOptions = { origin?: string; headers?: Record<string, string> };
const WebSocket = createRequire(import.meta.url)('ws') as new (
  url: string,
  protocols: string[],
  options?: WsOptions,
) => WsClient;

let app: FastifyInstance | undefined;
afterEach(() => app?.close());

/** The route over a transport that records whom it accepted; `trustProxy` as Fastify is set up. */
async function serve(
  options: Omit<SipWebSocketRouteOptions, 'transport'>,
  fastifyTrustProxy: boolean | string[] = false,
): Promise<{ url: string; accepted: { address: string }[] }> {
  const accepted: { address: string }[] = [];
  const transport = { accept: (_s: unknown, remote: { address: string }) => accepted.push(remote) };
  app = Fastify({ trustProxy: fastifyTrustProxy });
  await app.register(websocket, { options: { handleProtocols: selectSipSubprotocol } });
  await app.register(sipWebSocketRoutes, {
    transport: transport as unknown as WebSocketTransport,
    ...options,
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const { port } = app.server.address() as { port: number };
  return { url: `ws://127.0.0.1:${port}/sip`, accepted };
}

/** Opens a handshake; resolves 101 when upgraded, else the refusing status. */
function handshake(url: string, options: WsOptions = {}): Promise<number> {
  const ws = new WebSocket(url, ['sip'], options);
  return new Promise((resolve) => {
    ws.on('open', () => {
      ws.close();
      resolve(101);
    });
    ws.on('unexpected-response', (_q, res) => resolve(res.statusCode));
  });
}

describe('SIP over WebSocket handshake', () => {
  it("admits the server's own pages, listed origins and clients without Origin; refuses others", async () => {
    const { url } = await serve({ allowedOrigins: ['https://desk.example.com'] });
    expect(await handshake(url)).toBe(101);
    expect(await handshake(url, { origin: url.replace('ws:', 'http:').replace('/sip', '') })).toBe(101);
    expect(await handshake(url, { origin: 'https://desk.example.com' })).toBe(101);
    expect(await handshake(url, { origin: 'https://evil.example' })).toBe(403);
    expect(await handshake(url, { origin: 'null' })).toBe(403);
  });

  it('keys the client by its socket address when the peer is not a trusted proxy', async () => {
    // Even with an HTTP layer that believes every X-Forwarded-For, the route does not.
    const { url, accepted } = await serve({ trustProxy: ['10.0.0.0/8'] }, true);
    expect(await handshake(url, { headers: { 'x-forwarded-for': '203.0.113.66' } })).toBe(101);
    expect(accepted).toEqual([expect.objectContaining({ address: '127.0.0.1' })]);
  });

  it('takes the forwarded client address from a trusted proxy', async () => {
    const { url, accepted } = await serve({ trustProxy: ['127.0.0.1'] }, ['127.0.0.1']);
    expect(await handshake(url, { headers: { 'x-forwarded-for': '198.51.100.1, 203.0.113.66' } })).toBe(101);
    expect(accepted).toEqual([expect.objectContaining({ address: '203.0.113.66' })]);
  });
});
