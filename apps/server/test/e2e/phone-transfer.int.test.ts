/**
 * A desk phone's blind transfer (REFER, RFC 3515 / RFC 5589 §6) on the live server, resolved in the
 * tenant of the call: a sipp caller (a VIP of the demo shop) reaches the priority queue, the server rings the agent's phone
 * (sipp registered as the agent's extension), which answers and refers the caller on. To `1002`
 * (agent2's extension, registered by another sipp) the server rings that phone; to an outside
 * number it dials through the tenant's trunk, whose provider is a sipp "carrier" on loopback, with
 * the trunk's dial format and caller-ID rules. Either party hangs up after a few seconds and the
 * server ends the caller's call with BYE.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freeRtpPort, freeUdpPort, registerFromPort, startSipp, type SippCall } from '../support/sipp';
import { headerOf, receivedInvite } from '../support/sipp-trace';
import { callHotline, HOTLINE, keyPress } from './hotline-caller';
import { startLiveCenter, type ApiSession, type LiveCenter } from './live-center';

const OUTSIDE = '13900139000';
/** The number the caller presents (`caller-transferred.xml`). */
const CALLER = '13912345678';
const PHONE_PASSWORD = 'demo-phone';

describe("a desk phone's REFER on the live server", () => {
  let center: LiveCenter;
  let carrierPort: number;
  let logDir: string;
  const peers: SippCall[] = [];

  beforeAll(async () => {
    center = await startLiveCenter();
    logDir = mkdtempSync(join(tmpdir(), 'switchboard-refer-'));
    carrierPort = await freeUdpPort();
    const admin = await center.logIn('admin', 'demo-admin');
    const trunk = await admin.post('/api/v1/trunks', {
      name: 'transfer carrier',
      admission: 'ip',
      allowedAddresses: ['192.0.2.1/32'],
      provider: { host: '127.0.0.1', port: carrierPort, transport: 'udp' },
      // The carrier lets the account present the caller's number (an allowed caller ID).
      outbound: {
        dialFormat: 'national',
        defaultCallerId: HOTLINE,
        allowedCallerIds: [CALLER],
        assertIdentity: false,
      },
      keepaliveSeconds: 0,
    });
    expect(trunk.status, JSON.stringify(trunk.body)).toBe(201);
  }, 60_000);

  afterAll(async () => {
    for (const p of peers) await p.stop();
    if (logDir !== undefined) rmSync(logDir, { recursive: true, force: true });
    expect(await center?.stop()).toBe(0);
  });

  /** A phone's extension registers from `port`, where its UAS scenario will listen. */
  async function register(extension: string, port: number): Promise<void> {
    const r = await registerFromPort(center.sipPort, extension, PHONE_PASSWORD, port);
    expect(r.exitCode, r.output).toBe(0);
  }

  function start(run: Parameters<typeof startSipp>[0]): SippCall {
    const call = startSipp(run);
    peers.push(call);
    return call;
  }

  /**
   * `agent` (whose phone is `extension`) goes ready alone, a caller queues and the
   * phone, answering, refers it to `target`; resolves once the caller's call is over.
   */
  async function transferredCall(agent: ApiSession, extension: string, target: string, party: SippCall) {
    const agentPort = await freeUdpPort();
    await register(extension, agentPort);
    const phone = start({
      scenario: 'refer-agent.xml',
      port: center.sipPort,
      transport: 'udp',
      localPort: agentPort,
      mediaPort: await freeRtpPort(),
      args: ['-key', 'target', target],
      timeoutMs: 60_000,
    });
    expect((await agent.post('/api/v1/agent/login')).status).toBe(200);
    expect((await agent.post('/api/v1/agent/ready')).status).toBe(200);
    const caller = await callHotline(center, 'caller-transferred.xml', {
      files: { 'key.pcap': keyPress('2') },
    });
    peers.push(caller);
    const contactId = await center.contactOf(caller.callId);
    // 13912345678 is a VIP of the demo shop: straight to the priority queue, no menu. The key the
    // caller presses on the cue is then only a tone in the queue.
    await center.waitForContactEvent(contactId, 'ContactQueued');
    await caller.cue();
    // sipp exits 0 only when its call passed every step and every check_it of its scenario: the
    // phone got 202 and NOTIFYs 100 then 200, the party answered, the caller got the final BYE.
    for (const [name, peer] of [
      ['agent phone', phone],
      ['transfer target', party],
      ['caller', caller],
    ] as const) {
      const r = await peer.result;
      expect(r.exitCode, `${name}\n${r.output}`).toBe(0);
    }
    await center.waitForContactEvent(contactId, 'CallEnded');
    // Out of rotation for the next test, whatever state the transfer left it in.
    await agent.post('/api/v1/agent/logout');
  }

  it('rings the registered phone of extension 1002 of the same tenant', async () => {
    const targetPort = await freeUdpPort();
    await register('1002', targetPort);
    const target = start({
      scenario: 'refer-target.xml',
      port: center.sipPort,
      transport: 'udp',
      localPort: targetPort,
      mediaPort: await freeRtpPort(),
      timeoutMs: 60_000,
    });
    await transferredCall(await center.logIn('agent1', 'demo-agent'), '1001', '1002', target);
  }, 90_000);

  it('dials an outside number through the tenant trunk with its dial format and caller ID', async () => {
    const messages = join(logDir, 'carrier.log');
    const carrier = start({
      scenario: 'refer-target.xml',
      port: center.sipPort,
      transport: 'udp',
      localPort: carrierPort,
      mediaPort: await freeRtpPort(),
      timeoutMs: 60_000,
      args: ['-trace_msg', '-message_file', messages],
    });
    await transferredCall(await center.logIn('agent5', 'demo-agent'), '1005', OUTSIDE, carrier);
    const invite = receivedInvite(readFileSync(messages, 'utf8'));
    // The national format keeps a mobile number as dialled; the caller's own number is on the
    // trunk's allowed list, so the party sees who is being transferred to them.
    expect(invite.split(/\r?\n/)[0]).toMatch(
      new RegExp(`^INVITE sip:${OUTSIDE}@127\\.0\\.0\\.1:${carrierPort} SIP/2\\.0`),
    );
    expect(headerOf(invite, 'From')).toMatch(new RegExp(`<sip:${CALLER}@127\\.0\\.0\\.1>`));
  }, 90_000);
});
