/**
 * The server under load: `apps/server/src/main.ts` in its own process (as `npm start` runs it) on a
 * data dir the test owns, with the settings a hotline behind a trunk needs, and HTTP sessions of
 * its users. It can be stopped and started again on the same data dir, so rows that have no admin
 * API yet can be written with the server's own repositories in between.
 */
import {
  freePort,
  startServer,
  waitForHealth,
  type Running,
} from '../../apps/server/test/support/server-process';

/** Where one server listens and keeps its data; the same for every start on this data dir. */
export interface LoadServerSettings {
  readonly dataDir: string;
  readonly httpPort: number;
  readonly sipPort: number;
  /** First and last port of the server's RTP range. */
  readonly rtpPorts: readonly [number, number];
}

/** Free ports and a private RTP range: 2,000 ports, for 200 callers and 20 agents at once. */
export async function loadServerSettings(dataDir: string): Promise<LoadServerSettings> {
  // A range apart from the default 20000–29999 start of servers of other tests on this machine.
  const block = 20_000 + 2_000 * Math.floor(Math.random() * 5);
  return {
    dataDir,
    httpPort: await freePort(),
    sipPort: await freePort(),
    rtpPorts: [block, block + 1_999],
  };
}

/**
 * Command-line flags of the server. The callers come over the demo shop's loopback trunk, which is
 * never rate-limited (200 callers exceed the 50 messages/s a phone may send). sipp 3.6 answers only
 * the first digest challenge it reads and only MD5: MD5 is offered first. The hotline is open around
 * the clock, so the load takes the path through the queues whatever the hour it runs at.
 */
function flags(s: LoadServerSettings): string[] {
  return [
    '--http-port',
    String(s.httpPort),
    '--sip-port',
    String(s.sipPort),
    '--sip-host',
    '127.0.0.1',
    '--data-dir',
    s.dataDir,
    '--demo-hours',
    'always',
    '--sip-digest-algorithms',
    'MD5,SHA-256',
    '--rtp-port-min',
    String(s.rtpPorts[0]),
    '--rtp-port-max',
    String(s.rtpPorts[1]),
    // Info lines for every call of a 240-call run cost the server time the calls need.
    '--log-level',
    'warn',
  ];
}

/** The base URL of the HTTP API. */
export const baseUrlOf = (s: LoadServerSettings): string => `http://127.0.0.1:${s.httpPort}`;

/** Starts the server and waits until `/health` answers. */
export async function startLoadServer(s: LoadServerSettings): Promise<Running> {
  const server = startServer(flags(s));
  await waitForHealth(baseUrlOf(s), server, 60_000);
  return server;
}

/** SIGTERM, then the exit code (0 after an orderly shutdown). */
export async function stopLoadServer(server: Running): Promise<number | null> {
  if (server.child.exitCode !== null) return server.child.exitCode;
  server.child.kill('SIGTERM');
  return server.exited;
}

/** An answer of the HTTP API. */
export interface ApiAnswer<T> {
  readonly status: number;
  readonly body: T;
}

/** A logged-in user of the HTTP API, by session cookie. */
export class ApiSession {
  private constructor(
    readonly baseUrl: string,
    readonly cookie: string,
    readonly userId: string,
  ) {}

  /** Logs a user of the demo tenant in; fails naming the user when the login is refused. */
  static async logIn(baseUrl: string, username: string, password: string): Promise<ApiSession> {
    const res = await fetch(`${baseUrl}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ tenant: 'demo', username, password }),
    });
    const body = (await res.json()) as { user?: { id: string } };
    const cookie = res.headers.getSetCookie().map((c) => c.split(';')[0]!);
    if (res.status !== 200 || body.user === undefined || cookie.length === 0)
      throw new Error(`login of ${username} refused: ${res.status} ${JSON.stringify(body)}`);
    return new ApiSession(baseUrl, cookie.join('; '), body.user.id);
  }

  get<T>(path: string): Promise<ApiAnswer<T>> {
    return this.send<T>('GET', path);
  }

  post<T>(path: string, body: unknown = {}): Promise<ApiAnswer<T>> {
    return this.send<T>('POST', path, body);
  }

  private async send<T>(method: string, path: string, body?: unknown): Promise<ApiAnswer<T>> {
    const res = await fetch(`${this.baseUrl}${path}`, {
      method,
      headers: {
        cookie: this.cookie,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    return { status: res.status, body: (text === '' ? undefined : JSON.parse(text)) as T };
  }
}
