import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { CallQuality } from '@switchboard/media';
import type { BackendLeg } from '../media/media-backend';
import { MediaWorkerPool } from '../media/media-worker-pool';
import { IDLE_WORKER_ACTIVITY, type MediaWorkerActivity } from '../media/media-worker-protocol';
import { WorkerMediaBackend } from '../media/worker-media-backend';
import { loopbackOnly, until } from './test-support/chromium-call';
import { HostedWebRtcEndpoint } from './hosted-webrtc-endpoint';
import type { WebRtcEndpointEvent } from './webrtc-endpoint';
import { WebRtcLeg } from './webrtc-leg';
import { testPortRange } from '../../test/support/test-ports';

// A browser's WebRTC leg on a media worker, driven from the main thread. The "browser" is a werift
// peer of its own (another WebRtcLeg) on loopback; Chromium's calls through the whole center are
// in browser-agent.int.test.ts and browser-rejoin.int.test.ts.

const ICE = { bindAddress: '127.0.0.1' } as const;
/** An offer a browser could not make us use: G.722 only. */
const G722_ONLY = [
  'v=0',
  'o=- 1 1 IN IP4 127.0.0.1',
  's=-',
  't=0 0',
  'm=audio 9 UDP/TLS/RTP/SAVPF 9',
  'c=IN IP4 0.0.0.0',
  'a=rtpmap:9 G722/8000',
  'a=sendrecv',
  '',
].join('\r\n');

let pool: MediaWorkerPool;
let backend: WorkerMediaBackend;
const events: { legId: string; event: WebRtcEndpointEvent }[] = [];
const closers: (() => void)[] = [];
let next = 0;

beforeAll(() => {
  pool = new MediaWorkerPool({
    workers: 1,
    ports: { bindAddress: '127.0.0.1', ...testPortRange(100) },
  });
  backend = new WorkerMediaBackend({ pool });
});

afterAll(() => pool.close());

afterEach(() => {
  for (const close of closers.splice(0)) close();
  events.length = 0;
});

/** Opens a browser's legs as call leg `legId`, answering `remoteOffer` or offering first. */
function open(legId: string, remoteOffer?: string) {
  return HostedWebRtcEndpoint.open(
    (request, onReport) => backend.openBrowserLeg(request, onReport),
    { legId, ...(remoteOffer === undefined ? {} : { remoteOffer }) },
    { ice: ICE, noRtpTimeoutMs: 60_000, onEvent: (legId, event) => events.push({ legId, event }) },
  );
}

function browserPeer(): WebRtcLeg {
  const peer = new WebRtcLeg({ id: `browser-${++next}`, ice: ICE });
  closers.push(() => peer.close());
  return peer;
}

/** A browser peer's offer, answered on the worker as call leg `legId`: both ends, not yet connected. */
async function answeredBrowser(legId: string) {
  const browser = browserPeer();
  const offer = await browser.offer();
  if (!offer.ok) throw new Error(offer.error.message);
  const opened = await open(legId, loopbackOnly(offer.value));
  if (!opened.ok) throw new Error(`${opened.error.code}: ${opened.error.message}`);
  return { browser, ...opened.value };
}

async function worker(): Promise<MediaWorkerActivity> {
  const [health] = await pool.health();
  if (!health?.ok) throw new Error('no health from the media worker');
  return health.value.activity;
}

/** Packets the RTP leg behind the endpoint receives from the browser, tapped onto this thread. */
function countReceived(rtp: BackendLeg): { count: number } {
  const seen = { count: 0 };
  backend.tap(rtp).setSink({ receiveRtp: () => void seen.count++ });
  return seen;
}

describe('HostedWebRtcEndpoint', () => {
  it("answers a browser's offer on a media worker and carries its audio both ways there", async () => {
    const legId = 'agent-answering';
    const { browser, endpoint, rtp } = await answeredBrowser(legId);
    expect(endpoint.localSdp).toContain('PCMU/8000');
    expect((await browser.acceptAnswer(loopbackOnly(endpoint.localSdp))).ok).toBe(true);

    await until(() => browser.state === 'connected', 10_000, 'the browser to connect');
    await until(
      () => events.find((e) => e.legId === legId && e.event.type === 'transport-connected'),
      10_000,
      'transport-connected from the worker',
    );
    // werift runs on the worker, next to the RTP leg: one of each there.
    expect(await worker()).toMatchObject({ legs: 1, browserLegs: 1 });

    // Browser → worker: its frames reach the RTP leg (and cross to this thread only because tapped).
    const received = countReceived(rtp);
    const frame = new Uint8Array(160).fill(0xff);
    for (let i = 0; i < 25; i++) browser.sendFrame(frame);
    await until(() => received.count >= 20, 5_000, 'the browser frames at the RTP leg');

    // Worker → browser: what the RTP leg sends (hold silence) reaches the page's peer.
    let heard = 0;
    browser.setSink({ receiveRtp: () => void heard++ });
    const audio = backend.audio(rtp);
    audio.startMusic();
    await until(() => heard >= 10, 5_000, 'the RTP leg audio at the browser');
    audio.dispose();

    // Closing: the quality of the browser's transport comes back, and nothing stays on the worker.
    const qualities: CallQuality[] = [];
    endpoint.onQuality((quality) => qualities.push(quality));
    endpoint.close();
    rtp.close();
    await until(() => qualities.length === 1, 5_000, 'the quality of the browser leg');
    expect(qualities[0]!.packetsReceived).toBeGreaterThanOrEqual(20);
    await until(async () => (await worker()).legs === 0, 5_000, 'the legs closed');
    expect(await worker()).toEqual(IDLE_WORKER_ACTIVITY);
  });

  it('closes the WebRTC leg with its RTP leg, so no transport outlives its call', async () => {
    const { rtp } = await answeredBrowser('agent-closing');
    expect(await worker()).toMatchObject({ legs: 1, browserLegs: 1 });
    // Signalling ends the call by its RTP leg alone (a failed bridge, a hang-up before answer).
    rtp.close();
    await until(async () => (await worker()).browserLegs === 0, 5_000, 'the WebRTC leg closed');
    expect(await worker()).toEqual(IDLE_WORKER_ACTIVITY);
  });

  it('refuses an offer without PCMU or Opus with 488, and opens nothing on the worker', async () => {
    const opened = await open('agent-g722', G722_ONLY);
    expect(opened.ok).toBe(false);
    if (opened.ok) return;
    expect(opened.error.code).toBe('WEBRTC.NO_COMMON_CODEC');
    expect(opened.error.details?.['status']).toBe(488);
    expect(await worker()).toEqual(IDLE_WORKER_ACTIVITY);
  });

  it("offers first, refuses a useless answer at once on this thread, and takes the browser's real one", async () => {
    const legId = 'agent-offering';
    const opened = await open(legId);
    if (!opened.ok) throw new Error(opened.error.message);
    const { endpoint, rtp } = opened.value;
    closers.push(() => rtp.close());
    expect(endpoint.localSdp).toContain('a=setup:actpass');

    const refused = endpoint.acceptAnswer(G722_ONLY);
    expect(refused.ok).toBe(false);
    if (!refused.ok) expect(refused.error.details?.['status']).toBe(488);

    const browser = browserPeer();
    const answer = await browser.answer(loopbackOnly(endpoint.localSdp));
    if (!answer.ok) throw new Error(answer.error.message);
    expect(endpoint.acceptAnswer(loopbackOnly(answer.value)).ok).toBe(true);
    await until(
      () => events.find((e) => e.legId === legId && e.event.type === 'transport-connected'),
      10_000,
      'transport-connected from the worker',
    );
    // The worker's DTLS may finish a moment before the browser's own: wait for both ends.
    await until(() => browser.state === 'connected', 10_000, 'the browser to connect');
  });

  it('ends the RTP leg of a browser whose worker dies, and opens the next browser on its replacement', async () => {
    const { rtp } = await answeredBrowser('agent-crash');
    const closed = new Promise((resolve) => rtp.on('closed', resolve));
    pool.crashWorker(0);
    // The call is over (its sockets and werift went with the thread), and signalling hears so.
    expect(await closed).toMatchObject({ reason: 'worker-failed' });

    const next = await answeredBrowser('agent-after-crash');
    closers.push(() => next.rtp.close());
    expect(await worker()).toMatchObject({ legs: 1, browserLegs: 1 });
  });
});
