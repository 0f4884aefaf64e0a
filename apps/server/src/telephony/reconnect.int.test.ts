/**
 * In-dialog requests to a phone whose TCP or TLS connection closed mid-call (RFC 3261 §12.2.1.1,
 * §18.1.1): the server opens a new connection to the Contact of the phone's INVITE and sends the
 * BYE there, over TLS only to a phone whose certificate it trusts (RFC 5922 §7). The server closes
 * idle connections after a short while here, which is how a call's connection goes away with the
 * call still up. baresip calls in and listens at its Contact, over TLS with a certificate made for
 * the test. (baresip's Contact in its responses names the connection's ephemeral port, which nothing
 * can connect to again, so calls from the phone are the case tested.)
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LegAnswered, LegId } from '../calls';
import { startBaresip, type BaresipPhone } from '../../test/support/baresip';
import { callControlRig, type CallControlRig } from '../../test/support/call-control-rig';
import {
  selfSignedCertificate,
  type SelfSignedCertificate,
} from '../../test/support/self-signed-certificate';
import { DEMO_SIP_PASSWORD, startSipTestStack, type SipTestStack } from '../../test/support/sip-test-stack';

/** Long enough for a call to be set up, short enough for a test to wait for it. */
const IDLE_MS = 2_500;

let serverCert: SelfSignedCertificate;
let phoneCert: SelfSignedCertificate;
let phoneCertAndKey: string;
let stack: SipTestStack;
let rig: CallControlRig;
const warnings: { msg: string; obj: object }[] = [];

beforeAll(async () => {
  serverCert = selfSignedCertificate();
  phoneCert = selfSignedCertificate();
  // baresip reads its certificate and key from one file.
  phoneCertAndKey = join(phoneCert.certFile, '..', 'phone.pem');
  writeFileSync(phoneCertAndKey, Buffer.concat([phoneCert.cert, phoneCert.key]));
  stack = await startSipTestStack({
    sip: {
      tlsCert: serverCert.certFile,
      tlsKey: serverCert.keyFile,
      // The phones' certificate is trusted for connections the server opens to them.
      tlsCa: phoneCert.certFile,
      // libre 1.x (baresip 1.0) aborts on any SHA-256 challenge, so this stack offers MD5 only.
      digestAlgorithms: ['MD5'],
    },
    limits: { idleTimeoutMs: IDLE_MS },
    logger: {
      info: () => undefined,
      warn: (obj, msg) => void warnings.push({ obj, msg }),
      error: (obj, msg) => void warnings.push({ obj, msg }),
    },
  });
  rig = callControlRig(stack);
});

afterAll(async () => {
  await stack?.close();
  serverCert?.remove();
  phoneCert?.remove();
});

/**
 * `phone` calls the server over `transport`, and the call's connection is then closed by the
 * server for idleness: the call is all that is left of it. Resolves with the call's leg.
 */
async function callWhoseConnectionCloses(
  phone: BaresipPhone,
  transport: 'TCP' | 'TLS',
  port: number,
): Promise<LegId> {
  const seen = rig.events.length;
  phone.dial(`sip:4008001234@127.0.0.1:${port};transport=${transport.toLowerCase()}`);
  await phone.established();
  const answered = await waitFor(() =>
    rig.events.slice(seen).find((e): e is LegAnswered => e.type === 'LegAnswered'),
  );
  await expect
    .poll(() => stack.metric('sip_connections', { transport }), { timeout: IDLE_MS * 4, interval: 100 })
    .toBe(0);
  return answered.legId;
}

/** Hangs up after the connection closed: the BYE must reach the phone at its INVITE's Contact. */
async function hangUpAfterTheConnectionClosed(
  phone: BaresipPhone,
  transport: 'TCP' | 'TLS',
  port: number,
): Promise<void> {
  const legId = await callWhoseConnectionCloses(phone, transport, port);
  await rig.run({ type: 'HangUp', legId });
  // The phone got the BYE and ended its side of the call.
  expect(await phone.ended()).toMatch(/session closed/);
  expect(await rig.event('LegEnded', legId)).toMatchObject({ answered: true });
  const trace = phone.peer.output();
  expect(trace).toMatch(new RegExp(`BYE sip:\\S+;transport=${transport.toLowerCase()} SIP/2\\.0`, 'i'));
  expect(trace).toMatch(new RegExp(`Via: SIP/2\\.0/${transport} 127\\.0\\.0\\.1:${port};branch=`));
}

/**
 * baresip as extension `user`, not registered (it only calls in), its SIP traced; over TLS it
 * trusts our certificate and presents `certificateFile` (certificate and key in one file).
 */
function unregisteredPhone(user: string, transport: 'tcp' | 'tls', certificateFile?: string): BaresipPhone {
  return startBaresip({
    user,
    password: DEMO_SIP_PASSWORD,
    serverPort: transport === 'tcp' ? stack.ports.tcp : (stack.ports.tls ?? 0),
    transport,
    ...(transport === 'tls' ? { caFile: serverCert.certFile } : {}),
    ...(certificateFile === undefined ? {} : { certificateFile }),
    register: false,
    sipTrace: true,
  });
}

/** Resolves with what `find` returns once it returns something (within 10 s). */
async function waitFor<T>(find: () => T | undefined): Promise<T> {
  let found: T | undefined;
  await expect.poll(() => (found = find()) !== undefined, { timeout: 10_000, interval: 50 }).toBe(true);
  return found as T;
}

describe('a call whose phone connection closed', () => {
  it('sends the BYE over a new TCP connection to the Contact', async () => {
    const phone = unregisteredPhone('1001', 'tcp');
    try {
      await hangUpAfterTheConnectionClosed(phone, 'TCP', stack.ports.tcp);
    } finally {
      await phone.stop();
    }
  });

  it('sends the BYE over a new TLS connection to the Contact, checking the phone certificate', async () => {
    const phone = unregisteredPhone('1002', 'tls', phoneCertAndKey);
    try {
      await hangUpAfterTheConnectionClosed(phone, 'TLS', stack.ports.tls ?? 0);
      expect(warnings.filter((w) => w.msg === 'SIP connection could not be opened')).toEqual([]);
    } finally {
      await phone.stop();
    }
  });

  it('does not send the BYE to a TLS phone whose certificate is not trusted, and says why', async () => {
    const stranger = selfSignedCertificate();
    const strangerCertAndKey = join(stranger.certFile, '..', 'phone.pem');
    writeFileSync(strangerCertAndKey, Buffer.concat([stranger.cert, stranger.key]));
    const phone = unregisteredPhone('1003', 'tls', strangerCertAndKey);
    try {
      const legId = await callWhoseConnectionCloses(phone, 'TLS', stack.ports.tls ?? 0);
      await rig.run({ type: 'HangUp', legId });
      // The leg ends on our side all the same; the phone is told nothing it could trust.
      expect(await rig.event('LegEnded', legId)).toMatchObject({ answered: true });
      const refused = await waitFor(() =>
        warnings.find((w) => w.msg === 'SIP connection could not be opened'),
      );
      expect(refused.obj).toMatchObject({ protocol: 'TLS', reason: expect.stringMatching(/self.signed/i) });
      expect(phone.peer.output()).not.toMatch(/BYE sip:/);
    } finally {
      await phone.stop();
      stranger.remove();
    }
  });
});
