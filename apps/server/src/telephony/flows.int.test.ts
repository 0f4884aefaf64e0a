import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getHeader, serializeUri } from '@switchboard/sip';
import type { LegOffered } from '../calls';
import { startBaresip } from '../../test/support/baresip';
import { callControlRig, type CallControlRig } from '../../test/support/call-control-rig';
import { peerSdp, RawSipPeer } from '../../test/support/raw-sip-peer';
import { freePort } from '../../test/support/server-process';
import { DEMO_SIP_PASSWORD, startSipTestStack, type SipTestStack } from '../../test/support/sip-test-stack';

describe('requests to a softphone over its WebSocket (RFC 7118 §5)', () => {
  let stack: SipTestStack;
  let rig: CallControlRig;
  beforeAll(async () => {
    stack = await startSipTestStack({ http: true });
    rig = callControlRig(stack);
  });
  afterAll(() => stack.close());

  it('rings 1001 registered over /sip over that WebSocket: INVITE, ACK and BYE carry WS Vias', async () => {
    const phone = await RawSipPeer.websocket(`ws://127.0.0.1:${stack.httpPort}/sip`);
    try {
      expect((await phone.register('1001', DEMO_SIP_PASSWORD)).status).toBe(200);
      const targets = await rig.targetsOf('agent1');
      expect(targets).toHaveLength(1);
      expect(targets[0]?.destination?.flow).toMatchObject({ transport: 'WS' });
      expect(targets[0]?.destination?.flow?.connectionId).toBeDefined();

      const legId = await rig.originate(targets);
      const invite = await phone.request('INVITE');
      // The Request-URI is the registered Contact, whose host no one can resolve: only the flow works.
      expect(serializeUri(invite.uri)).toBe(`sip:1001@${phone.host};transport=ws`);
      expect(invite.via[0]).toMatchObject({ transport: 'WS', host: '127.0.0.1', port: undefined });
      expect(getHeader(invite, 'Contact')).toMatch(/^<sip:switchboard@127\.0\.0\.1;transport=ws>$/);
      phone.answer(invite, 180, 'Ringing', { toTag: 'ws-callee', user: '1001' });
      await rig.event('LegRinging', legId);
      phone.answer(invite, 200, 'OK', { toTag: 'ws-callee', user: '1001', sdp: peerSdp() });

      const ack = await phone.request('ACK');
      expect(ack.callId).toBe(invite.callId);
      expect(ack.via[0]?.transport).toBe('WS');
      expect(serializeUri(ack.uri)).toBe(`sip:1001@${phone.host};transport=ws`);
      await rig.event('LegAnswered', legId);

      await rig.run({ type: 'HangUp', legId });
      const bye = await phone.request('BYE');
      expect(bye.callId).toBe(invite.callId);
      expect(bye.via[0]?.transport).toBe('WS');
      phone.answer(bye, 200, 'OK');
      expect(await rig.event('LegEnded', legId)).toMatchObject({ answered: true });
    } finally {
      await phone.close();
    }
  });

  it('sends the re-INVITE and BYE of a call from the softphone back over its WebSocket', async () => {
    const phone = await RawSipPeer.websocket(`ws://127.0.0.1:${stack.httpPort}/sip`);
    try {
      const ok = await phone.call('1002', '4008001234', peerSdp());
      // Our Contact names the transport the call came over, so the phone targets us there too.
      expect(getHeader(ok, 'Contact')).toMatch(/transport=ws>$/);
      const callId = ok.callId;
      const offered = rig.events.find((e): e is LegOffered => e.type === 'LegOffered' && e.callId === callId);
      const legId = offered?.legId ?? '';
      await rig.event('LegAnswered', legId);

      // Hold resolves once the re-INVITE is answered.
      const held = rig.run({ type: 'Hold', legId });
      const reinvite = await phone.request('INVITE');
      expect(reinvite.callId).toBe(callId);
      expect(reinvite.via[0]?.transport).toBe('WS');
      expect(serializeUri(reinvite.uri)).toBe(`sip:1002@${phone.host};transport=ws`);
      phone.answer(reinvite, 200, 'OK', { user: '1002', sdp: peerSdp().replace('sendrecv', 'recvonly') });
      expect((await phone.request('ACK')).via[0]?.transport).toBe('WS');
      await held;
      await rig.event('LegHeld', legId);

      await rig.run({ type: 'HangUp', legId });
      const bye = await phone.request('BYE');
      expect(bye.via[0]?.transport).toBe('WS');
      phone.answer(bye, 200, 'OK');
      await rig.event('LegEnded', legId);
    } finally {
      await phone.close();
    }
  });

  it('fails an originate at once when the WebSocket of the registration is gone', async () => {
    const phone = await RawSipPeer.websocket(`ws://127.0.0.1:${stack.httpPort}/sip`);
    expect((await phone.register('1003', DEMO_SIP_PASSWORD)).status).toBe(200);
    const targets = await rig.targetsOf('agent3');
    expect(targets).toHaveLength(1);
    await phone.close();
    // The registrar forgets the binding with its connection (RFC 7118 §5): routing finds no device.
    await expect.poll(() => rig.targetsOf('agent3')).toEqual([]);

    // Ringing the flow held from before the close: a transport error, not a wait for Timer B.
    const legId = await rig.originate(targets);
    const ended = rig.events.find((e) => e.type === 'LegEnded' && e.legId === legId);
    expect(ended).toMatchObject({ answered: false, sipStatus: 503, party: 'system' });
  });
});

describe('requests to a phone over its TCP connection', () => {
  let stack: SipTestStack;
  let rig: CallControlRig;
  beforeAll(async () => {
    // libre 1.x (baresip 1.0) aborts on any SHA-256 challenge, so this stack offers MD5 only.
    stack = await startSipTestStack({ sip: { digestAlgorithms: ['MD5'] } });
    rig = callControlRig(stack);
  });
  afterAll(() => stack.close());

  it('rings baresip registered over TCP over that connection; it answers; BYE goes the same way', async () => {
    const phone = startBaresip({
      user: '1001',
      password: DEMO_SIP_PASSWORD,
      serverPort: stack.ports.tcp,
      transport: 'tcp',
      answerMode: 'auto',
      sipTrace: true,
    });
    try {
      await phone.registered();
      const targets = await rig.targetsOf('agent1');
      expect(targets[0]?.destination?.flow).toMatchObject({ transport: 'TCP' });
      const receivedUdp = await stack.metric('sip_messages_received_total', { transport: 'UDP' });

      const legId = await rig.originate(targets);
      await rig.event('LegAnswered', legId);
      const trace = phone.peer.output();
      expect(trace).toMatch(/INVITE sip:1001-[^\s]+;transport=tcp SIP\/2\.0/);
      expect(trace).toMatch(/Via: SIP\/2\.0\/TCP 127\.0\.0\.1:\d+;branch=/);
      expect(trace).toMatch(/Contact: <sip:switchboard@127\.0\.0\.1:\d+;transport=tcp>/);
      // baresip answered over the connection the INVITE came on, and no other was opened.
      expect(
        await stack.metric('sip_messages_received_total', { transport: 'TCP', kind: 'response' }),
      ).toBeGreaterThanOrEqual(1);
      expect(await stack.metric('sip_connections', { transport: 'TCP' })).toBe(1);

      const responsesBefore = await stack.metric('sip_messages_received_total', {
        transport: 'TCP',
        kind: 'response',
      });
      await rig.run({ type: 'HangUp', legId });
      await phone.peer.waitFor(/BYE sip:1001-[^\s]+ SIP\/2\.0/);
      expect(await rig.event('LegEnded', legId)).toMatchObject({ answered: true });
      // The phone's 200 to our BYE came back over TCP; nothing at all arrived over UDP.
      await expect
        .poll(() => stack.metric('sip_messages_received_total', { transport: 'TCP', kind: 'response' }))
        .toBeGreaterThan(responsesBefore);
      expect(await stack.metric('sip_messages_received_total', { transport: 'UDP' })).toBe(receivedUdp);
      expect(await stack.metric('sip_connections', { transport: 'TCP' })).toBe(1);
    } finally {
      await phone.stop();
    }
  });

  it('forgets a registration with its TCP connection, and fails at once on the stale flow', async () => {
    const phone = await RawSipPeer.stream(stack.ports.tcp);
    expect((await phone.register('1004', DEMO_SIP_PASSWORD)).status).toBe(200);
    const targets = await rig.targetsOf('agent4');
    expect(targets[0]?.destination?.flow).toMatchObject({ transport: 'TCP' });
    await phone.close();
    await expect.poll(() => rig.targetsOf('agent4')).toEqual([]);
    // RFC 5626 §5.3: the flow failed; nothing is sent elsewhere and the branch fails now.
    const legId = await rig.originate(targets);
    const ended = rig.events.find((e) => e.type === 'LegEnded' && 'legId' in e && e.legId === legId);
    expect(ended).toMatchObject({ answered: false, sipStatus: 503 });
  });

  it('opens a TCP connection to a `;transport=tcp` target without one, and reuses it', async () => {
    const listener = await RawSipPeer.listenTcp();
    try {
      const target = { uri: `sip:agent@127.0.0.1:${listener.port};transport=tcp` };
      const legId = await rig.originate([target]);
      const phone = await listener.peer();
      const invite = await phone.request('INVITE');
      expect(invite.via[0]?.transport).toBe('TCP');
      expect(getHeader(invite, 'Contact')).toMatch(/transport=tcp>$/);
      phone.answer(invite, 200, 'OK', { toTag: 'tcp-callee', user: 'agent', sdp: peerSdp() });
      await phone.request('ACK');
      await rig.event('LegAnswered', legId);
      await rig.run({ type: 'HangUp', legId });
      const bye = await phone.request('BYE');
      phone.answer(bye, 200, 'OK');
      await rig.event('LegEnded', legId);
      expect(listener.accepted).toBe(1);
    } finally {
      await listener.close();
    }
  });

  it('fails the branch at once when that TCP connection is refused, not at Timer B', async () => {
    const closed = await freePort();
    const legId = await rig.originate([{ uri: `sip:agent@127.0.0.1:${closed};transport=tcp` }]);
    // Timer B would answer 408 after 32 s; a refused connection is a transport error: 503 now.
    expect(await rig.event('LegEnded', legId)).toMatchObject({ answered: false, sipStatus: 503 });
  });
});
