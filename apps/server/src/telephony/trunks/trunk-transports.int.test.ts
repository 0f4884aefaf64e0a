/**
 * Trunks to carriers over TCP and TLS on the real transports (RFC 3261 §18.1.1, §26.2; RFC 5922 §7):
 * the server opens the connection to the carrier itself and reuses it for every later request.
 * - sipp as a registering carrier over TCP (`-t t1`): REGISTER with digest, OPTIONS and a
 *   challenged INVITE all over the one connection the server opened;
 * - baresip as a carrier over TLS with a certificate made for the test: the certificate is checked
 *   against the trunk's host name and CA and the call is answered; a certificate no trusted CA
 *   signed, or one for another host, fails the attempt at once with 503 and a log line saying why;
 *   `verify: false` accepts any.
 */
import { createSocket } from 'node:dgram';
import { writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import type { Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TenantId } from '@switchboard/kernel';
import { startBaresip, type BaresipPhone } from '../../../test/support/baresip';
import { callControlRig, type CallControlRig } from '../../../test/support/call-control-rig';
import {
  selfSignedCertificate,
  type SelfSignedCertificate,
} from '../../../test/support/self-signed-certificate';
import { freePort } from '../../../test/support/server-process';
import { startSippCarrier, type SippCarrier } from '../../../test/support/sipp-carrier';
import { headerOf } from '../../../test/support/sipp-trace';
import { startSipTestStack, type SipTestStack } from '../../../test/support/sip-test-stack';
import type { LegEnded, LegId } from '../../calls';
import { TenantRepository } from '../../identity/tenant-repository';
import { cryptoRandom, nodeDigestHash } from '../sip-node-ports';
import { systemTimers } from '../sip-timers';
import type { TelephonyTables } from '../telephony-tables';
import type { TrunkInput } from './trunk';
import { TrunkRepository } from './trunk-repository';
import { createTrunks, type Trunks } from './trunks';

const HOTLINE = '4008001234';
const CUSTOMER = '13800138000';
/** Host names of the carriers, as DNS would answer them (all on loopback). */
const HOSTS: Readonly<Record<string, string>> = { localhost: '127.0.0.1', 'carrier.test': '127.0.0.1' };
const CONNECT_TIMEOUT_MS = 3_000;

/** Log lines, awaited by message instead of sleeping. */
class LogTap {
  readonly lines: { msg: string; obj: Record<string, unknown> }[] = [];
  readonly logger = {
    info: (obj: object, msg: string) => void this.lines.push({ msg, obj: obj as Record<string, unknown> }),
    warn: (obj: object, msg: string) => void this.lines.push({ msg, obj: obj as Record<string, unknown> }),
    error: (obj: object, msg: string) => void this.lines.push({ msg, obj: obj as Record<string, unknown> }),
  };

  /** The first line from `since` on with `msg` whose fields include `fields`. */
  async next(msg: string, fields: Record<string, unknown> = {}, since = 0): Promise<Record<string, unknown>> {
    let found: Record<string, unknown> | undefined;
    await expect
      .poll(
        () =>
          (found = this.lines
            .slice(since)
            .find((l) => l.msg === msg && Object.entries(fields).every(([k, v]) => l.obj[k] === v))?.obj),
        { timeout: 15_000, interval: 50 },
      )
      .toBeDefined();
    return found ?? {};
  }
}

const tap = new LogTap();
let serverCert: SelfSignedCertificate;
let stack: SipTestStack;
let rig: CallControlRig;
let trunks: Trunks;
let repository: TrunkRepository;

beforeAll(async () => {
  serverCert = selfSignedCertificate();
  stack = await startSipTestStack({
    // sipp 3.6 answers only the first challenge it reads and handles MD5 best: offer MD5 first.
    sip: { tlsCert: serverCert.certFile, tlsKey: serverCert.keyFile, digestAlgorithms: ['MD5', 'SHA-256'] },
    // A handshake that never completes is given up after this (10 s by default).
    limits: { connectTimeoutMs: CONNECT_TIMEOUT_MS },
    logger: tap.logger,
  });
  const { database, clock, telephony } = stack;
  repository = new TrunkRepository(database.db as Kysely<TelephonyTables>);
  trunks = createTrunks({
    database,
    clock,
    timers: systemTimers,
    random: cryptoRandom,
    hash: nodeDigestHash,
    logger: tap.logger,
    metricsRegistry: stack.metrics,
    numberOwner: () => Promise.resolve(undefined),
    authenticator: telephony.authenticator,
    onAuthFailure: () => undefined,
    lookup: (host) =>
      HOSTS[host] === undefined
        ? Promise.reject(new Error(`${host}: unknown`))
        : Promise.resolve([HOSTS[host]]),
    reloadIntervalMs: 3_600_000,
  });
  rig = callControlRig(stack);
  await trunks.attach({
    sender: rig.control.core.layer,
    local: telephony.local,
    tlsPeers: telephony.tlsPeers,
  });
});

afterAll(async () => {
  await trunks?.stop();
  await stack?.close();
  serverCert?.remove();
});

async function tenant(slug: string): Promise<TenantId> {
  const id = `tenant-${slug}` as TenantId;
  const now = new Date(stack.clock.now()).toISOString();
  await new TenantRepository(stack.database.db).insert({ id, slug, name: slug }, now);
  return id;
}

/** An IP-admitted trunk with a provider over `provider.transport`, calling in the national format. */
function trunkInput(name: string, provider: NonNullable<TrunkInput['provider']>): TrunkInput {
  return {
    name,
    enabled: true,
    admission: 'ip',
    allowedAddresses: ['192.0.2.99'],
    provider,
    registerExpires: 3600,
    outbound: {
      dialFormat: 'national',
      defaultCallerId: HOTLINE,
      allowedCallerIds: [],
      assertIdentity: false,
      privacyForWithheld: true,
    },
    keepaliveSeconds: 0,
  };
}

/** Calls +86 138 0013 8000 through the tenant's trunk. */
async function callOut(tenantId: TenantId, callerId?: string): Promise<LegId> {
  const route = trunks.route(tenantId, '+8613800138000', callerId);
  if (!route.ok) throw new Error(route.error.message);
  const r = await rig.control.execute({
    type: 'Originate',
    request: { targets: [route.value.target], callerId: route.value.callerId, role: 'customer' },
  });
  if (!r.ok || r.value.legId === undefined) throw new Error('Originate refused');
  return r.value.legId;
}

async function ended(legId: LegId): Promise<LegEnded> {
  return rig.event('LegEnded', legId, 15_000);
}

/** A port free on 127.0.0.1 over UDP and TCP whose next port is free over TCP (baresip's TLS). */
async function freePortAndNext(): Promise<number> {
  for (;;) {
    const port = await freePort();
    if (port < 65_000 && (await tcpFree(port + 1)) && (await udpFree(port))) return port;
  }
}

function tcpFree(port: number): Promise<boolean> {
  return new Promise((done) => {
    const probe = createServer();
    probe.once('error', () => done(false));
    probe.listen(port, '127.0.0.1', () => probe.close(() => done(true)));
  });
}

function udpFree(port: number): Promise<boolean> {
  return new Promise((done) => {
    const probe = createSocket('udp4');
    probe.once('error', () => done(false));
    probe.bind(port, '127.0.0.1', () => probe.close(() => done(true)));
  });
}

function firstLine(message: string): string {
  return message.split(/\r?\n/)[0] ?? '';
}

describe('a registering carrier over TCP (sipp, -t t1)', () => {
  const ACCOUNT = '02160001234';
  const SECRET = 'carrier-secret-tcp';
  let carrier: SippCarrier;
  let port: number;
  let trunkId: string;
  let shop: TenantId;

  beforeAll(async () => {
    port = await freePort();
    carrier = startSippCarrier({ port, transport: 'tcp', account: ACCOUNT, secret: SECRET });
    shop = await tenant('tcp');
    const now = new Date(stack.clock.now()).toISOString();
    const trunk = await repository.insert(
      shop,
      'trunk-tcp',
      carrier.trunkInput('tcp carrier', [HOTLINE]),
      now,
    );
    trunkId = trunk.id;
    await trunks.runtime.reload();
  });

  afterAll(() => carrier?.stop());

  const messages = (): string[] => carrier.messages();

  it('registers, pings and calls out over the one connection it opened to the carrier', async () => {
    await tap.next('SIP trunk registered', { trunkId });
    await tap.next('SIP trunk provider up', { trunkId });
    const legId = await callOut(shop, HOTLINE);
    await rig.event('LegAnswered', legId, 15_000);
    await rig.run({ type: 'HangUp', legId });
    expect(await ended(legId)).toMatchObject({ answered: true });
    await expect.poll(() => messages().some((m) => m.startsWith('BYE ')), { timeout: 10_000 }).toBe(true);

    const all = messages();
    const register = all.find((m) => m.startsWith('REGISTER'))!;
    expect(firstLine(register)).toBe(`REGISTER sip:127.0.0.1:${port};transport=tcp SIP/2.0`);
    expect(headerOf(register, 'Contact')).toMatch(
      new RegExp(`^<sip:${ACCOUNT}@127\\.0\\.0\\.1:${stack.ports.tcp};transport=tcp>`),
    );
    const invites = all.filter((m) => m.startsWith('INVITE'));
    expect(invites).toHaveLength(2);
    expect(firstLine(invites[1]!)).toBe(`INVITE sip:${CUSTOMER}@127.0.0.1:${port};transport=tcp SIP/2.0`);
    expect(headerOf(invites[1]!, 'Proxy-Authorization')).toMatch(`username="${ACCOUNT}"`);
    // Every request said TCP in its Via, and all of them shared one connection (RFC 3261 §18.1.1).
    for (const request of all.filter((m) => !m.startsWith('SIP/2.0')))
      expect(headerOf(request, 'Via')).toMatch(
        new RegExp(`^SIP/2\\.0/TCP 127\\.0\\.0\\.1:${stack.ports.tcp};`),
      );
    expect(all.some((m) => m.startsWith('OPTIONS'))).toBe(true);
    expect(await stack.metric('sip_connections', { transport: 'TCP' })).toBe(1);
  });

  it('fails a call at once with 503 when the carrier refuses the connection', async () => {
    const closed = await freePort();
    const down = await tenant('tcp-down');
    const now = new Date(stack.clock.now()).toISOString();
    await repository.insert(
      down,
      'trunk-tcp-down',
      trunkInput('refusing carrier', { host: '127.0.0.1', port: closed, transport: 'tcp' }),
      now,
    );
    await trunks.runtime.reload();
    const since = tap.lines.length;
    const legId = await callOut(down);
    // Timer B would end it with 408 after 32 s; a refused connection is a transport error now.
    expect(await ended(legId)).toMatchObject({ answered: false, sipStatus: 503 });
    await tap.next(
      'SIP connection could not be opened',
      { remote: `127.0.0.1:${closed}`, protocol: 'TCP' },
      since,
    );
  });
});

describe('a carrier over TLS (baresip with a certificate for localhost)', () => {
  let carrierCert: SelfSignedCertificate;
  let carrier: BaresipPhone;
  let tlsPort: number;
  let tenantId: TenantId;
  const TRUNK = 'trunk-tls';
  let base: TrunkInput;

  beforeAll(async () => {
    carrierCert = selfSignedCertificate();
    const pem = join(carrierCert.certFile, '..', 'carrier.pem');
    writeFileSync(pem, Buffer.concat([carrierCert.cert, carrierCert.key]));
    const port = await freePortAndNext();
    tlsPort = port + 1;
    // The carrier's side of the number: baresip answers calls to its account's user.
    carrier = startBaresip({
      user: CUSTOMER,
      password: 'unused',
      serverPort: tlsPort,
      transport: 'tls',
      register: false,
      answerMode: 'auto',
      certificateFile: pem,
      listenPort: port,
      sipTrace: true,
    });
    await carrier.peer.waitFor(/baresip is ready/);
    tenantId = await tenant('tls');
    base = trunkInput('tls carrier', {
      host: 'localhost',
      port: tlsPort,
      transport: 'tls',
      tls: { verify: true, ca: carrierCert.cert.toString() },
    });
    const now = new Date(stack.clock.now()).toISOString();
    await repository.insert(tenantId, TRUNK, { ...base, keepaliveSeconds: 10 }, now);
    await trunks.runtime.reload();
  });

  afterAll(async () => {
    await carrier?.stop();
    carrierCert?.remove();
  });

  /** Replaces the trunk's provider and reloads the runtime. */
  async function provider(settings: NonNullable<TrunkInput['provider']>): Promise<void> {
    const now = new Date(stack.clock.now()).toISOString();
    await repository.update(tenantId, TRUNK, { ...base, provider: settings }, now);
    await trunks.runtime.reload();
  }

  it("calls out over TLS, the certificate checked against the trunk's host name and CA", async () => {
    // The OPTIONS keepalive went over TLS and got an answer (baresip's 404: it is up).
    await tap.next('SIP trunk provider up', { trunkId: TRUNK });
    const legId = await callOut(tenantId);
    await rig.event('LegAnswered', legId, 15_000);
    await carrier.established();
    const trace = carrier.peer.output();
    expect(trace).toMatch(new RegExp(`INVITE sip:${CUSTOMER}@localhost:${tlsPort};transport=tls SIP/2\\.0`));
    expect(trace).toMatch(new RegExp(`Via: SIP/2\\.0/TLS 127\\.0\\.0\\.1:${stack.ports.tls};branch=`));
    expect(trace).toMatch(
      new RegExp(`Contact: <sip:switchboard@127\\.0\\.0\\.1:${stack.ports.tls};transport=tls>`),
    );
    await rig.run({ type: 'HangUp', legId });
    expect(await carrier.ended()).toMatch(/session closed/);
    expect(await ended(legId)).toMatchObject({ answered: true });
    // OPTIONS, INVITE, ACK and BYE: one connection, opened by the server (RFC 3261 §18.1.1).
    expect(await stack.metric('sip_connections', { transport: 'TLS' })).toBe(1);
  });

  it('fails the attempt at once with 503 when no trusted CA signed the certificate', async () => {
    await provider({ host: 'localhost', port: tlsPort, transport: 'tls', tls: { verify: true } });
    const since = tap.lines.length;
    const legId = await callOut(tenantId);
    expect(await ended(legId)).toMatchObject({ answered: false, sipStatus: 503 });
    const line = await tap.next('SIP connection could not be opened', { protocol: 'TLS' }, since);
    expect(line).toMatchObject({
      remote: `127.0.0.1:${tlsPort}`,
      reason: expect.stringMatching(/self.signed/i),
    });
  });

  it('fails when the certificate names another host than the trunk, though it names the address', async () => {
    // carrier.test resolves to 127.0.0.1, which the certificate names: the host name is what counts.
    const ca = carrierCert.cert.toString();
    await provider({ host: 'carrier.test', port: tlsPort, transport: 'tls', tls: { verify: true, ca } });
    const since = tap.lines.length;
    const legId = await callOut(tenantId);
    expect(await ended(legId)).toMatchObject({ answered: false, sipStatus: 503 });
    const line = await tap.next('SIP connection could not be opened', { protocol: 'TLS' }, since);
    expect(line.reason).toMatch(/carrier\.test.*altnames/i);
  });

  it('accepts any certificate when verification is off (labs)', async () => {
    await provider({ host: 'carrier.test', port: tlsPort, transport: 'tls', tls: { verify: false } });
    const legId = await callOut(tenantId);
    await rig.event('LegAnswered', legId, 15_000);
    await rig.run({ type: 'HangUp', legId });
    expect(await ended(legId)).toMatchObject({ answered: true });
  });

  it('gives up on a carrier that accepts the connection but never completes the handshake: 503', async () => {
    // A network fault, not a SIP peer: the TCP connection is accepted and nothing is ever said.
    const silent = createServer(() => undefined);
    await new Promise<void>((done) => silent.listen(0, '127.0.0.1', done));
    const { port } = silent.address() as { port: number };
    try {
      const stalled = await tenant('tls-stalled');
      const now = new Date(stack.clock.now()).toISOString();
      await repository.insert(
        stalled,
        'trunk-tls-stalled',
        trunkInput('stalled carrier', { host: 'localhost', port, transport: 'tls', tls: { verify: true } }),
        now,
      );
      await trunks.runtime.reload();
      const since = tap.lines.length;
      const legId = await callOut(stalled);
      expect(await ended(legId)).toMatchObject({ answered: false, sipStatus: 503 });
      const line = await tap.next('SIP connection could not be opened', { protocol: 'TLS' }, since);
      expect(line).toMatchObject({
        remote: `127.0.0.1:${port}`,
        reason: `not connected within ${CONNECT_TIMEOUT_MS} ms`,
      });
    } finally {
      silent.close();
    }
  });
});
