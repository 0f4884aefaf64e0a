/**
 * The automatic callback (issue 6 item 8) on the live server, through a real trunk: an admin adds
 * an IP trunk whose provider is a sipp "carrier" on loopback; a sipp caller queues for pre-sales,
 * waits more than the demo policy's 10 s and hangs up, which routing turns into a callback; agent1
 * (baresip as extension 1001, answering by itself) goes ready, the server rings the phone, then
 * dials the customer's number through the trunk, and the carrier answers: the customer is bridged
 * to the agent. The carrier sees the number in the trunk's dial format and its default caller ID.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBaresip, type BaresipPhone } from '../support/baresip';
import { requireBinary, startPeer, type PeerProcess } from '../support/peer-process';
import { freeRtpPort, freeUdpPort, SIPP, type SippCall } from '../support/sipp';
import { headerOf, receivedInvite } from '../support/sipp-trace';
import { callHotline, HOTLINE, keyPress } from './hotline-caller';
import { startLiveCenter, type ApiSession, type LiveCenter } from './live-center';

/** The number sipp's caller presents (`caller-presses-key.xml`). */
const CUSTOMER = '13800138000';
/** The trunk's default caller ID: the demo hotline. */

describe('a missed call is called back through the tenant trunk', () => {
  let center: LiveCenter;
  let phone: BaresipPhone;
  let agent: ApiSession;
  let carrier: PeerProcess;
  let carrierDir: string;
  let caller: SippCall | undefined;

  beforeAll(async () => {
    requireBinary(SIPP, 'sip-tester');
    center = await startLiveCenter();
    carrierDir = mkdtempSync(join(tmpdir(), 'switchboard-carrier-'));
    const carrierPort = await freeUdpPort();
    carrier = startPeer(
      SIPP,
      [
        '-sf',
        new URL('fixtures/callback-carrier.xml', import.meta.url).pathname,
        '-i',
        '127.0.0.1',
        '-p',
        String(carrierPort),
        '-t',
        'u1',
        '-mi',
        '127.0.0.1',
        '-mp',
        String(await freeRtpPort()),
        '-m',
        '1',
        '-nostdin',
        '-trace_msg',
        '-message_file',
        join(carrierDir, 'messages.log'),
      ],
      { cwd: carrierDir },
    );
    const admin = await center.logIn('admin', 'demo-admin');
    const trunk = await admin.post('/api/v1/trunks', {
      name: 'callback carrier',
      admission: 'ip',
      // Calls in from this trunk would come from the carrier's network, not from loopback.
      allowedAddresses: ['192.0.2.1/32'],
      provider: { host: '127.0.0.1', port: carrierPort, transport: 'udp' },
      outbound: { dialFormat: 'e164', defaultCallerId: HOTLINE, allowedCallerIds: [], assertIdentity: false },
      // sipp's carrier answers the one call only: no OPTIONS keepalive.
      keepaliveSeconds: 0,
    });
    expect(trunk.status, JSON.stringify(trunk.body)).toBe(201);
    phone = startBaresip({
      user: '1001',
      password: 'demo-phone',
      serverPort: center.sipPort,
      transport: 'udp',
      answerMode: 'auto',
    });
    await phone.registered();
    agent = await center.logIn('agent1', 'demo-agent');
    expect((await agent.post('/api/v1/agent/login')).status).toBe(200);
    // On a break while the caller waits, so nobody answers them.
    expect((await agent.post('/api/v1/agent/not-ready', { reason: 'break' })).status).toBe(200);
  }, 60_000);

  afterAll(async () => {
    await caller?.stop();
    await phone?.stop();
    await carrier?.kill();
    if (carrierDir !== undefined) rmSync(carrierDir, { recursive: true, force: true });
    expect(await center?.stop()).toBe(0);
  });

  it('rings the ready agent, dials the customer through the trunk and bridges them', async () => {
    caller = await callHotline(center, 'caller-presses-key.xml', { files: { 'key.pcap': keyPress('2') } });
    const contactId = await center.contactOf(caller.callId);
    await center.waitForContactEvent(contactId, 'IvrNodeEntered', (d) => d.nodeId === 'mainMenu');
    await caller.cue();
    await center.waitForContactEvent(contactId, 'ContactQueued');
    // Longer in line than the demo policy's 10 s before an abandon becomes a callback (queued
    // before we saw it, so at least this long).
    await new Promise((r) => setTimeout(r, 11_000));
    await caller.cue();
    const hungUp = await caller.result;
    expect(hungUp.successful, hungUp.output).toBe(1);
    await center.waitForContactEvent(contactId, 'ContactAbandoned');
    // Routing queues the callback as a contact of its own, owed to the caller's number.
    const callback = `${contactId}:callback`;
    const owed = await center.waitForContactEvent(callback, 'ContactQueued');
    expect(JSON.stringify(owed.data)).toContain(CUSTOMER);

    expect((await agent.post('/api/v1/agent/ready')).status).toBe(200);
    await center.waitForContactEvent(callback, 'ContactOffered');
    const dialed = await center.waitForContactEvent(callback, 'CallbackDialed', undefined, 30_000);
    expect(dialed.data.agentId).toBe(agent.userId);
    await center.waitForContactEvent(callback, 'ContactAnswered', undefined, 20_000);
    const bridged = await center.waitForEvent(
      'CallBridged of the callback',
      (e) => e.type === 'CallBridged' && e.data.callerLegId === dialed.data.customerLegId,
      20_000,
    );
    expect(bridged.data).toMatchObject({ agentId: agent.userId, agentLegId: dialed.data.agentLegId });
    await phone.established(1);

    // The carrier got the number in the trunk's E.164 format, from the trunk's caller ID.
    const invite = receivedInvite(readFileSync(join(carrierDir, 'messages.log'), 'utf8'));
    expect(invite.split('\r\n')[0] ?? invite.split('\n')[0]).toMatch(
      new RegExp(`^INVITE sip:\\+86${CUSTOMER}@127\\.0\\.0\\.1:\\d+ SIP/2\\.0`),
    );
    expect(headerOf(invite, 'From')).toMatch(new RegExp(`<sip:\\+86${HOTLINE}@127\\.0\\.0\\.1>`));

    // The agent hangs up: the server ends the customer's leg with BYE and the carrier's call completes.
    phone.hangUp();
    expect(await carrier.exited(15_000)).toBe(0);
  }, 90_000);
});
