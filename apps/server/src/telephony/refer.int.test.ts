/**
 * A phone's blind transfer (REFER, RFC 3515 / RFC 5589 §6) through the B2BUA on live UDP, with sipp
 * playing every party: a customer calls the hotline, the B2BUA rings the agent's phone and bridges
 * them, the phone refers the customer to extension 1002, which the registrar knows from a REGISTER
 * with digest auth, and the customer ends up talking to 1002 until 1002 hangs up.
 */
import type { Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InMemoryMedia, registeredExtensionReferTargets, type OriginateTarget } from '../calls';
import { callControlRig, type CallControlRig } from '../../test/support/call-control-rig';
import {
  freeRtpPort,
  freeUdpPort,
  registerFromPort,
  startSipp,
  type SippCall,
} from '../../test/support/sipp';
import { DEMO_SIP_PASSWORD, startSipTestStack, type SipTestStack } from '../../test/support/sip-test-stack';
import { SipCredentialRepository } from './registrar/sip-credential-repository';
import { nodeDigestHash } from './sip-node-ports';
import type { TelephonyTables } from './telephony-tables';

const HOTLINE = '4008001234';

let stack: SipTestStack;
let rig: CallControlRig;
let media: InMemoryMedia;
let agentPort: number;

beforeAll(async () => {
  // sipp 3.6 answers only the first challenge it reads, and handles MD5 best: offer MD5 first here.
  stack = await startSipTestStack({ sip: { digestAlgorithms: ['MD5', 'SHA-256'] } });
  agentPort = await freeUdpPort();
  const credentials = new SipCredentialRepository(
    stack.database.db as Kysely<TelephonyTables>,
    nodeDigestHash,
  );
  const { registrar } = stack.telephony;
  media = new InMemoryMedia({ address: '127.0.0.1' });
  rig = callControlRig(stack, {
    media,
    // The hotline rings the agent's phone and bridges, answering the customer when the agent does.
    inbound: {
      offer: (offer) => {
        if (offer.dialed !== HOTLINE) return { action: 'reject', status: 404, cause: 'unknown-number' };
        void ringAgent(offer.legId);
        return { action: 'ring' };
      },
    },
    // Extensions by the registrar: the demo credential names the agent, its bindings the devices.
    referTargets: registeredExtensionReferTargets({
      async targetsOf(extension): Promise<readonly OriginateTarget[] | undefined> {
        const credential = await credentials.find('switchboard', extension);
        if (credential === undefined) return undefined;
        const contacts = await registrar.contactsFor(credential.tenantId, credential.userId);
        return contacts.map((c) => ({
          uri: c.uri,
          destination: { host: c.flow.address, port: c.flow.port },
        }));
      },
    }),
  });
});
afterAll(() => stack.close());

async function ringAgent(customer: string): Promise<void> {
  const { control } = rig;
  const out = await control.execute({
    type: 'Originate',
    request: {
      targets: [{ uri: `sip:1001@127.0.0.1:${agentPort}` }],
      callerId: { number: '13912345678' },
    },
  });
  if (out.ok) await control.execute({ type: 'Bridge', legIds: [customer, out.value.legId!] });
}

describe('a phone transfers its caller with REFER (sipp as every party)', () => {
  it('answers 202, NOTIFYs 100 and 200 in sipfrag, bridges the customer to 1002 and ends the phone', async () => {
    const targetPort = await freeUdpPort();
    // 1002's phone registers from the port its UAS then listens on: the registrar rings that flow.
    const registered = await registerFromPort(stack.ports.udp, '1002', DEMO_SIP_PASSWORD, targetPort);
    expect(registered.exitCode, registered.output).toBe(0);
    const peers: SippCall[] = [];
    try {
      const target = startSipp({
        scenario: 'refer-target.xml',
        port: stack.ports.udp,
        transport: 'udp',
        localPort: targetPort,
        mediaPort: await freeRtpPort(),
        timeoutMs: 30_000,
      });
      peers.push(target);
      const agent = startSipp({
        scenario: 'refer-agent.xml',
        port: stack.ports.udp,
        transport: 'udp',
        localPort: agentPort,
        mediaPort: await freeRtpPort(),
        args: ['-key', 'target', '1002'],
        timeoutMs: 30_000,
      });
      peers.push(agent);
      const customer = startSipp({
        scenario: 'refer-customer.xml',
        port: stack.ports.udp,
        transport: 'udp',
        mediaPort: await freeRtpPort(),
        args: ['-s', HOTLINE],
        timeoutMs: 30_000,
      });
      peers.push(customer);

      // The customer is bridged to 1002's leg while 1002 is still on the line.
      const moved = await rig.event('LegTransferred', undefined, 15_000);
      const customerLeg = moved.legId;
      expect(rig.control.leg(customerLeg)?.bridgedTo).toBe(moved.toLegId);
      expect(rig.seen('TransferRequested')).toMatchObject({
        legId: moved.fromLegId,
        kind: 'blind',
        transfereeLegId: customerLeg,
        target: 'sip:1002@127.0.0.1',
      });

      for (const [name, peer] of [
        ['agent', agent],
        ['target', target],
        ['customer', customer],
      ] as const) {
        // sipp exits 0 only when its call passed every step and every check_it of its scenario.
        const r = await peer.result;
        expect(r.exitCode, `${name}\n${r.output}`).toBe(0);
        expect(r.failed, name).toBe(0);
      }
      // The customer's leg stayed up after the transfer and ended only when 1002 hung up.
      const ended = await rig.event('LegEnded', customerLeg, 15_000);
      const order = rig.events
        .filter((e) => e.type === 'LegEnded')
        .map((e) => (e as { legId: string }).legId);
      expect(order).toHaveLength(3);
      expect(order.indexOf(moved.toLegId)).toBeLessThan(order.indexOf(customerLeg));
      expect(rig.seen('LegEnded', moved.fromLegId)).toMatchObject({ cause: 'transferred', party: 'agent' });
      expect(ended).toMatchObject({ answered: true, party: 'agent' });
      expect(rig.seen('TransferFailed')).toBeUndefined();
      // Server transactions linger for Timer J (§17.2.2); everything of the calls themselves is gone.
      expect(rig.control.activity()).toMatchObject({ legs: 0, forks: 0, links: 0, transfers: 0, dialogs: 0 });
      expect(media.openCount).toBe(0);
    } finally {
      for (const p of peers) await p.stop();
    }
  }, 90_000);
});
