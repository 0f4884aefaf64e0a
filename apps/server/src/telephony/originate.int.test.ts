import { createSocket } from 'node:dgram';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sipUri, type Dialog, type SipResponse } from '@switchboard/sip';
import { requireBinary, startPeer } from '../../test/support/peer-process';
import { SIPP } from '../../test/support/sipp';
import { startSipTestStack, type SipTestStack } from '../../test/support/sip-test-stack';
import { createOutboundRequest } from './outbound-request';

let stack: SipTestStack;
let dir: string;
beforeAll(async () => {
  stack = await startSipTestStack();
  dir = mkdtempSync(join(tmpdir(), 'switchboard-originate-'));
});
afterAll(async () => {
  await stack.close();
  rmSync(dir, { recursive: true, force: true });
});

const OFFER = ['v=0', 'o=- 1 1 IN IP4 127.0.0.1', 's=-', 'c=IN IP4 127.0.0.1', 't=0 0']
  .concat(['m=audio 9 RTP/AVP 0', 'a=rtpmap:0 PCMU/8000', ''])
  .join('\r\n');

function freeUdpPort(): Promise<number> {
  const socket = createSocket('udp4');
  return new Promise((resolve) =>
    socket.bind(0, '127.0.0.1', () => {
      const { port } = socket.address();
      socket.close(() => resolve(port));
    }),
  );
}

describe('originating through the user-agent core over UDP', () => {
  it('calls sipp uas: 180 and 200 make the dialog, the 2xx is ACKed, BYE ends it', async () => {
    requireBinary(SIPP, 'sip-tester');
    const port = await freeUdpPort();
    const uas = startPeer(
      SIPP,
      ['-sn', 'uas', '-i', '127.0.0.1', '-p', String(port), '-t', 'u1', '-m', '1', '-nostdin'].concat([
        '-timeout',
        '20s',
        '-timeout_error',
      ]),
      { cwd: dir },
    );
    try {
      const { userAgent, local } = stack.telephony;
      const invite = createOutboundRequest(userAgent, local, {
        method: 'INVITE',
        target: sipUri({ user: 'agent', host: '127.0.0.1', port }),
        from: { uri: sipUri({ user: '4008001234', host: '127.0.0.1' }), params: {} },
        to: { uri: sipUri({ user: 'agent', host: '127.0.0.1' }), params: {} },
        body: OFFER,
        contentType: 'application/sdp',
      });
      if (!invite.ok) throw new Error(invite.error.message);
      const statuses: number[] = [];
      const answered = new Promise<Dialog>((resolve) => {
        // Timer A retransmits the INVITE until sipp has bound its port (RFC 3261 §17.1.1.2).
        const sent = userAgent.sendInvite(
          invite.value,
          { host: '127.0.0.1', port },
          {
            receiveResponse: (r: SipResponse, dialog) => {
              statuses.push(r.status);
              if (r.status === 200 && dialog !== undefined) resolve(dialog);
            },
          },
        );
        expect(sent.ok).toBe(true);
      });
      const dialog = await answered;
      expect(statuses).toContain(180);
      expect(dialog.state).toBe('confirmed');
      expect(userAgent.bye(dialog).ok).toBe(true);
      expect(await uas.exited(10_000), uas.output()).toBe(0);
      expect(userAgent.dialogs.size).toBe(0);
    } finally {
      await uas.kill();
    }
  });
});
