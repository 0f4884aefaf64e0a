import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runSipp } from '../../test/support/sipp';
import { startSipTestStack, type SipTestStack } from '../../test/support/sip-test-stack';

const NUMBER = '9196';
let direct: SipTestStack;
let ringing: SipTestStack;
beforeAll(async () => {
  direct = await startSipTestStack({ sip: { answerTestNumber: NUMBER } });
  // Rings long enough for the caller to give up first.
  ringing = await startSipTestStack({ sip: { answerTestNumber: NUMBER, answerTestRingMs: 5_000 } });
});
afterAll(async () => {
  await direct?.close();
  await ringing?.close();
});

describe.each(['udp', 'tcp'] as const)('calls to the answer test number over %s', (transport) => {
  const port = (s: SipTestStack): number => (transport === 'udp' ? s.ports.udp : s.ports.tcp);
  const args = ['-s', NUMBER];

  it('answers with a PCMU SDP answer, takes the ACK and the BYE', async () => {
    const r = await runSipp({
      scenario: 'invite-answer-bye.xml',
      port: port(direct),
      transport,
      calls: 2,
      args,
    });
    expect(r.exitCode, r.output).toBe(0);
    expect(r.successful).toBe(2);
    expect(direct.telephony.userAgent.dialogs.size).toBe(0);
  });

  it('answers a re-INVITE putting it on hold (a=sendonly) with a=recvonly', async () => {
    const r = await runSipp({ scenario: 'reinvite-hold.xml', port: port(direct), transport, args });
    expect(r.exitCode, r.output).toBe(0);
    expect(r.successful).toBe(1);
  });

  it('ends a ringing call on CANCEL: 200 to the CANCEL, 487 to the INVITE', async () => {
    const r = await runSipp({ scenario: 'invite-cancel.xml', port: port(ringing), transport, args });
    expect(r.exitCode, r.output).toBe(0);
    expect(r.successful).toBe(1);
    expect(ringing.telephony.userAgent.dialogs.size).toBe(0);
  });

  it('still answers other numbers 480', async () => {
    const r = await runSipp({
      scenario: 'invite-answer-bye.xml',
      port: port(direct),
      transport,
      args: ['-s', '4008001234'],
      timeoutMs: 5_000,
    });
    expect(r.exitCode).not.toBe(0);
    expect(r.output).toMatch(/480/);
  });
});
