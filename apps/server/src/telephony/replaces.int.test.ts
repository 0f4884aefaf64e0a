/**
 * INVITE with Replaces (RFC 3891) through admission and call control on live UDP, sipp playing every
 * device: extension 1001 registers, the B2BUA rings it and the phone answers; then INVITEs with
 * Replaces naming that dialog arrive, each challenged with 407 like any extension's INVITE:
 * - naming no dialog of ours: 481;
 * - authenticated as another extension (1002): 403;
 * - from another device of 1001: 200 with our media for the same leg, the old phone gets BYE, and
 *   the end of the call is signalled to the new device.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InMemoryMedia } from '../calls';
import { callControlRig, digestAdmission, type CallControlRig } from '../../test/support/call-control-rig';
import {
  freeRtpPort,
  freeUdpPort,
  registerFromPort,
  runSipp,
  startSipp,
  type SippCall,
} from '../../test/support/sipp';
import { DEMO_SIP_PASSWORD, startSipTestStack, type SipTestStack } from '../../test/support/sip-test-stack';

let stack: SipTestStack;
let rig: CallControlRig;
let media: InMemoryMedia;

beforeAll(async () => {
  // sipp 3.6 answers only the first challenge it reads, and handles MD5 best: offer MD5 first here.
  stack = await startSipTestStack({ sip: { digestAlgorithms: ['MD5', 'SHA-256'] } });
  media = new InMemoryMedia({ address: '127.0.0.1' });
  rig = callControlRig(stack, {
    media,
    inbound: { offer: () => ({ action: 'reject', status: 404, cause: 'unknown-number' }) },
    // No trunk: every new INVITE must prove an extension with digest, as phones do.
    admission: digestAdmission(stack),
  });
});
afterAll(() => stack.close());

/** sipp's arguments for an INVITE with Replaces naming `dialog`, authenticated as `extension`. */
function replacing(extension: string, dialog: { callId: string; localTag: string; remoteTag: string }) {
  const server = `switchboard@127.0.0.1:${stack.ports.udp}`;
  return [
    ['-s', 'switchboard', '-au', extension, '-ap', DEMO_SIP_PASSWORD, '-auth_uri', server],
    ['-key', 'replaced_call_id', dialog.callId],
    // Seen from us, the B2BUA: to-tag is our tag, from-tag the phone's (RFC 3891 §3).
    ['-key', 'replaced_to_tag', dialog.localTag, '-key', 'replaced_from_tag', dialog.remoteTag],
  ].flat();
}

describe('an INVITE with Replaces from a SIP phone (sipp)', () => {
  it("refuses an unknown dialog and another user, and lets the agent's other device take the call", async () => {
    const agentPort = await freeUdpPort();
    const registered = await registerFromPort(stack.ports.udp, '1001', DEMO_SIP_PASSWORD, agentPort);
    expect(registered.exitCode, registered.output).toBe(0);
    const targets = await rig.targetsOf('agent1');
    expect(targets).toEqual([expect.objectContaining({ peer: 'sip:1001@switchboard' })]);

    const peers: SippCall[] = [];
    try {
      const phone = startSipp({
        scenario: 'replaces-agent.xml',
        port: stack.ports.udp,
        transport: 'udp',
        localPort: agentPort,
        mediaPort: await freeRtpPort(),
        timeoutMs: 40_000,
      });
      peers.push(phone);
      const { control } = rig;
      const out = await control.execute({
        type: 'Originate',
        request: { targets, callerId: { number: '13912345678' } },
      });
      if (!out.ok || out.value.legId === undefined) throw new Error('originate refused');
      const legId = out.value.legId;
      await rig.event('LegAnswered', legId, 15_000);
      const dialog = control.leg(legId)?.dialog;
      if (dialog === undefined) throw new Error('the answered leg has no dialog');
      const endpoint = media.endpointOf(legId)!;

      const unknown = await runSipp({
        scenario: 'replaces-unknown-dialog.xml',
        port: stack.ports.udp,
        transport: 'udp',
        args: replacing('1001', { ...dialog, callId: `gone-${dialog.callId}` }),
      });
      expect(unknown.exitCode, unknown.output).toBe(0);
      const forbidden = await runSipp({
        scenario: 'replaces-forbidden.xml',
        port: stack.ports.udp,
        transport: 'udp',
        args: replacing('1002', dialog),
      });
      expect(forbidden.exitCode, forbidden.output).toBe(0);
      expect(rig.seen('LegDialogReplaced')).toBeUndefined();

      const devicePort = await freeRtpPort();
      const device = startSipp({
        scenario: 'replaces-takeover.xml',
        port: stack.ports.udp,
        transport: 'udp',
        mediaPort: devicePort,
        args: replacing('1001', dialog),
        timeoutMs: 30_000,
      });
      peers.push(device);
      const replaced = await rig.event('LegDialogReplaced', legId, 15_000);
      expect(replaced).toMatchObject({ callId: device.callId, replacedCallId: dialog.callId });
      // The old phone got its BYE: its scenario ends only after one.
      const old = await phone.result;
      expect(old.exitCode, old.output).toBe(0);
      // Same leg, same media endpoint, now sending to the new device's RTP port.
      expect(control.leg(legId)).toMatchObject({ state: 'answered', dialog: { callId: device.callId } });
      expect(media.endpointOf(legId)).toBe(endpoint);
      expect(media.remoteSdpOf(endpoint)).toContain(`m=audio ${devicePort} RTP/AVP 0`);
      expect(rig.seen('LegEnded', legId)).toBeUndefined();

      // Our hang-up reaches the new device, not the replaced phone.
      await control.execute({ type: 'HangUp', legId });
      const taken = await device.result;
      expect(taken.exitCode, taken.output).toBe(0);
      expect(await rig.event('LegEnded', legId, 15_000)).toMatchObject({ answered: true });
      expect(control.activity()).toMatchObject({ legs: 0, links: 0, dialogs: 0, rejoins: 0 });
      expect(media.openCount).toBe(0);
    } finally {
      for (const p of peers) await p.stop();
    }
  }, 90_000);
});
