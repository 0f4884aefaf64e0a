import {
  dtmfToneSpec,
  encodeG711,
  telephoneEventPackets,
  ToneGenerator,
  type DtmfDigit,
  type G711Law,
} from '@switchboard/media';
import { afterEach, describe, expect, it } from 'vitest';
import { MediaConnections } from './media-connections';
import type { MediaLeg } from './media-leg';
import type { LegCodec, MediaLegEvents } from './media-leg-types';
import { MediaTestHarness, PCMA, PCMU, rtpOf } from './media-test-harness';
import { eventually, RtpTestPeer } from './rtp-test-peer';

let h: MediaTestHarness;
const peers: RtpTestPeer[] = [];
afterEach(() => {
  h?.close();
  for (const p of peers.splice(0)) p.close();
});

/**
 * A phone that dials by tones in its audio, one 20 ms packet per media tick: each packet is
 * awaited at the leg before the media clock moves on, so arrival times are those of a real phone.
 */
class TonePhone {
  private k = 0;
  private seq = 0;
  constructor(
    readonly peer: RtpTestPeer,
    readonly law: G711Law,
    private readonly leg: MediaLeg,
  ) {}

  /** Each digit: 100 ms of its two tones (Q.23 levels), then 100 ms of silence; optionally also as RFC 4733 events. */
  async dial(digits: string, alsoAsEvents = false): Promise<void> {
    for (const digit of digits as Iterable<DtmfDigit>) {
      const tone = new ToneGenerator(dtmfToneSpec(digit, { onMs: 100, offMs: 100 }));
      const events = alsoAsEvents
        ? telephoneEventPackets({ event: digit, durationMs: 100, timestamp: 160 * this.k, sequenceNumber: 0 })
        : [];
      for (let f = 0; f < 10; f++) {
        const due = events.filter((e) => e.sendAtMs <= f * 20);
        events.splice(0, due.length);
        // A gateway sending both puts the event packets beside the audio (RFC 4733 §2.6 frowns on it).
        for (const e of due) this.send(101, e.timestamp, e.payload, e.marker);
        await this.sendFrame(tone, due.length);
      }
      for (const e of events) this.send(101, e.timestamp, e.payload, e.marker);
    }
  }

  /** Audio without tones. */
  async silence(frames: number): Promise<void> {
    const quiet = new ToneGenerator({ name: 'quiet', components: [], cadence: [] });
    for (let f = 0; f < frames; f++) await this.sendFrame(quiet);
  }

  private async sendFrame(tone: ToneGenerator, alsoSent = 0): Promise<void> {
    const linear = new Int16Array(160);
    tone.fill(linear);
    const payload = new Uint8Array(160);
    encodeG711(this.law, linear, payload);
    const want = this.leg.stats().counters.received + 1 + alsoSent;
    this.send(this.law === 'pcmu' ? 0 : 8, 160 * this.k++, payload, false);
    await eventually(() => this.leg.stats().counters.received >= want, 3000, 'the packet at the leg');
    h.advance(20);
  }

  private send(payloadType: number, timestamp: number, payload: Uint8Array, marker: boolean): void {
    const to = rtpOf(this.leg);
    this.peer.sendRtp(
      { payloadType, marker, sequenceNumber: this.seq++, timestamp, ssrc: 0x70e, payload },
      to,
    );
  }
}

async function phone(
  codec: LegCodec,
): Promise<{ phone: TonePhone; leg: MediaLeg; digits: MediaLegEvents['dtmf'][] }> {
  const peer = await RtpTestPeer.open();
  peers.push(peer);
  const leg = await h.leg(codec, peer.address);
  const digits: MediaLegEvents['dtmf'][] = [];
  leg.on('dtmf', (e) => digits.push(e));
  return { phone: new TonePhone(peer, codec.law, leg), leg, digits };
}

const NO_EVENTS_PCMU: LegCodec = { law: 'pcmu', payloadType: 0 };

describe('In-band DTMF fallback', () => {
  it('detects μ-law tones on a leg that negotiated no telephone-event', async () => {
    h = new MediaTestHarness();
    const { phone: p, digits } = await phone(NO_EVENTS_PCMU);
    await p.silence(3);
    await p.dial('4008#*9');
    await p.silence(3);
    await eventually(() => digits.length >= 7, 3000, 'seven digits');
    expect(digits.map((d) => d.digit).join('')).toBe('4008#*9');
    expect(digits.every((d) => d.source === 'in-band')).toBe(true);
  });

  it('detects A-law tones on a leg with telephone-event that sends tones anyway', async () => {
    h = new MediaTestHarness();
    const { phone: p, digits } = await phone(PCMA);
    await p.silence(3);
    await p.dial('1234');
    await eventually(() => digits.length >= 4, 3000, 'four digits');
    expect(digits.map((d) => d.digit).join('')).toBe('1234');
  });

  it('reports a press carried both as RFC 4733 events and as tones once', async () => {
    h = new MediaTestHarness();
    const { phone: p, leg, digits } = await phone(PCMU);
    await p.silence(3);
    await p.dial('5', true);
    await p.dial('55', true);
    await p.silence(10);
    expect(digits.map((d) => `${d.digit}:${d.source}`)).toEqual(['5:rfc4733', '5:rfc4733', '5:rfc4733']);
    expect(leg.stats().dtmf.events).toBe(3);
  });

  it('leaves the relayed audio of a bridged leg with telephone-event to the other party', async () => {
    h = new MediaTestHarness();
    const caller = await phone(PCMU);
    const agent = await phone(PCMU);
    const connections = new MediaConnections({
      media: { ticker: h.ticker, recorder: () => Promise.reject(new Error('no recording')) },
    });
    await connections.connect(caller.leg, agent.leg);
    await caller.phone.silence(3);
    await caller.phone.dial('7');
    await agent.phone.peer.waitForRtp(10);
    expect(caller.digits).toEqual([]);
    connections.disconnect(caller.leg.id);
    await caller.phone.dial('8');
    await eventually(() => caller.digits.length === 1, 3000, 'a digit once unbridged');
    expect(caller.digits[0]).toMatchObject({ digit: '8', source: 'in-band' });
  });
});
