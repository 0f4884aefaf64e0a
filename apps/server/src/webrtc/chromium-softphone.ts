import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { SIP_SOFTPHONE_TEST_PAGE } from './sip-softphone-test-page';
import { SOFTPHONE_TEST_PAGE } from './softphone-test-page';

/** Debian's Chromium; the tests never download a browser. */
export const CHROMIUM_PATH = '/usr/bin/chromium';

/** What the page's AnalyserNode hears: the loudest bin. */
export interface HeardPeak {
  readonly hz: number;
  readonly db: number;
}

/**
 * A headless Chromium with a fake microphone playing `wavPath`, and the softphone test page
 * served from 127.0.0.1 (a secure context, so getUserMedia is allowed). Each
 * {@link openPage} is one browser tab: closing it is what a reload does to the call.
 */
export class ChromiumSoftphone {
  private constructor(
    private readonly context: BrowserContext,
    private readonly server: Server,
    private readonly profile: string,
    readonly url: string,
  ) {}

  /** Launches Chromium; fails loudly, naming the Debian package, when it is not installed. */
  static async launch(wavPath: string): Promise<ChromiumSoftphone> {
    if (!existsSync(CHROMIUM_PATH))
      throw new Error(`Chromium not found at ${CHROMIUM_PATH}: install the Debian package \`chromium\``);
    const server = createServer((_, res) => {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(SOFTPHONE_TEST_PAGE);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const profile = await mkdtemp(join(tmpdir(), 'switchboard-chromium-'));
    const context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM_PATH,
      headless: true,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--use-fake-ui-for-media-stream',
        '--use-fake-device-for-media-stream',
        `--use-file-for-fake-audio-capture=${wavPath}`,
        '--autoplay-policy=no-user-gesture-required',
        '--allow-loopback-in-peer-connection',
        // A page fulfilled by the test (no address of its own) counts as public: its WebSocket
        // to the server on loopback would be blocked as a local-network request.
        '--disable-features=LocalNetworkAccessChecks',
      ],
    });
    return new ChromiumSoftphone(context, server, profile, `http://127.0.0.1:${port}/`);
  }

  /** Opens a new tab on the softphone page. */
  async openPage(): Promise<SoftphonePage> {
    const page = await this.context.newPage();
    await page.goto(this.url);
    return new SoftphonePage(page);
  }

  /**
   * Opens a new tab on the SIP softphone page (`sip-softphone-test-page.ts`) as if `origin` (the
   * server whose `/sip` it registers on) served it: the server refuses WebSocket upgrades from
   * foreign pages (RFC 6455 §10.2), and in production it serves the agent desktop itself.
   */
  async openSipPhone(origin: string): Promise<SipSoftphonePage> {
    const page = await this.context.newPage();
    const url = `${origin}/softphone-test`;
    await page.route(url, (route) =>
      route.fulfill({ status: 200, contentType: 'text/html; charset=utf-8', body: SIP_SOFTPHONE_TEST_PAGE }),
    );
    await page.goto(url);
    return new SipSoftphonePage(page);
  }

  /** Closes the browser, the page server and the profile directory. */
  async close(): Promise<void> {
    await this.context.close().catch(() => undefined);
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
    await rm(this.profile, { recursive: true, force: true });
  }
}

/** One tab of the softphone page. */
export class SoftphonePage {
  constructor(readonly page: Page) {}

  /** Builds a peer connection with the fake microphone and returns its complete offer. */
  offer(): Promise<string> {
    return this.page.evaluate('softphone.offer()') as Promise<string>;
  }

  /** Applies the server's answer. */
  async answer(sdp: string): Promise<void> {
    await this.page.evaluate(`softphone.answer(${JSON.stringify(sdp)})`);
  }

  /** `RTCPeerConnection.connectionState`. */
  state(): Promise<string> {
    return this.page.evaluate('softphone.state()') as Promise<string>;
  }

  /** The loudest frequency the page hears now. */
  peak(): Promise<HeardPeak> {
    return this.page.evaluate('softphone.peak()') as Promise<HeardPeak>;
  }

  /** Plays DTMF through RTCDTMFSender, which sends RFC 4733 telephone-events. */
  async dtmf(tones: string): Promise<void> {
    await this.page.evaluate(`softphone.dtmf(${JSON.stringify(tones)})`);
  }

  /** Mutes (`track.enabled = false`) or unmutes the microphone. */
  async mute(muted: boolean): Promise<void> {
    await this.page.evaluate(`softphone.mute(${muted})`);
  }

  /** Stops the microphone track: the browser stops sending RTP. */
  async stopSending(): Promise<void> {
    await this.page.evaluate('softphone.stopSending()');
  }

  /** Closes the tab, as a reload or a closed window does to the call. */
  async close(): Promise<void> {
    await this.page.close();
  }
}

/** One tab of the SIP softphone page: registers over WebSocket and auto-answers. */
export class SipSoftphonePage {
  constructor(readonly page: Page) {}

  /** REGISTERs `user` over `url` (`ws://…/sip`) with digest; resolves with the final status. */
  register(url: string, user: string, password: string, realm = 'switchboard'): Promise<number | string> {
    const args = [url, user, password, realm].map((a) => JSON.stringify(a)).join(', ');
    return this.page.evaluate(`sipphone.register(${args})`) as Promise<number | string>;
  }

  /** Methods and statuses received, in order, plus `answered` and `ended` marks. */
  log(): Promise<string[]> {
    return this.page.evaluate('sipphone.log()') as Promise<string[]>;
  }

  /** `RTCPeerConnection.connectionState` of the call, `none` before one. */
  state(): Promise<string> {
    return this.page.evaluate('sipphone.state()') as Promise<string>;
  }

  /** The codec the page sends. */
  codec(): Promise<string> {
    return this.page.evaluate('sipphone.codec()') as Promise<string>;
  }

  /** The loudest frequency the page hears now. */
  peak(): Promise<HeardPeak> {
    return this.page.evaluate('sipphone.peak()') as Promise<HeardPeak>;
  }

  /** Stops the microphone track: the browser stops sending RTP. */
  async stopSending(): Promise<void> {
    await this.page.evaluate('sipphone.stopSending()');
  }

  /** The payload type the page's own description gives `telephone-event/8000`, null without one. */
  offeredEventType(): Promise<number | null> {
    return this.page.evaluate('sipphone.offeredEventType()') as Promise<number | null>;
  }

  /**
   * Presses keys through RTCDTMFSender (RFC 4733 events at the type the page's SDP negotiated);
   * false when the call negotiated no telephone-event.
   */
  dtmf(tones: string): Promise<boolean> {
    return this.page.evaluate(`sipphone.dtmf(${JSON.stringify(tones)})`) as Promise<boolean>;
  }

  /**
   * Reloads the tab, as an agent pressing F5 mid-call: the peer connection and the WebSocket are
   * gone, the dialog kept in sessionStorage stays.
   */
  async reload(): Promise<void> {
    await this.page.reload();
  }

  /**
   * After a reload: registers again over a new WebSocket and takes the kept call back with an
   * INVITE carrying Replaces and a fresh offer; resolves with the INVITE's final status.
   */
  rejoin(password: string): Promise<number | string> {
    return this.page.evaluate(`sipphone.rejoin(${JSON.stringify(password)})`) as Promise<number | string>;
  }

  /** The dialog the page keeps for a rejoin (sessionStorage), null before it answered a call. */
  keptDialog(): Promise<{ callId: string; localTag: string; remoteTag: string; target: string } | null> {
    return this.page.evaluate('sipphone.kept()') as Promise<{
      callId: string;
      localTag: string;
      remoteTag: string;
      target: string;
    } | null>;
  }

  /**
   * Closes the call and the WebSocket, then the tab. Chromium keeps a closed tab's WebSocket up
   * for a while, and the server waits for it when it shuts down.
   */
  async close(): Promise<void> {
    await this.page.evaluate('sipphone.close()').catch(() => undefined);
    await this.page.close();
  }
}
