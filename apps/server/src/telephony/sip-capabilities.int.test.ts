/**
 * One capability list on the wire (RFC 3261 §11.2, §20): OPTIONS sent to the server's UDP port get
 * the same Allow, Accept and Supported whether telephony answers (before call control attaches) or
 * call control's own core does (after), and a 405 names the same methods.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InMemoryMedia } from '../calls';
import { SERVER_CAPABILITIES } from '../calls/capabilities';
import { uuidV7Ids } from '../uuid-v7';
import { sipRequest, statusOf, UdpClient } from '../../test/support/raw-sip';
import { startSipTestStack, type SipTestStack } from '../../test/support/sip-test-stack';
import { attachCallControl } from './attach-call-control';

let stack: SipTestStack;
let client: UdpClient;

beforeAll(async () => {
  stack = await startSipTestStack();
  client = await UdpClient.open();
});
afterAll(async () => {
  client.close();
  await stack.close();
});

function header(message: string, name: string): string | undefined {
  return new RegExp(`^${name}:[ \\t]*(.*)$`, 'mi').exec(message)?.[1]?.trim();
}

let attached = false;

/** Call control takes over the server's calls (once), refusing every number with 404. */
function attachControl(): void {
  if (attached) return;
  attached = true;
  attachCallControl(stack.telephony, {
    media: new InMemoryMedia({ address: '127.0.0.1' }),
    ids: uuidV7Ids(stack.clock),
    clock: stack.clock,
    inbound: { offer: () => ({ action: 'reject', status: 404, cause: 'unknown-number' }) },
  });
}

/** Sends `method` out of any dialog and returns the final response. */
async function ask(method: string, extra: readonly string[] = []): Promise<string> {
  const callId = `caps-${method}-${randomUUID()}`;
  client.send(stack.ports.udp, sipRequest({ method, callId, extra }));
  const response = await client.next((m) => m.includes(callId) && statusOf(m) >= 200, 5_000);
  if (response === undefined) throw new Error(`no answer to ${method}`);
  return response;
}

const capabilities = (m: string) => ({
  allow: header(m, 'Allow'),
  accept: header(m, 'Accept'),
  supported: header(m, 'Supported'),
});

const EXPECTED = {
  allow: SERVER_CAPABILITIES.allow.join(', '),
  accept: SERVER_CAPABILITIES.accept.join(', '),
  supported: SERVER_CAPABILITIES.supported.join(', '),
};

describe('the capabilities the server announces', () => {
  it('are the same from telephony and from call control, and name what the server does', async () => {
    const beforeOptions = await ask('OPTIONS');
    const beforeSubscribe = await ask('SUBSCRIBE');
    expect(statusOf(beforeOptions)).toBe(200);
    expect(capabilities(beforeOptions)).toEqual(EXPECTED);

    attachControl();
    const afterOptions = await ask('OPTIONS');
    expect(statusOf(afterOptions)).toBe(200);
    expect(capabilities(afterOptions)).toEqual(EXPECTED);

    const allow = EXPECTED.allow.split(', ');
    expect(allow).toEqual(
      expect.arrayContaining(['REGISTER', 'INVITE', 'INFO', 'UPDATE', 'REFER', 'NOTIFY']),
    );
    // An INVITE with Replaces takes over the leg of the dialog it names (RFC 3891): announced.
    expect(EXPECTED.supported.split(', ')).toEqual(['timer', 'norefersub', 'replaces']);

    // A method the server does not take: 405 naming the same list, before and after.
    const afterSubscribe = await ask('SUBSCRIBE');
    expect([statusOf(beforeSubscribe), statusOf(afterSubscribe)]).toEqual([405, 405]);
    expect(header(beforeSubscribe, 'Allow')).toBe(EXPECTED.allow);
    expect(header(afterSubscribe, 'Allow')).toBe(EXPECTED.allow);
    // An allowed method that needs a dialog, outside one (RFC 3261 §12.2.2).
    expect(statusOf(await ask('UPDATE'))).toBe(481);
  });

  it('takes an INVITE requiring replaces or timer past the extension check (RFC 3261 §8.2.2.3)', async () => {
    attachControl();
    const replaces = await ask('INVITE', [
      'Require: replaces',
      'Replaces: gone@127.0.0.1;to-tag=a;from-tag=b',
    ]);
    // Understood, and matched against our dialogs: none has that id (RFC 3891 §3).
    expect(statusOf(replaces)).toBe(481);
    expect(header(replaces, 'Unsupported')).toBeUndefined();
    const unknown = await ask('INVITE', ['Require: 100rel']);
    expect(statusOf(unknown)).toBe(420);
    expect(header(unknown, 'Unsupported')).toBe('100rel');
    // Past the extension check: the number plan of this test refuses every call.
    const timer = await ask('INVITE', ['Require: timer', 'Supported: timer', 'Session-Expires: 1800']);
    expect(statusOf(timer)).toBe(404);
  });
});
