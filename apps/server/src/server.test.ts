import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../test/support/test-server';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

describe('the assembled server', () => {
  it('answers /health once ready', async () => {
    const res = await server.app.inject('/health');
    expect(res.statusCode).toBe(200);
    expect(res.json().status).toBe('ok');
  });

  it('serves the OpenAPI document and the docs page without login', async () => {
    const doc = await server.app.inject('/docs/json');
    expect(doc.statusCode).toBe(200);
    const paths = Object.keys(doc.json().paths);
    expect(paths).toEqual(
      expect.arrayContaining([
        '/api/v1/auth/login',
        '/api/v1/users',
        '/api/v1/queues',
        '/api/v1/entry-points',
        '/health',
      ]),
    );
    expect(doc.json().components.schemas.Problem).toBeDefined();
    const page = await server.app.inject('/docs');
    expect(page.statusCode).toBeLessThan(400);
  });

  it('refuses every API route without credentials, except login', async () => {
    const doc = (await server.app.inject('/docs/json')).json() as {
      paths: Record<string, Record<string, unknown>>;
    };
    const checked: string[] = [];
    for (const [path, methods] of Object.entries(doc.paths)) {
      if (!path.startsWith('/api/') || path === '/api/v1/auth/login') continue;
      for (const method of Object.keys(methods)) {
        const url = path.replace(/\{[^}]+\}/g, 'some-id');
        const res = await server.app.inject({
          method: method.toUpperCase() as 'GET',
          url,
          payload: method === 'get' || method === 'delete' ? undefined : {},
        });
        expect(res.statusCode, `${method} ${path}`).toBe(401);
        expect(res.json().code).toBe('AUTH.UNAUTHENTICATED');
        checked.push(`${method} ${path}`);
      }
    }
    expect(checked.length).toBeGreaterThan(12);
  });

  it('refuses a forged or malformed credential', async () => {
    const forged = await server.app.inject({ url: '/api/v1/me', headers: { cookie: 'sb_session=forged' } });
    expect(forged.statusCode).toBe(401);
    const basic = await server.app.inject({
      url: '/api/v1/me',
      headers: { authorization: 'Basic YWRtaW46ZGVtbw==' },
    });
    expect(basic.statusCode).toBe(401);
  });

  it('exposes Prometheus metrics with the request histogram to loopback clients', async () => {
    await server.app.inject('/health');
    const res = await server.app.inject('/metrics');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('text/plain');
    expect(res.body).toContain('process_cpu_user_seconds_total');
    expect(res.body).toMatch(
      /http_request_duration_seconds_count\{method="GET",route="\/health",status_code="200"\} \d+/,
    );
  });

  it('labels unknown routes as unmatched so URLs cannot explode the metric', async () => {
    await server.app.inject('/no/such/route/123');
    const res = await server.app.inject('/metrics');
    expect(res.body).toContain('route="unmatched"');
    expect(res.body).not.toContain('/no/such/route');
  });

  it('refuses metrics to other hosts when no token is set', async () => {
    const res = await server.app.inject({ url: '/metrics', remoteAddress: '203.0.113.9' });
    expect(res.statusCode).toBe(403);
  });
});

describe('metrics with a token', () => {
  it('requires the bearer token from any address', async () => {
    const withToken = await startTestServer({ metricsToken: 'a-long-metrics-token-0123', seedDemo: false });
    try {
      expect((await withToken.app.inject('/metrics')).statusCode).toBe(403);
      const wrong = await withToken.app.inject({
        url: '/metrics',
        headers: { authorization: 'Bearer nope' },
      });
      expect(wrong.statusCode).toBe(403);
      const right = await withToken.app.inject({
        url: '/metrics',
        remoteAddress: '203.0.113.9',
        headers: { authorization: 'Bearer a-long-metrics-token-0123' },
      });
      expect(right.statusCode).toBe(200);
    } finally {
      await withToken.close();
    }
  });
});

describe('behind a reverse proxy (TRUST_PROXY)', () => {
  const failLogin = (server: TestServer, remoteAddress: string, forwardedFor: string, n: number) =>
    server.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      remoteAddress,
      headers: { 'x-forwarded-for': forwardedFor },
      payload: { tenant: 'demo', username: `nobody${n}`, password: 'wrong-password' },
    });

  it('throttles a client by its own address whatever X-Forwarded-For it writes', async () => {
    const behind = await startTestServer({
      env: { TRUST_PROXY: '10.0.0.0/8' },
      auth: { loginMaxFailuresPerIp: 3, loginMaxFailuresPerUser: 100 },
    });
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 5; i++)
        statuses.push((await failLogin(behind, '203.0.113.9', `198.51.100.${i}`, i)).statusCode);
      expect(statuses).toEqual([401, 401, 401, 429, 429]);
    } finally {
      await behind.close();
    }
  });

  it('throttles by the address a listed proxy forwards, not the proxy', async () => {
    const behind = await startTestServer({
      env: { TRUST_PROXY: '10.0.0.0/8' },
      auth: { loginMaxFailuresPerIp: 3, loginMaxFailuresPerUser: 100 },
    });
    try {
      for (let i = 0; i < 3; i++) await failLogin(behind, '10.0.0.2', `forged, 198.51.100.7`, i);
      expect((await failLogin(behind, '10.0.0.2', '198.51.100.7', 9)).statusCode).toBe(429);
      expect((await failLogin(behind, '10.0.0.2', '198.51.100.8', 10)).statusCode).toBe(401);
    } finally {
      await behind.close();
    }
  });
});
