import { describe, expect, it } from 'vitest';
import { seededRandom } from '@switchboard/kernel';
import {
  createRequest,
  getHeader,
  sipUri,
  UserAgentCore,
  type Dialog,
  type HeaderField,
  type LocalEndpoint,
  type SipRequest,
  type SipResponse,
} from '@switchboard/sip';
import { InMemoryMedia } from './in-memory-media';
import { buildInvite, newCallId } from './outbound-invite';
import { sdpBody } from './sdp-body';
import {
  B2BUA,
  callHarness,
  HOTLINE,
  NOTHING_LEFT,
  type Harness,
  type HarnessOptions,
} from './test-peers/call-harness';

const CARRIER_HOST = '198.51.100.9';
const BASIC_ALLOW = 'INVITE, ACK, CANCEL, BYE, OPTIONS';

/** Options of {@link Carrier}. */
interface CarrierOptions {
  /** The Allow of its INVITE; none at all when undefined. */
  readonly allow?: string;
  /** How it answers an UPDATE; 200 by default. */
  updateStatus?: number;
  /** How it answers a re-INVITE; 200 with its SDP answer by default. */
  reInviteStatus?: number;
}

/**
 * A carrier that calls the hotline with a 90 s session interval but no `Supported: timer` (so the
 * B2BUA refreshes, RFC 4028 §9), announcing the Allow it is given, and answering in-dialog UPDATE
 * and re-INVITE with the statuses it is told. Its own core enforces the session: without a refresh
 * in time it sends BYE (§10).
 */
class Carrier {
  readonly core: UserAgentCore;
  readonly media = new InMemoryMedia({ address: CARRIER_HOST, firstPort: 40_000 });
  readonly received: SipRequest[] = [];
  readonly ended: string[] = [];
  answer: SipResponse | undefined;
  dialog: Dialog | undefined;
  private endpoint = '';
  private readonly local: LocalEndpoint = {
    contact: { uri: sipUri({ user: 'carrier', host: CARRIER_HOST, port: 5060 }), params: {} },
    transport: 'UDP',
    host: CARRIER_HOST,
    port: 5060,
  };

  constructor(
    h: Harness,
    readonly options: CarrierOptions,
  ) {
    this.core = new UserAgentCore({
      timers: h.clock,
      random: seededRandom(3),
      transport: h.wire.transport(CARRIER_HOST, 5060),
      local: this.local,
      // What its answers to re-INVITEs announce too.
      capabilities: {
        allow: (options.allow ?? BASIC_ALLOW).split(/,\s*/),
        accept: ['application/sdp'],
        supported: [],
      },
      handler: {
        receiveRequest: (r, tx, d) => {
          this.received.push(r);
          if (d === undefined) this.core.respond(tx, 405, 'Method Not Allowed');
          else if (r.method === 'UPDATE') this.core.respond(tx, options.updateStatus ?? 200, 'Scripted');
          else if (r.method !== 'INVITE') this.core.respond(tx, 200, 'OK');
          else if ((options.reInviteStatus ?? 200) !== 200)
            this.core.respond(tx, options.reInviteStatus!, 'Scripted');
          else {
            const answer = this.media.answerOffer(this.endpoint, sdpBody(r) ?? '');
            const body = answer.ok ? { body: answer.value, contentType: 'application/sdp' } : {};
            this.core.respond(tx, 200, 'OK', body);
          }
        },
        dialogEnded: (_d, cause) => void this.ended.push(cause),
      },
    });
    h.wire.listen(CARRIER_HOST, 5060, (m, s) => this.core.layer.receive(m, s));
  }

  async dial(): Promise<void> {
    const opened = await this.media.open({ legId: 'carrier' });
    if (!opened.ok) throw new Error(opened.error.message);
    this.endpoint = opened.value.id;
    const built = buildInvite(this.core.layer, this.local, {
      target: { uri: `sip:${HOTLINE}@${B2BUA.host}`, destination: B2BUA },
      callId: newCallId(this.core.layer, this.local),
      callerId: { number: '13912345678', host: CARRIER_HOST },
      sdp: opened.value.localSdp,
      headers: [{ name: 'Session-Expires', value: '90' }],
    });
    if (!built.ok) throw new Error(built.error.message);
    const invite = withAllow(built.value.request, this.options.allow);
    this.core.sendInvite(invite, built.value.destination, {
      receiveResponse: (r, d) => {
        if (r.status < 200 || r.status >= 300) return;
        this.answer = r;
        this.dialog = d;
      },
    });
  }

  /** Methods of the requests the B2BUA sent inside the call, in order. */
  inDialog(): string[] {
    return this.received.map((r) => r.method);
  }
}

/** `request` with its Allow replaced by `allow`, or removed. */
function withAllow(request: SipRequest, allow: string | undefined): SipRequest {
  const headers: HeaderField[] = request.headers.filter(
    (h) => h.name.toLowerCase() !== 'allow' && h.name.toLowerCase() !== 'content-length',
  );
  if (allow !== undefined) headers.push({ name: 'Allow', value: allow });
  const built = createRequest({ method: 'INVITE', uri: request.uri, headers, body: request.body });
  if (!built.ok) throw new Error(built.error.message);
  return built.value;
}

async function answeredCall(options: CarrierOptions, wire: HarnessOptions['wire'] = {}) {
  const h = callHarness({ wire });
  const carrier = new Carrier(h, options);
  await carrier.dial();
  await h.clock.run(100);
  expect(getHeader(carrier.answer!, 'Session-Expires')).toBe('90;refresher=uas');
  return { h, carrier };
}

async function hangUpAndDrain(h: Harness, carrier: Carrier) {
  carrier.core.bye(carrier.dialog!);
  await h.clock.run(100);
  expect(await h.drain()).toEqual(NOTHING_LEFT);
}

describe('session refresh by the B2BUA (RFC 4028 §7.4, §10)', () => {
  it('refreshes with a re-INVITE offering the unchanged SDP when the peer does not allow UPDATE', async () => {
    const { h, carrier } = await answeredCall({ allow: BASIC_ALLOW });
    await h.clock.run(200_000);
    const refreshes = carrier.received.filter((r) => r.method === 'INVITE');
    expect(carrier.inDialog().every((m) => m === 'INVITE')).toBe(true);
    // One per half interval, each answered before the carrier's own expiry would end the call.
    expect(refreshes.length).toBeGreaterThanOrEqual(4);
    for (const r of refreshes) {
      expect(getHeader(r, 'Session-Expires')).toBe('90;refresher=uac');
      // RFC 3264 §8: the same description, o= version included, since nothing changed.
      expect(sdpBody(r)).toBe(sdpBody(carrier.answer!));
    }
    expect(carrier.ended).toEqual([]);
    expect(h.all('LegEnded')).toEqual([]);
    await hangUpAndDrain(h, carrier);
  });

  it('refreshes with a re-INVITE when the peer sent no Allow at all', async () => {
    const { h, carrier } = await answeredCall({});
    await h.clock.run(50_000);
    expect(carrier.inDialog()).toEqual(['INVITE']);
    expect(h.all('LegEnded')).toEqual([]);
    await hangUpAndDrain(h, carrier);
  });

  it('uses UPDATE when the peer allows it', async () => {
    const { h, carrier } = await answeredCall({ allow: `${BASIC_ALLOW}, UPDATE` });
    await h.clock.run(100_000);
    expect(carrier.inDialog()).toEqual(['UPDATE', 'UPDATE']);
    expect(h.all('LegEnded')).toEqual([]);
    await hangUpAndDrain(h, carrier);
  });

  it.each([405, 501])(
    'retries an UPDATE answered %i as a re-INVITE, and keeps to re-INVITE after',
    async (status) => {
      const { h, carrier } = await answeredCall({ allow: `${BASIC_ALLOW}, UPDATE`, updateStatus: status });
      await h.clock.run(100_000);
      expect(carrier.inDialog()).toEqual(['UPDATE', 'INVITE', 'INVITE']);
      expect(carrier.ended).toEqual([]);
      expect(h.all('LegEnded')).toEqual([]);
      await hangUpAndDrain(h, carrier);
    },
  );

  it.each([481, 408])('hangs up when the refresh is answered %i', async (status) => {
    const { h, carrier } = await answeredCall({ allow: BASIC_ALLOW, reInviteStatus: status });
    await h.clock.run(46_000);
    expect(carrier.inDialog()).toEqual(['INVITE']);
    expect(carrier.ended).toEqual(['bye-received']);
    expect(h.all('LegEnded').map((e) => e.cause)).toEqual(['timeout']);
    expect(await h.drain()).toEqual(NOTHING_LEFT);
  });

  it('keeps the call after another failure, until the session interval runs out', async () => {
    // The carrier's own expiry BYE (due at the same instant) is lost, so ours is the one that counts.
    const { h, carrier } = await answeredCall(
      { allow: BASIC_ALLOW, reInviteStatus: 500 },
      { drop: (m, from) => m.kind === 'request' && m.method === 'BYE' && from.host === CARRIER_HOST },
    );
    // Refresh at 45 s fails; the session still runs to 90 s less the §10 margin (30 s): BYE at 60 s.
    await h.clock.run(59_000);
    expect(carrier.inDialog()).toEqual(['INVITE']);
    expect(h.all('LegEnded')).toEqual([]);
    await h.clock.run(2_000);
    expect(h.wire.summaries((r) => r.summary === 'BYE')).toEqual([
      `BYE ${B2BUA.host}:${B2BUA.port}->${CARRIER_HOST}:5060`,
    ]);
    expect(h.all('LegEnded').map((e) => e.cause)).toEqual(['timeout']);
    expect(await h.drain()).toEqual(NOTHING_LEFT);
  });
});
