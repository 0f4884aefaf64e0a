/**
 * SIP over TLS (RFC 3261 §26.2) and over secure WebSocket (RFC 7118) with a self-signed certificate
 * made for the test: phones register over the encrypted connection and are called back over it.
 */
import { request } from 'node:https';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getHeader, serializeUri } from '@switchboard/sip';
import { startBaresip } from '../../test/support/baresip';
import { callControlRig, type CallControlRig } from '../../test/support/call-control-rig';
import { peerSdp, RawSipPeer } from '../../test/support/raw-sip-peer';
import {
  selfSignedCertificate,
  type SelfSignedCertificate,
} from '../../test/support/self-signed-certificate';
import { freePort, startServer } from '../../test/support/server-process';
import { DEMO_SIP_PASSWORD, startSipTestStack, type SipTestStack } from '../../test/support/sip-test-stack';

let cert: SelfSignedCertificate;
let stack: SipTestStack;
let rig: CallControlRig;
beforeAll(async () => {
  cert = selfSignedCertificate();
  stack = await startSipTestStack({
    // libre 1.x (baresip 1.0) aborts on any SHA-256 challenge, so this stack offers MD5 only.
    sip: { tlsCert: cert.certFile, tlsKey: cert.keyFile, digestAlgorithms: ['MD5'] },
    https: { cert: cert.cert, key: cert.key },
  });
  rig = callControlRig(stack);
});
afterAll(async () => {
  await stack.close();
  cert.remove();
});

/** Rings `phone` (registered as agent `username`) and plays the callee: 200, ACK, then our BYE. */
async function callAndHangUp(phone: RawSipPeer, username: string, transport: string): Promise<void> {
  const legId = await rig.originate(await rig.targetsOf(username));
  const invite = await phone.request('INVITE');
  expect(invite.via[0]?.transport).toBe(transport);
  expect(getHeader(invite, 'Contact')).toMatch(new RegExp(`;transport=${transport.toLowerCase()}>$`));
  expect(serializeUri(invite.uri)).toMatch(
    new RegExp(`@${phone.host};transport=${transport.toLowerCase()}$`),
  );
  phone.answer(invite, 200, 'OK', { toTag: `${transport}-callee`, sdp: peerSdp() });
  expect((await phone.request('ACK')).via[0]?.transport).toBe(transport);
  await rig.event('LegAnswered', legId);
  await rig.run({ type: 'HangUp', legId });
  const bye = await phone.request('BYE');
  expect(bye.via[0]?.transport).toBe(transport);
  phone.answer(bye, 200, 'OK');
  await rig.event('LegEnded', legId);
}

describe('SIP over TLS', () => {
  it('registers a TLS client and calls it over the same connection, Vias saying TLS', async () => {
    const phone = await RawSipPeer.stream(stack.ports.tls ?? 0, cert.cert);
    try {
      expect((await phone.register('1001', DEMO_SIP_PASSWORD)).status).toBe(200);
      const [target] = await rig.targetsOf('agent1');
      expect(target?.destination?.flow).toMatchObject({ transport: 'TLS' });
      await callAndHangUp(phone, 'agent1', 'TLS');
      // Everything went over the phone's own connection: the server never opened another.
      expect(await stack.metric('sip_connections', { transport: 'TLS' })).toBe(1);
    } finally {
      await phone.close();
    }
  });

  it('registers baresip over TLS, trusting the certificate, and rings it there', async () => {
    const phone = startBaresip({
      user: '1002',
      password: DEMO_SIP_PASSWORD,
      serverPort: stack.ports.tls ?? 0,
      transport: 'tls',
      caFile: cert.certFile,
      answerMode: 'auto',
      sipTrace: true,
    });
    try {
      expect(await phone.registered()).toContain('Switchboard');
      const targets = await rig.targetsOf('agent2');
      expect(targets[0]?.destination?.flow).toMatchObject({ transport: 'TLS' });
      const legId = await rig.originate(targets);
      await rig.event('LegAnswered', legId);
      const trace = phone.peer.output();
      expect(trace).toMatch(/INVITE sip:1002-[^\s]+;transport=tls SIP\/2\.0/);
      expect(trace).toMatch(/Via: SIP\/2\.0\/TLS 127\.0\.0\.1:\d+;branch=/);
      expect(trace).toMatch(/Contact: <sip:switchboard@127\.0\.0\.1:\d+;transport=tls>/);
      await rig.run({ type: 'HangUp', legId });
      await phone.peer.waitFor(/BYE sip:1002-[^\s]+ SIP\/2\.0/);
      await rig.event('LegEnded', legId);
    } finally {
      await phone.stop();
    }
  });
});

describe('SIP over secure WebSocket', () => {
  it('registers over wss://…/sip and calls the softphone there, Vias saying WSS', async () => {
    const phone = await RawSipPeer.websocket(`wss://127.0.0.1:${stack.httpPort}/sip`, cert.cert);
    try {
      expect((await phone.register('1003', DEMO_SIP_PASSWORD)).status).toBe(200);
      const [target] = await rig.targetsOf('agent3');
      expect(target?.destination?.flow).toMatchObject({ transport: 'WSS' });
      await callAndHangUp(phone, 'agent3', 'WSS');
    } finally {
      await phone.close();
    }
  });
});

/** GET over HTTPS trusting `ca`; the status, or 0 when the server does not answer yet. */
function httpsStatus(url: string, ca: Buffer): Promise<number> {
  return new Promise((resolve) => {
    const req = request(url, { ca }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', () => resolve(0));
    req.end();
  });
}

describe('the server process with --http-tls-cert and --http-tls-key', () => {
  it('serves HTTPS, and SIP over WSS at /sip', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'switchboard-https-'));
    const httpPort = await freePort();
    const server = startServer(
      ['--http-port', String(httpPort), '--sip-port', String(await freePort()), '--data-dir', dataDir],
      { HTTP_TLS_CERT: cert.certFile, HTTP_TLS_KEY: cert.keyFile },
    );
    try {
      await expect
        .poll(() => httpsStatus(`https://127.0.0.1:${httpPort}/health`, cert.cert), {
          timeout: 45_000,
          interval: 200,
        })
        .toBe(200);
      const phone = await RawSipPeer.websocket(`wss://127.0.0.1:${httpPort}/sip`, cert.cert);
      try {
        expect((await phone.register('1001', DEMO_SIP_PASSWORD)).status).toBe(200);
      } finally {
        await phone.close();
      }
      expect(server.stdout()).toContain(`"url":"https://127.0.0.1:${httpPort}"`);
    } finally {
      server.child.kill('SIGTERM');
      await server.exited;
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
