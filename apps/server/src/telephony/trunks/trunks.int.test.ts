/**
 * Trunks and INVITE admission on the real SIP transports, against sipp on loopback (Linux routes all
 * of 127/8 to lo, so `-i 127.0.0.x` gives sipp a source address of its own):
 * - the demo shop's loopback trunk (127.0.0.1/32) reaches the hotline, other sources are challenged,
 *   extensions get in with digest, wrong credentials are refused and banned, tenants stay apart;
 * - sipp as a carrier: challenges our REGISTER, answers OPTIONS, challenges our outbound INVITE with
 *   407 and checks the caller ID it receives.
 */
import { createHash } from 'node:crypto';
import type { Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TenantId } from '@switchboard/kernel';
import { freeUdpPort, runSipp } from '../../../test/support/sipp';
import { startSippCarrier, type SippCarrier } from '../../../test/support/sipp-carrier';
import { headerOf } from '../../../test/support/sipp-trace';
import {
  DEMO_SIP_PASSWORD,
  startSipTestStack,
  type SipTestStack,
} from '../../../test/support/sip-test-stack';
import { InMemoryMedia, type CallControl, type CallEvent } from '../../calls';
import { TenantRepository } from '../../identity/tenant-repository';
import { RoutingConfigRepository } from '../../routing-config/routing-config-repository';
import { uuidV7Ids } from '../../uuid-v7';
import { attachCallControl } from '../attach-call-control';
import { cryptoRandom, nodeDigestHash } from '../sip-node-ports';
import { systemTimers } from '../sip-timers';
import type { TelephonyTables } from '../telephony-tables';
import { seedDemoTrunk } from './demo-trunk';
import { TrunkRepository } from './trunk-repository';
import { createTrunks, type Trunks } from './trunks';
import { pollUntil } from '../../../test/support/poll-until';

const HOTLINE = '4008001234';
const ACME: TenantId = 'tenant-acme' as TenantId;
const ACME_HOTLINE = '4009990000';

/** Log lines of the trunks part, awaited by message instead of sleeping. */
class LogTap {
  readonly lines: { msg: string; obj: object }[] = [];
  private readonly waiters = new Set<() => void>();
  readonly logger = {
    info: (obj: object, msg: string) => this.add(obj, msg),
    warn: (obj: object, msg: string) => this.add(obj, msg),
    error: (obj: object, msg: string) => this.add(obj, msg),
  };

  waitFor(msg: string, timeoutMs = 10_000): Promise<object> {
    return new Promise((done, fail) => {
      const timer = setTimeout(() => fail(new Error(`no "${msg}" log line in ${timeoutMs} ms`)), timeoutMs);
      const check = (): void => {
        const found = this.lines.find((l) => l.msg === msg);
        if (found === undefined) return;
        clearTimeout(timer);
        this.waiters.delete(check);
        done(found.obj);
      };
      this.waiters.add(check);
      check();
    });
  }

  private add(obj: object, msg: string): void {
    this.lines.push({ msg, obj });
    for (const w of [...this.waiters]) w();
  }
}

let stack: SipTestStack;
let trunks: Trunks;
let control: CallControl;
let shop: TenantId;
const tap = new LogTap();
const events: CallEvent[] = [];

beforeAll(async () => {
  // sipp 3.6 answers only the first challenge it reads and handles MD5 best: offer MD5 first.
  stack = await startSipTestStack({ sip: { digestAlgorithms: ['MD5', 'SHA-256'], banAfterAuthFailures: 3 } });
  const { database, telephony, clock } = stack;
  const ids = uuidV7Ids(clock);
  const now = new Date(clock.now()).toISOString();
  await seedDemoTrunk({ database, ids, clock });
  await new TenantRepository(database.db).insert({ id: ACME, slug: 'acme', name: 'Acme' }, now);
  const entryPoints = new RoutingConfigRepository(database.db);
  await entryPoints.insertEntryPoint(
    ACME,
    { id: 'ep-acme', number: ACME_HOTLINE, name: 'Acme', flowId: null },
    now,
  );
  shop = (await entryPoints.findEntryPointByNumber(HOTLINE))!.tenantId;
  trunks = createTrunks({
    database,
    clock,
    timers: systemTimers,
    random: cryptoRandom,
    hash: nodeDigestHash,
    logger: tap.logger,
    metricsRegistry: stack.metrics,
    numberOwner: async (dialed) => (await entryPoints.findEntryPointByNumber(dialed))?.tenantId,
    authenticator: telephony.authenticator,
    onAuthFailure: (address) => telephony.protection.recordAuthFailure(address),
    reloadIntervalMs: 3_600_000,
  });
  control = attachCallControl(telephony, {
    media: new InMemoryMedia({ address: '127.0.0.1' }),
    // Whatever the gate admits is answered: admission is what these tests are about.
    inbound: { offer: () => ({ action: 'answer' }) },
    ids,
    clock,
    timers: systemTimers,
    admission: trunks,
  });
  control.onEvent((e) => events.push(e));
  await trunks.attach({ sender: control.core.layer, local: telephony.local });
});

afterAll(async () => {
  await trunks?.stop();
  await stack?.close();
});

const udp = (): number => stack.ports.udp;

/**
 * sipp's digest answer for `user`. Its `uri` defaults to `sip:<remote>`, but the server checks that
 * it names the Request-URI (RFC 2617 §3.2.2.5) as phones send it; `-auth_uri` is what follows `sip:`.
 */
function credentials(user: string, password: string, dialed: string, port: number): string[] {
  return ['-au', user, '-ap', password, '-auth_uri', `${dialed}@127.0.0.1:${port}`];
}
const admissions = (outcome: string): Promise<number> =>
  stack.metric('sip_invite_admissions_total', { outcome });

describe('admission of calls to the hotline', () => {
  it('answers a call from the allow-listed loopback trunk', async () => {
    const before = await admissions('admitted_trunk');
    const r = await runSipp({
      scenario: 'invite-answer-bye.xml',
      port: udp(),
      transport: 'udp',
      args: ['-s', HOTLINE],
    });
    expect(r.exitCode, r.output).toBe(0);
    expect(r.successful).toBe(1);
    expect(await admissions('admitted_trunk')).toBe(before + 1);
  });

  it('challenges the same INVITE from another loopback address with 407', async () => {
    const answered = events.filter((e) => e.type === 'LegOffered').length;
    const r = await runSipp({
      scenario: 'trunk-invite-challenged.xml',
      port: udp(),
      transport: 'udp',
      args: ['-s', HOTLINE, '-i', '127.0.0.2'],
    });
    expect(r.exitCode, r.output).toBe(0);
    // Refused before call control: no leg was ever offered.
    expect(events.filter((e) => e.type === 'LegOffered').length).toBe(answered);
  });

  it.each(['udp', 'tcp'] as const)('admits an extension answering the challenge (%s)', async (transport) => {
    const before = await admissions('admitted_extension');
    const port = transport === 'udp' ? udp() : stack.ports.tcp;
    const r = await runSipp({
      scenario: 'trunk-invite-auth.xml',
      port,
      transport,
      args: ['-s', HOTLINE, '-i', '127.0.0.2', ...credentials('1001', DEMO_SIP_PASSWORD, HOTLINE, port)],
    });
    expect(r.exitCode, r.output).toBe(0);
    expect(r.successful).toBe(1);
    expect(await admissions('admitted_extension')).toBe(before + 1);
  });

  it("refuses an extension dialling another tenant's number with 404", async () => {
    const r = await runSipp({
      scenario: 'trunk-invite-auth-not-found.xml',
      port: udp(),
      transport: 'udp',
      args: [
        '-s',
        ACME_HOTLINE,
        '-i',
        '127.0.0.2',
        ...credentials('1001', DEMO_SIP_PASSWORD, ACME_HOTLINE, udp()),
      ],
    });
    expect(r.exitCode, r.output).toBe(0);
  });

  it("refuses a trunk's call to another tenant's number with 404, like an unknown number", async () => {
    for (const number of [ACME_HOTLINE, '4000000000']) {
      const r = await runSipp({
        scenario: 'trunk-invite-not-found.xml',
        port: udp(),
        transport: 'udp',
        args: ['-s', number],
      });
      expect(r.exitCode, r.output).toBe(0);
    }
    expect(tap.lines.filter((l) => l.msg === 'INVITE refused').map((l) => l.obj)).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ reason: 'trunk-number-unknown', dialed: ACME_HOTLINE }),
      ]),
    );
  });

  it('answers a wrong password and an unknown user with 403, and bans the source after three', async () => {
    const bansBefore = await stack.metric('sip_bans_total');
    for (const [user, password] of [
      ['1001', 'not-the-password'],
      ['9999', DEMO_SIP_PASSWORD],
      ['1002', 'still-wrong'],
    ] as const) {
      const r = await runSipp({
        scenario: 'trunk-invite-auth-forbidden.xml',
        port: udp(),
        transport: 'udp',
        args: ['-s', HOTLINE, '-i', '127.0.0.3', ...credentials(user, password, HOTLINE, udp())],
      });
      expect(r.exitCode, r.output).toBe(0);
    }
    expect(await stack.metric('sip_bans_total')).toBe(bansBefore + 1);
    // Banned: even the right password gets no answer at all now.
    const r = await runSipp({
      scenario: 'trunk-invite-auth.xml',
      port: udp(),
      transport: 'udp',
      args: ['-s', HOTLINE, '-i', '127.0.0.3', ...credentials('1001', DEMO_SIP_PASSWORD, HOTLINE, udp())],
      timeoutMs: 3_000,
    });
    expect(r.exitCode).not.toBe(0);
    expect(r.successful).toBe(0);
    expect(
      tap.lines.some((l) => l.msg === 'INVITE refused' && JSON.stringify(l.obj).includes('auth-failed')),
    ).toBe(true);
  });
});

const md5 = (text: string): string => createHash('md5').update(text).digest('hex');

describe('a carrier trunk with registration (sipp as the provider)', () => {
  const ACCOUNT = '02160001234';
  const SECRET = 'carrier-secret-77';
  let carrier: SippCarrier;
  let port: number;
  let trunkId: string;

  beforeAll(async () => {
    port = await freeUdpPort();
    carrier = startSippCarrier({ port, transport: 'udp', account: ACCOUNT, secret: SECRET });
    const now = new Date(stack.clock.now()).toISOString();
    const trunk = await new TrunkRepository(stack.database.db as Kysely<TelephonyTables>).insert(
      shop,
      'trunk-carrier',
      carrier.trunkInput('carrier', [HOTLINE]),
      now,
    );
    trunkId = trunk.id;
    await trunks.runtime.reload();
  });

  afterAll(() => carrier?.stop());

  const messages = (): string[] => carrier.messages();

  /** Waits until sipp logged a received message matching `pattern` (it writes as it receives). */
  async function messageArrives(pattern: RegExp, timeoutMs = 5_000): Promise<void> {
    await pollUntil(() => messages().some((m) => pattern.test(m)), {
      timeoutMs,
      what: `sipp to receive ${pattern}`,
      every: 50,
    });
  }

  it('registers with digest, answering the 401, and shows it in status and metrics', async () => {
    expect(await tap.waitFor('SIP trunk registered')).toMatchObject({ trunkId, state: 'registered' });
    await tap.waitFor('SIP trunk provider up');
    const trunk = (await new TrunkRepository(stack.database.db as Kysely<TelephonyTables>).find(
      shop,
      trunkId,
    ))!;
    expect(trunks.runtime.status(trunk)).toMatchObject({
      active: true,
      registration: { state: 'registered', failures: 0 },
      reachability: { state: 'up' },
      providerAddresses: ['127.0.0.1'],
    });
    expect(await stack.metric('sip_trunk_registered', { trunk_id: trunkId })).toBe(1);
    expect(await stack.metric('sip_trunk_up', { trunk_id: trunkId })).toBe(1);
    const registers = messages().filter((m) => m.startsWith('REGISTER'));
    expect(registers).toHaveLength(2);
    expect(headerOf(registers[1]!, 'Authorization')).toMatch(`username="${ACCOUNT}"`);
    expect(headerOf(registers[1]!, 'Contact')).toMatch(new RegExp(`^<sip:${ACCOUNT}@127\\.0\\.0\\.1:\\d+>`));
    expect(messages().some((m) => m.startsWith('OPTIONS'))).toBe(true);
  });

  it('calls out through the trunk, answering the 407 with credentials and presenting the caller ID', async () => {
    const route = trunks.route(shop, '+86 138 0013 8000', HOTLINE);
    if (!route.ok) throw new Error(route.error.message);
    const answered = new Promise<string>((done) => {
      const off = control.onEvent((e) => {
        if (e.type === 'LegAnswered') {
          off();
          done(e.legId);
        }
      });
    });
    const out = await control.execute({
      type: 'Originate',
      request: { targets: [route.value.target], callerId: route.value.callerId, role: 'customer' },
    });
    expect(out.ok).toBe(true);
    const legId = await answered;
    expect(out.ok && out.value.legId).toBe(legId);
    const ended = new Promise<void>((done) =>
      control.onEvent((e) => e.type === 'LegEnded' && e.legId === legId && done()),
    );
    await control.execute({ type: 'HangUp', legId });
    await ended;

    const invites = messages().filter((m) => m.startsWith('INVITE'));
    expect(invites).toHaveLength(2);
    const [challenged, retried] = invites as [string, string];
    expect(retried.split('\r\n')[0] ?? retried.split('\n')[0]).toMatch(
      `INVITE sip:13800138000@127.0.0.1:${port} SIP/2.0`,
    );
    expect(headerOf(challenged, 'Proxy-Authorization')).toBeUndefined();
    // RFC 3261 §22.2: same Call-ID and From, CSeq one higher.
    expect(headerOf(retried, 'Call-ID')).toBe(headerOf(challenged, 'Call-ID'));
    expect(headerOf(retried, 'From')).toBe(headerOf(challenged, 'From'));
    expect(headerOf(retried, 'CSeq')).toBe('2 INVITE');
    expect(headerOf(retried, 'From')).toMatch(/^<sip:4008001234@127\.0\.0\.1>;tag=/);
    expect(headerOf(retried, 'P-Asserted-Identity')).toBe('<sip:4008001234@127.0.0.1>');
    // The digest answer, checked independently of our client (RFC 2069 form: no qop offered).
    const auth = headerOf(retried, 'Proxy-Authorization')!;
    const param = (name: string): string => new RegExp(`${name}="([^"]*)"`).exec(auth)![1]!;
    expect(param('username')).toBe(ACCOUNT);
    const ha1 = md5(`${ACCOUNT}:${param('realm')}:${SECRET}`);
    expect(param('response')).toBe(md5(`${ha1}:${param('nonce')}:${md5(`INVITE:${param('uri')}`)}`));
    await messageArrives(/^BYE /);
  });

  it('unregisters (Expires: 0) when the trunks stop', async () => {
    await trunks.stop();
    expect(tap.lines.some((l) => l.msg === 'SIP trunk unregistered')).toBe(true);
    const last = messages()
      .filter((m) => m.startsWith('REGISTER'))
      .slice(2);
    expect(last.map((m) => headerOf(m, 'Expires'))).toEqual(['0', '0']);
    expect(headerOf(last[1]!, 'Authorization')).toMatch(`username="${ACCOUNT}"`);
  });
});
