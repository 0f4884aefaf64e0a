/**
 * A carrier's SIP server on the in-memory test wire, for the trunk unit tests: REGISTER is
 * challenged with our own DigestServer (so credentials are really checked) and answered 200 with the
 * Contact and `expires` of at most 120 s; OPTIONS gets 200. A test can script the next replies to
 * REGISTER, change the password it accepts, or make it silent.
 */
import { seededRandom, type Clock, type Timers } from '@switchboard/kernel';
import {
  createResponse,
  DigestServer,
  getHeader,
  TransactionLayer,
  type HeaderField,
  type SipRequest,
} from '@switchboard/sip';
import type { SipWire } from '../../calls/test-peers/sip-wire';

/** The account the carrier knows. */
export const CARRIER_ACCOUNT = { username: '02160001234', password: 'carrier-secret' };
/** Where the carrier listens. */
export const CARRIER_ADDRESS = { host: '192.0.2.80', port: 5060 };

/** A scripted reply. */
export interface Reply {
  status: number;
  reason: string;
  headers?: HeaderField[];
}

/** The carrier as the tests drive it. */
export interface ScriptedCarrier {
  readonly received: SipRequest[];
  /** `next`: replies to the coming REGISTERs, before the digest check takes over. */
  readonly state: { password: string; silent: boolean; next: Reply[] };
  registers(): SipRequest[];
}

/** The carrier: answers what the test script says, checking digest credentials with a real DigestServer. */
export function scriptedCarrier(wire: SipWire, clock: Clock & Timers): ScriptedCarrier {
  const digest = new DigestServer(
    { realm: 'carrier.example', secret: 'carrier-nonce-secret', algorithms: ['MD5'] },
    { clock, random: seededRandom(3) },
  );
  const received: SipRequest[] = [];
  const state: ScriptedCarrier['state'] = { password: CARRIER_ACCOUNT.password, silent: false, next: [] };
  const challengeOrOk = (request: SipRequest): Reply => {
    const authorization = getHeader(request, 'Authorization');
    const challenge = {
      status: 401,
      reason: 'Unauthorized',
      headers: digest.challenge().map((value) => ({ name: 'WWW-Authenticate', value })),
    };
    if (authorization === undefined) return challenge;
    const verdict = digest.verify({
      method: 'REGISTER',
      authorization,
      lookup: (user) => (user === CARRIER_ACCOUNT.username ? { password: state.password } : undefined),
    });
    if (!verdict.ok) return challenge;
    const expires = getHeader(request, 'Expires') ?? '3600';
    const contact = getHeader(request, 'Contact') ?? '';
    return {
      status: 200,
      reason: 'OK',
      headers: [{ name: 'Contact', value: `${contact};expires=${Math.min(120, Number(expires))}` }],
    };
  };
  const layer = new TransactionLayer({
    timers: clock,
    random: seededRandom(9),
    transport: wire.transport(CARRIER_ADDRESS.host, CARRIER_ADDRESS.port),
    user: {
      receiveRequest: (request, transaction) => {
        received.push(request);
        if (state.silent) return;
        const reply =
          request.method === 'OPTIONS'
            ? { status: 200, reason: 'OK' }
            : (state.next.shift() ?? challengeOrOk(request));
        const response = createResponse(request, reply.status, reply.reason, {
          toTag: 'prov',
          headers: reply.headers ?? [],
        });
        if (response.ok) transaction.respond(response.value);
      },
      receiveAck: () => undefined,
    },
  });
  wire.listen(CARRIER_ADDRESS.host, CARRIER_ADDRESS.port, (m, s) => {
    if (!state.silent) layer.receive(m, s);
  });
  return { received, state, registers: () => received.filter((r) => r.method === 'REGISTER') };
}
