import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runSipp } from '../../test/support/sipp';
import { DEMO_SIP_PASSWORD, startSipTestStack, type SipTestStack } from '../../test/support/sip-test-stack';

let stack: SipTestStack;
beforeAll(async () => {
  // sipp 3.6 answers only the first challenge it reads, and handles MD5 best: offer MD5 first here.
  stack = await startSipTestStack({ sip: { digestAlgorithms: ['MD5', 'SHA-256'] } });
});
afterAll(() => stack.close());

describe.each(['udp', 'tcp'] as const)('sipp over %s', (transport) => {
  const port = (): number => (transport === 'udp' ? stack.ports.udp : stack.ports.tcp);

  it('registers with digest auth, fetches its bindings and unregisters', async () => {
    const r = await runSipp({
      scenario: 'register-auth.xml',
      port: port(),
      transport,
      calls: 3,
      args: ['-s', '1002', '-au', '1002', '-ap', DEMO_SIP_PASSWORD],
    });
    expect(r.exitCode, r.output).toBe(0);
    expect(r.successful).toBe(3);
    const agent = await stack.agent('agent2');
    expect(await stack.telephony.registrar.contactsFor(agent.tenantId, agent.userId)).toEqual([]);
  });

  it('answers 403 alike to a wrong password and to an unknown user', async () => {
    for (const [user, password] of [
      ['1003', 'not-the-password'],
      ['9999', DEMO_SIP_PASSWORD],
    ]) {
      const r = await runSipp({
        scenario: 'register-wrong-password.xml',
        port: port(),
        transport,
        args: ['-s', user!, '-au', user!, '-ap', password!],
      });
      expect(r.exitCode, r.output).toBe(0);
    }
  });

  it('answers OPTIONS with its capabilities', async () => {
    const r = await runSipp({ scenario: 'options.xml', port: port(), transport, calls: 5 });
    expect(r.exitCode, r.output).toBe(0);
    expect(r.successful).toBe(5);
  });

  it('keeps serving valid requests interleaved with garbage', async () => {
    const before = await stack.metric('sip_messages_dropped_total', { reason: 'malformed_response' });
    const r = await runSipp({ scenario: 'garbage-then-valid.xml', port: port(), transport, calls: 3 });
    expect(r.exitCode, r.output).toBe(0);
    expect(r.successful).toBe(3);
    const after = await stack.metric('sip_messages_dropped_total', { reason: 'malformed_response' });
    expect(after - before).toBe(3);
  });
});
