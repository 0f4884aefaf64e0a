import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
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
