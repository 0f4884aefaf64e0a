/**
 * The real server process, as `npm start` runs it: configuration errors, start-up, a demo login and
 * an orderly SIGTERM shutdown.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort, startServer, waitForHealth } from '../test/support/server-process';

const dataDirs: string[] = [];
afterAll(() => dataDirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

describe('the server process', () => {
  it('exits non-zero naming every bad setting', async () => {
    const server = startServer(['--http-port', 'abc', '--sip-port', '99999', '--no-such-flag'], {
      LOG_LEVEL: 'loud',
      DATABASE_URL: 'mysql://x',
    });
    expect(await server.exited).toBe(2);
    const message = server.stderr();
    for (const setting of [
      '--http-port / HTTP_PORT',
      '--sip-port / SIP_PORT',
      '--no-such-flag',
      '--log-level / LOG_LEVEL',
      '--database-url / DATABASE_URL',
    ]) {
      expect(message).toContain(setting);
    }
  });

  it('exits 1 when the HTTP port is taken', async () => {
    const taken = createServer();
    await new Promise<void>((r) => taken.listen(0, '127.0.0.1', r));
    const { port } = taken.address() as { port: number };
    const dataDir = mkdtempSync(join(tmpdir(), 'switchboard-main-'));
    dataDirs.push(dataDir);
    try {
      const server = startServer([
        '--http-port',
        String(port),
        '--sip-port',
        String(await freePort()),
        '--data-dir',
        dataDir,
        '--no-demo',
      ]);
      expect(await server.exited).toBe(1);
      expect(server.stdout()).toContain('EADDRINUSE');
    } finally {
      taken.close();
    }
  });

  it('starts with the demo shop, serves a logged-in agent, and stops cleanly on SIGTERM', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'switchboard-main-'));
    dataDirs.push(dataDir);
    const [httpPort, sipPort] = [await freePort(), await freePort()];
    // SIP on every interface, HTTP on loopback: the demo phones' published password must be called out.
    const server = startServer([
      '--http-port',
      String(httpPort),
      '--sip-port',
      String(sipPort),
      '--sip-host',
      '0.0.0.0',
      '--data-dir',
      dataDir,
    ]);
    const base = `http://127.0.0.1:${httpPort}`;
    try {
      await waitForHealth(base, server);
      const login = await fetch(`${base}/api/v1/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ tenant: 'demo', username: 'agent1', password: 'demo-agent' }),
      });
      expect(login.status).toBe(200);
      const cookie = login.headers.get('set-cookie')!.split(';')[0]!;
      const queues = await fetch(`${base}/api/v1/queues`, { headers: { cookie } });
      expect(queues.status).toBe(200);
      expect(((await queues.json()) as { code: string }[]).map((q) => q.code)).toEqual([
        'after-sales',
        'pre-sales',
      ]);
      expect(server.stderr()).toContain('DEMO CREDENTIALS');
    } finally {
      server.child.kill('SIGTERM');
    }
    expect(await server.exited).toBe(0);
    const lines = server
      .stdout()
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { msg: string });
    expect(lines.map((l) => l.msg)).toEqual(expect.arrayContaining(['ready', 'shutting down', 'stopped']));
    expect(lines.map((l) => l.msg)).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^demo SIP phones with the published password are reachable/),
      ]),
    );
    expect(server.stdout()).not.toContain('demo-agent');
  });
});
