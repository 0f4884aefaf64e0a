/**
 * Music on hold over real UDP: the generated melody, written to the prompt cache, loops to a
 * caller's RTP leg; an announcement interrupts it and the melody comes back after it.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeG711, encodeWav } from '@switchboard/media';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toneShare } from '../../test/support/tone-analysis';
import { MediaService } from '../media';
import { RtpTestPeer } from '../media/rtp-test-peer';
import { MediaServicePort } from './media-service-port';
import { holdMusicClip, signalAudioFiles } from './signal-audio-files';
import { testPortRange } from '../../test/support/test-ports';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sb-hold-music-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

/** Decoded audio of the RTP packets received from index `from` on. */
function heard(peer: RtpTestPeer, from = 0): Int16Array {
  const payloads = peer.received
    .slice(from)
    .flatMap((d) => (d.rtp?.payloadType === 0 ? [d.rtp.payload] : []));
  const out = new Int16Array(payloads.length * 160);
  payloads.forEach((p, i) => decodeG711('pcmu', p, out.subarray(i * 160, i * 160 + p.length)));
  return out;
}

describe('music on hold on an RTP leg', () => {
  it('loops the generated melody, pauses it for an announcement and resumes it', async () => {
    const signals = signalAudioFiles(dir);
    const media = new MediaService({ ports: { bindAddress: '127.0.0.1', ...testPortRange(10) } });
    const port = new MediaServicePort({
      media,
      musicOnHold: holdMusicClip(signals, media.prompts),
    });
    const caller = await RtpTestPeer.open();
    try {
      const sdp = [
        'v=0',
        'o=caller 1 1 IN IP4 127.0.0.1',
        's=-',
        'c=IN IP4 127.0.0.1',
        't=0 0',
        `m=audio ${caller.address.port} RTP/AVP 0`,
        'a=rtpmap:0 PCMU/8000',
        'a=sendrecv',
        '',
      ].join('\r\n');
      const opened = await port.open({ legId: 'leg-1', remoteOffer: sdp });
      expect(opened.ok).toBe(true);
      port.holdMusic().start('leg-1');
      await caller.waitForRtp(50, 5000);
      // The melody opens on C major: middle C rings, the G below it (the next chord) does not yet.
      const opening = heard(caller).subarray(0, 8000);
      expect(toneShare(opening, 261.63)).toBeGreaterThan(0.05);
      expect(toneShare(opening, 261.63)).toBeGreaterThan(10 * toneShare(opening, 196));

      const announcement = join(dir, 'announcement.wav');
      const tone = Int16Array.from({ length: 4000 }, (_, i) =>
        Math.round(8000 * Math.sin((2 * Math.PI * 1400 * i) / 8000)),
      );
      await writeFile(
        announcement,
        encodeWav({ encoding: 'pcm16', sampleRate: 8000, channels: 1 }, new Uint8Array(tone.buffer)),
      );
      const before = caller.received.length;
      const ended: string[] = [];
      port.promptPlayer().play('leg-1', { path: announcement, durationMs: 500 }, (end) => ended.push(end));
      await caller.waitFor(() => ended.length > 0, 5000, 'announcement end');
      const afterPrompt = caller.received.length;
      await caller.waitForRtp(afterPrompt + 40, 5000);
      // The announcement was heard in full, and the melody came back after it.
      expect(ended).toEqual(['completed']);
      expect(toneShare(heard(caller, before).subarray(800, 3200), 1400)).toBeGreaterThan(0.9);
      const resumed = heard(caller, afterPrompt + 2);
      expect(toneShare(resumed, 1400)).toBeLessThan(0.01);
      expect(
        toneShare(resumed.subarray(0, 2400), 261.63) + toneShare(resumed.subarray(0, 2400), 329.63),
      ).toBeGreaterThan(0.1);
      port.holdMusic().stop('leg-1');
    } finally {
      port.closeAll();
      media.closeAll();
      caller.close();
    }
  }, 20_000);
});
