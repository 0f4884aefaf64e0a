/**
 * The contact center as users run it, for end-to-end tests: `apps/server/src/main.ts` in its own
 * process with its own data dir and free ports, the demo shop seeded, and what a test needs to
 * watch it from outside: the event log (read-only, the server owns the file), logins to the HTTP
 * API, and bounded waits on both.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readEventLog, type LoggedEvent } from '../support/event-log';
import { freePort, startServer, waitForHealth, type Running } from '../support/server-process';
import { pollUntil } from '../support/poll-until';

export type { LoggedEvent };

/** A logged-in user of the HTTP API (session cookie). */
export interface ApiSession {
  readonly userId: string;
  /** The `sb_session=…` cookie, for clients other than fetch (the event stream's WebSocket). */
  readonly cookie: string;
  get<T = unknown>(path: string): Promise<ApiAnswer<T>>;
  post<T = unknown>(path: string, body?: unknown): Promise<ApiAnswer<T>>;
  put<T = unknown>(path: string, body: unknown): Promise<ApiAnswer<T>>;
  /** A binary body (recordings). */
  bytes(path: string): Promise<{ readonly status: number; readonly type: string; readonly body: Uint8Array }>;
}

export interface ApiAnswer<T> {
  readonly status: number;
  readonly body: T;
}

export interface LiveCenter {
  readonly server: Running;
  readonly baseUrl: string;
  readonly sipPort: number;
  readonly dataDir: string;
  /** The whole event log, in order. */
  events(): LoggedEvent[];
  /** Waits until an event matches; fails naming `what` and listing the log's types. */
  waitForEvent(what: string, match: (e: LoggedEvent) => boolean, timeoutMs?: number): Promise<LoggedEvent>;
  /** The contact id of the call whose SIP Call-ID is `callId`, once the call has arrived. */
  contactOf(callId: string, timeoutMs?: number): Promise<string>;
  /** Waits for an event of `type` on a contact's stream. */
  waitForContactEvent(
    contactId: string,
    type: string,
    match?: (data: Readonly<Record<string, unknown>>) => boolean,
    timeoutMs?: number,
  ): Promise<LoggedEvent>;
  /** The types on a contact's stream, in order. */
  contactTimeline(contactId: string): string[];
  /** A demo queue's id by its code (`pre-sales`), as the API lists it. */
  queueId(code: string): Promise<string>;
  /** Logs a demo user in to the demo tenant. */
  logIn(username: string, password: string): Promise<ApiSession>;
  /** SIGTERM, then the exit code; removes the data dir. */
  stop(): Promise<number | null>;
}

/** How the live center is started. */
export interface LiveCenterOptions {
  /**
   * The demo hotline's hours (`--demo-hours`): `always` open (default) or `closed`, when every
   * caller is after hours and the demo flow takes a voicemail.
   */
  readonly hours?: 'always' | 'closed';
}

/** Starts the server on loopback with the demo shop and waits for `/health`. */
export async function startLiveCenter(options: LiveCenterOptions = {}): Promise<LiveCenter> {
  const dataDir = mkdtempSync(join(tmpdir(), 'switchboard-e2e-'));
  const httpPort = await freePort();
  const sipPort = await freePort();
  const server = startServer([
    '--http-port',
    String(httpPort),
    '--sip-port',
    String(sipPort),
    '--sip-host',
    '127.0.0.1',
    '--data-dir',
    dataDir,
    '--demo',
    // The demo hotline takes voicemail after 21:00 Shanghai time; these tests run at any hour.
    '--demo-hours',
    options.hours ?? 'always',
    // libre 1.x (baresip 1.0, the agents' phones here) gives up on any SHA-256 challenge.
    '--sip-digest-algorithms',
    'MD5',
  ]);
  const baseUrl = `http://127.0.0.1:${httpPort}`;
  try {
    await waitForHealth(baseUrl, server);
  } catch (error) {
    server.child.kill('SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
    throw error;
  }
  const events = (): LoggedEvent[] => readEventLog(join(dataDir, 'switchboard.db'));
  const waitForEvent = async (
    what: string,
    match: (e: LoggedEvent) => boolean,
    timeoutMs = 20_000,
  ): Promise<LoggedEvent> => {
    return pollUntil(() => events().find(match), {
      timeoutMs,
      what,
      every: 100,
      detail: () =>
        `log: ${events()
          .map((e) => e.type)
          .join(', ')}`,
    });
  };
  return {
    server,
    baseUrl,
    sipPort,
    dataDir,
    events,
    waitForEvent,
    async contactOf(callId, timeoutMs) {
      const arrived = await waitForEvent(
        `CallArrived for ${callId}`,
        (e) => e.type === 'CallArrived' && e.data.callId === callId,
        timeoutMs,
      );
      return String(arrived.data.contactId);
    },
    waitForContactEvent(contactId, type, match = () => true, timeoutMs) {
      return waitForEvent(
        `${type} of contact ${contactId}`,
        (e) => e.streamId === `contact-${contactId}` && e.type === type && match(e.data),
        timeoutMs,
      );
    },
    contactTimeline: (contactId) =>
      events()
        .filter((e) => e.streamId === `contact-${contactId}`)
        .map((e) => e.type),
    logIn: (username, password) => logIn(baseUrl, username, password),
    async queueId(code) {
      const supervisor = await logIn(baseUrl, 'supervisor', 'demo-supervisor');
      const queues = await supervisor.get<{ id: string; code: string }[]>('/api/v1/queues');
      const queue = queues.body.find((q) => q.code === code);
      if (queue === undefined) throw new Error(`no queue ${code}: ${JSON.stringify(queues.body)}`);
      return queue.id;
    },
    async stop() {
      server.child.kill('SIGTERM');
      const code = await server.exited;
      rmSync(dataDir, { recursive: true, force: true });
      return code;
    },
  };
}

async function logIn(baseUrl: string, username: string, password: string): Promise<ApiSession> {
  const res = await fetch(`${baseUrl}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ tenant: 'demo', username, password }),
  });
  if (res.status !== 200) throw new Error(`login of ${username}: ${res.status} ${await res.text()}`);
  const cookie = res.headers
    .getSetCookie()
    .map((c) => c.split(';')[0]!)
    .find((c) => c.startsWith('sb_session='));
  if (cookie === undefined) throw new Error(`login of ${username}: no session cookie`);
  const { user } = (await res.json()) as { user: { id: string } };
  const call = async <T>(method: string, path: string, body?: unknown): Promise<ApiAnswer<T>> => {
    const answer = await fetch(`${baseUrl}${path}`, {
      method,
      headers: { cookie, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await answer.text();
    return { status: answer.status, body: (text === '' ? undefined : JSON.parse(text)) as T };
  };
  return {
    userId: user.id,
    cookie,
    get: (path) => call('GET', path),
    post: (path, body) => call('POST', path, body ?? {}),
    put: (path, body) => call('PUT', path, body),
    async bytes(path) {
      const answer = await fetch(`${baseUrl}${path}`, { headers: { cookie } });
      return {
        status: answer.status,
        type: answer.headers.get('content-type') ?? '',
        body: new Uint8Array(await answer.arrayBuffer()),
      };
    },
  };
}
