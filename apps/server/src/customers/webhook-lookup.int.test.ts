/**
 * Look-up webhooks against a real HTTP server on 127.0.0.1 that answers well, slowly, with garbage,
 * with errors and with too much; and the look-up service choosing a tenant's webhook over the
 * built-in kinds.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TenantId } from '@switchboard/kernel';
import { ALL_MIGRATIONS } from '../../test/support/test-server';
import { useTestDatabases } from '../../test/support/test-databases';
import { TenantRepository } from '../identity/tenant-repository';
import { migrate } from '../store/database';
import { createCustomers } from './customers';
import { callLookupWebhook } from './webhook-lookup';

type Handler = (req: IncomingMessage, res: ServerResponse, body: string) => void;

const hits = new Map<string, number>();
const bodies: unknown[] = [];
const json = (res: ServerResponse, status: number, value: unknown) => {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(value));
};

const ROUTES: Record<string, Handler> = {
  '/ok': (_req, res, body) => {
    bodies.push(JSON.parse(body));
    json(res, 200, { status: '已发货', trackingNumber: 'SF1' });
  },
  '/slow': (_req, res) => void setTimeout(() => json(res, 200, { status: 'late' }), 10_000).unref(),
  '/garbage': (_req, res) =>
    res.writeHead(200, { 'content-type': 'application/json' }).end('{"status": 已发'),
  '/html': (_req, res) =>
    res.writeHead(200, { 'content-type': 'text/html' }).end('<html>502 Bad Gateway</html>'),
  '/array': (_req, res) => json(res, 200, [{ status: 'x' }]),
  '/error': (_req, res) => json(res, 500, { error: 'boom' }),
  '/not-found': (_req, res) => json(res, 404, { error: 'no such order' }),
  '/redirect': (_req, res) => res.writeHead(302, { location: 'http://127.0.0.1:1/' }).end(),
  '/huge': (_req, res) => json(res, 200, { status: 'x'.repeat(200_000) }),
  '/huge-chunked': (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.write('{"status":"');
    // No content-length: the limit must hold while streaming.
    for (let i = 0; i < 100; i++) res.write('y'.repeat(1_000));
    res.end('"}');
  },
  '/flaky': (_req, res) => {
    const n = (hits.get('/flaky') ?? 0) + 1;
    hits.set('/flaky', n);
    if (n === 1) json(res, 503, {});
    else json(res, 200, { status: '已签收', attempt: n });
  },
};

let server: Server;
let base: string;
beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString('utf8')));
    req.on('end', () => (ROUTES[req.url ?? ''] ?? ((_q, r) => json(r, 404, {})))(req, res, body));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

const hook = (path: string, timeoutMs = 500, retries = 0) => ({
  kind: 'order-status',
  url: `${base}${path}`,
  timeoutMs,
  retries,
});
const call = (path: string, timeoutMs?: number, retries?: number, deadlineMs = 1_500) =>
  callLookupWebhook(
    hook(path, timeoutMs, retries),
    { requestId: 'r1', kind: 'order-status', params: { orderNumber: '1' } },
    {
      deadlineMs,
      maxResponseBytes: 16 * 1024,
    },
  );

describe('callLookupWebhook', () => {
  it('POSTs the request as JSON and returns the JSON object answered', async () => {
    expect(await call('/ok')).toEqual({
      kind: 'answered',
      ok: true,
      httpStatus: 200,
      data: { status: '已发货', trackingNumber: 'SF1' },
    });
    expect(bodies.at(-1)).toEqual({ requestId: 'r1', kind: 'order-status', params: { orderNumber: '1' } });
  });

  it('gives up on a slow server at the attempt timeout, retrying within the deadline', async () => {
    const started = Date.now();
    expect(await call('/slow', 200, 1)).toEqual({ kind: 'failed', reason: 'timeout' });
    // Bounds are loose (a shared, loaded machine) but far below the server's 10 s answer.
    expect(Date.now() - started).toBeLessThan(4_000);
    // The overall deadline wins over a generous attempt timeout.
    const capped = Date.now();
    expect(await call('/slow', 5_000, 3, 300)).toEqual({ kind: 'failed', reason: 'timeout' });
    expect(Date.now() - capped).toBeLessThan(4_000);
  });

  it.each(['/garbage', '/html', '/array'])('treats %s as garbage', async (path) => {
    expect(await call(path)).toEqual({ kind: 'failed', reason: 'invalid-response' });
  });

  it('refuses answers over the size limit, declared or streamed', async () => {
    expect(await call('/huge')).toEqual({ kind: 'failed', reason: 'response-too-large' });
    expect(await call('/huge-chunked')).toEqual({ kind: 'failed', reason: 'response-too-large' });
  });

  it('reports HTTP errors as answered-not-ok, retrying only 5xx', async () => {
    expect(await call('/error', 500, 2)).toEqual({ kind: 'answered', ok: false, httpStatus: 500 });
    expect(await call('/not-found', 500, 2)).toEqual({ kind: 'answered', ok: false, httpStatus: 404 });
    expect(await call('/redirect')).toEqual({ kind: 'answered', ok: false, httpStatus: 302 });
    expect(await call('/flaky', 500, 1)).toMatchObject({ kind: 'answered', ok: true, data: { attempt: 2 } });
  });

  it('fails cleanly on unreachable servers and non-HTTP URLs', async () => {
    const closed = { kind: 'x', url: 'http://127.0.0.1:1/', timeoutMs: 500, retries: 1 };
    expect(await callLookupWebhook(closed, {}, { deadlineMs: 1_000 })).toEqual({
      kind: 'failed',
      reason: 'unreachable',
    });
    for (const url of ['file:///etc/passwd', 'not a url', 'ftp://127.0.0.1/'])
      expect(await callLookupWebhook({ ...closed, url }, {}, { deadlineMs: 100 })).toEqual({
        kind: 'failed',
        reason: 'invalid-url',
      });
  });
});

describe('LookupService with a tenant webhook', () => {
  const databases = useTestDatabases('sqlite');

  async function services() {
    const database = await databases.open();
    await migrate(database, ALL_MIGRATIONS);
    await new TenantRepository(database.db).insert(
      { id: 'tenant-shop' as TenantId, slug: 'shop', name: 'Shop' },
      'now',
    );
    const warnings: object[] = [];
    const built = createCustomers({ database, logger: { warn: (fields) => warnings.push(fields) } });
    return { ...built, warnings, tenant: 'tenant-shop' as TenantId };
  }
  const start = (kind: string, timeoutMs = 1_000) => ({
    requestId: 'req-7',
    kind,
    params: { orderNumber: '202611200003', callerNumber: '+8613912345678' },
    timeoutMs,
  });

  it('answers a kind from the configured webhook, and never throws on a bad one', async () => {
    const s = await services();
    await s.webhooks.save(s.tenant, hook('/ok'), 'now');
    expect(await s.lookups.lookup(s.tenant, start('order-status'))).toEqual({
      type: 'LookupCompleted',
      requestId: 'req-7',
      ok: true,
      data: { status: '已发货', trackingNumber: 'SF1' },
    });
    await s.webhooks.save(s.tenant, hook('/garbage'), 'now');
    expect(await s.lookups.lookup(s.tenant, start('order-status'))).toEqual({
      type: 'LookupFailed',
      requestId: 'req-7',
      reason: 'invalid-response',
    });
    await s.webhooks.save(s.tenant, { ...hook('/error'), kind: 'webhook' }, 'now');
    expect(await s.lookups.lookup(s.tenant, start('webhook'))).toEqual({
      type: 'LookupCompleted',
      requestId: 'req-7',
      ok: false,
      data: { httpStatus: 500 },
    });
    await s.webhooks.save(s.tenant, { ...hook('/ok'), url: 'not a url' }, 'now');
    expect(await s.lookups.lookup(s.tenant, start('order-status'))).toMatchObject({
      type: 'LookupFailed',
      reason: 'invalid-url',
    });
    // Failures are logged without the parameters, which hold the caller's number.
    expect(JSON.stringify(s.warnings)).not.toContain('13912345678');
    expect(s.warnings.length).toBeGreaterThanOrEqual(2);
  });

  it('stops waiting when the IVR cancels the look-up', async () => {
    const s = await services();
    await s.webhooks.save(s.tenant, hook('/slow', 5_000), 'now');
    const pending = s.lookups.lookup(s.tenant, start('order-status', 5_000));
    setTimeout(() => s.lookups.cancel('req-7'), 100);
    const started = Date.now();
    expect(await pending).toEqual({ type: 'LookupFailed', requestId: 'req-7', reason: 'cancelled' });
    expect(Date.now() - started).toBeLessThan(4_000);
  });
});
