// The far ends of bench/inbound.bench.ts, in the bench process (the server is a child process, so
// they never share its event loop): callers that dial the hotline and time the first prompt audio,
// and agent phones that register, time the INVITE an offer sends them, answer and hang up.
// Plain UDP on 127.0.0.1; messages are parsed with @switchboard/sip, built as text.
import { randomBytes } from 'node:crypto';
import { createSocket, type Socket } from 'node:dgram';
import {
  createDigestAuthorization,
  getHeader,
  getHeaderValues,
  mediaConnection,
  parseMessage,
  parseSdp,
  selectDigestChallenge,
  serializeUri,
  type SipMessage,
  type SipRequest,
  type SipResponse,
} from '@switchboard/sip';

const HOST = '127.0.0.1';
const token = (): string => randomBytes(6).toString('hex');
const now = (): number => performance.now();
/** RFC 3261's T1 and T2, ms. */
const T1_MS = 500;
const T2_MS = 4000;

/** One UDP socket speaking SIP; messages are handed out by Call-ID. */
export class SipSocket {
  private readonly byCallId = new Map<string, (m: SipMessage) => void>();
  private constructor(
    private readonly socket: Socket,
    readonly port: number,
    readonly server: number,
    private readonly onRequest: (r: SipRequest) => void,
  ) {
    socket.on('message', (bytes) => {
      const parsed = parseMessage(bytes);
      if (!parsed.ok) return;
      const m = parsed.value;
      const handler = this.byCallId.get(m.callId);
      if (handler !== undefined) handler(m);
      else if (m.kind === 'request') this.onRequest(m);
    });
  }

  static async open(
    server: number,
    onRequest: (r: SipRequest) => void = () => undefined,
  ): Promise<SipSocket> {
    const socket = createSocket('udp4');
    await new Promise<void>((r) => socket.bind(0, HOST, r));
    return new SipSocket(socket, socket.address().port, server, onRequest);
  }

  send(text: string): void {
    this.socket.send(text, this.server, HOST);
  }

  /**
   * Sends a request and sends it again until `stop()` (an answer came), as a UA must over UDP
   * (RFC 3261 §17.1.1.2 and §17.1.2.2): after T1 (500 ms), then doubling, capped at T2 (4 s) but
   * for an INVITE, and given up after 64·T1 (32 s, Timers B and F). A lost datagram then costs
   * the bench a retransmission, as it would a phone, instead of a call.
   */
  sendReliably(text: string, kind: 'invite' | 'non-invite'): () => void {
    const cap = kind === 'invite' ? Infinity : T2_MS;
    let waited = 0;
    let interval = T1_MS;
    let timer: NodeJS.Timeout | undefined;
    const again = () => {
      waited += interval;
      if (waited >= 64 * T1_MS) return;
      this.send(text);
      interval = Math.min(interval * 2, cap);
      timer = setTimeout(again, interval);
    };
    this.send(text);
    timer = setTimeout(again, interval);
    return () => clearTimeout(timer);
  }

  follow(callId: string, handler: (m: SipMessage) => void): void {
    this.byCallId.set(callId, handler);
  }

  forget(callId: string): void {
    this.byCallId.delete(callId);
  }

  close(): void {
    this.socket.close();
  }
}

/** A request's text; `lines` are extra header lines. */
function request(method: string, uri: string, port: number, lines: readonly string[], body = ''): string {
  return [
    `${method} ${uri} SIP/2.0`,
    `Via: SIP/2.0/UDP ${HOST}:${port};branch=z9hG4bK${token()};rport`,
    'Max-Forwards: 70',
    ...lines,
    `Content-Length: ${Buffer.byteLength(body)}`,
    '',
    body,
  ].join('\r\n');
}

/** The response to `req` with the same Via, From, To (tag added), Call-ID and CSeq. */
function respond(
  req: SipRequest,
  status: string,
  toTag: string,
  lines: readonly string[] = [],
  body = '',
): string {
  const copy = (name: string) => getHeaderValues(req, name).map((v) => `${name}: ${v}`);
  const to = getHeader(req, 'To') ?? '';
  return [
    `SIP/2.0 ${status}`,
    ...copy('Via'),
    `From: ${getHeader(req, 'From')}`,
    `To: ${/;tag=/.test(to) ? to : `${to};tag=${toTag}`}`,
    `Call-ID: ${req.callId}`,
    `CSeq: ${getHeader(req, 'CSeq')}`,
    ...lines,
    `Content-Length: ${Buffer.byteLength(body)}`,
    '',
    body,
  ].join('\r\n');
}

const sdp = (port: number): string =>
  [
    'v=0',
    `o=- ${Date.now()} 1 IN IP4 ${HOST}`,
    's=-',
    `c=IN IP4 ${HOST}`,
    't=0 0',
    `m=audio ${port} RTP/AVP 0 101`,
    'a=rtpmap:0 PCMU/8000',
    'a=rtpmap:101 telephone-event/8000',
    'a=fmtp:101 0-15',
    'a=sendrecv',
    '',
  ].join('\r\n');

/** `address:port` of the audio stream an SDP answer offers. */
function answeredMedia(body: Uint8Array): string | undefined {
  const sdp = parseSdp(body);
  if (!sdp.ok) return undefined;
  const audio = sdp.value.media.find((m) => m.media === 'audio');
  if (audio === undefined) return undefined;
  const connection = mediaConnection(sdp.value, audio);
  return connection === undefined ? undefined : `${connection.address}:${audio.port}`;
}

/** µ-law silence and its neighbours: a packet of only these carries no prompt yet. */
const QUIET = new Set([0xff, 0x7f, 0xfe, 0x7e, 0xfd, 0x7d]);
function audible(packet: Buffer): boolean {
  for (let i = 12; i < packet.length; i++) if (!QUIET.has(packet[i]!)) return true;
  return false;
}

/** What one call saw. */
export interface CallResult {
  readonly ok: boolean;
  /** INVITE sent → first audible RTP packet, ms. */
  readonly firstAudioMs?: number;
  /** INVITE sent → first RTP packet of any kind, ms. */
  readonly firstPacketMs?: number;
  readonly why?: string;
}

/** Calls `dialed` from `caller`; hangs up `holdMs` after the first audio (or stays until released). */
export async function placeCall(
  sip: SipSocket,
  o: { dialed: string; caller: string; holdMs: number; timeoutMs: number; untilReleased?: boolean },
): Promise<CallResult> {
  const rtp = createSocket('udp4');
  await new Promise<void>((r) => rtp.bind(0, HOST, r));
  const rtpPort = rtp.address().port;
  const callId = `${token()}@bench`;
  const fromTag = token();
  const uri = `sip:${o.dialed}@${HOST}:${sip.server}`;
  const from = `<sip:${o.caller}@${HOST}>;tag=${fromTag}`;
  let toHeader = `<sip:${o.dialed}@${HOST}>`;
  const started = now();
  let firstAudio: number | undefined;
  let firstPacket: number | undefined;
  let answered = false;
  /** `address:port` of the server's media from its answer: the only RTP that counts. */
  let mediaSource: string | undefined;
  let released = false;
  let resolveDone!: (r: CallResult) => void;
  const done = new Promise<CallResult>((r) => (resolveDone = r));
  let stopInvite = () => {};
  let stopBye = () => {};
  const finish = (r: Pick<CallResult, 'ok' | 'why'>) => {
    clearTimeout(timer);
    stopInvite();
    stopBye();
    sip.forget(callId);
    rtp.close();
    resolveDone({
      ...r,
      ...(firstAudio === undefined ? {} : { firstAudioMs: firstAudio }),
      ...(firstPacket === undefined ? {} : { firstPacketMs: firstPacket }),
    });
  };
  const bye = () => {
    if (!answered || released) return;
    released = true;
    stopBye = sip.sendReliably(
      request('BYE', uri, sip.port, [
        `From: ${from}`,
        `To: ${toHeader}`,
        `Call-ID: ${callId}`,
        'CSeq: 2 BYE',
      ]),
      'non-invite',
    );
  };
  let timer = setTimeout(() => {
    if (answered) bye();
    finish({ ok: false, why: firstAudio === undefined ? 'no audio' : 'no BYE answer' });
  }, o.timeoutMs);
  rtp.on('message', (packet, from) => {
    // A closed call's port is soon another call's, while the server may still be sending the old
    // call's prompt to it: a packet counts only from the media the answer named.
    if (mediaSource === undefined || `${from.address}:${from.port}` !== mediaSource) return;
    firstPacket ??= now() - started;
    if (firstAudio !== undefined || packet.length <= 12 || !audible(packet)) return;
    firstAudio = now() - started;
    if (o.untilReleased === true) return;
    // The prompt came in time; the hang-up has a deadline of its own, the BYE's (64·T1, Timer F),
    // so a late prompt is not counted as an unanswered BYE.
    clearTimeout(timer);
    timer = setTimeout(() => {
      bye();
      timer = setTimeout(() => finish({ ok: false, why: 'no BYE answer' }), 64 * T1_MS);
    }, o.holdMs);
  });
  sip.follow(callId, (m) => {
    if (m.kind === 'request') {
      // The server released us (an agent hung up): answer its BYE.
      if (m.method === 'BYE') {
        released = true;
        sip.send(respond(m, '200 OK', fromTag));
        finish({ ok: true });
      }
      return;
    }
    const method = (getHeader(m, 'CSeq') ?? '').split(/\s+/)[1];
    if (method === 'INVITE') stopInvite();
    if (method === 'INVITE' && m.status >= 200) {
      toHeader = getHeader(m, 'To') ?? toHeader;
      sip.send(
        request('ACK', uri, sip.port, [
          `From: ${from}`,
          `To: ${toHeader}`,
          `Call-ID: ${callId}`,
          'CSeq: 1 ACK',
        ]),
      );
      if (m.status >= 300) finish({ ok: false, why: `INVITE ${m.status}` });
      else {
        answered = true;
        mediaSource = answeredMedia(m.body);
      }
    } else if (method === 'BYE' && m.status >= 200) {
      finish({ ok: firstAudio !== undefined });
    }
  });
  stopInvite = sip.sendReliably(
    request(
      'INVITE',
      uri,
      sip.port,
      [
        `From: ${from}`,
        `To: ${toHeader}`,
        `Call-ID: ${callId}`,
        'CSeq: 1 INVITE',
        `Contact: <sip:${o.caller}@${HOST}:${sip.port}>`,
        'Content-Type: application/sdp',
      ],
      sdp(rtpPort),
    ),
    'invite',
  );
  return done;
}

/** An agent's desk phone: registers, and times, answers and ends every INVITE it gets. */
export class AgentPhone {
  private readonly tag = token();
  private waiting: ((at: number) => void) | undefined;

  private constructor(
    private readonly sip: SipSocket,
    readonly extension: string,
    private readonly talkMs: number,
  ) {}

  static async open(server: number, extension: string, talkMs: number): Promise<AgentPhone> {
    const owner: { phone?: AgentPhone } = {};
    const sip = await SipSocket.open(server, (r) => owner.phone?.incoming(r));
    owner.phone = new AgentPhone(sip, extension, talkMs);
    return owner.phone;
  }

  /** REGISTER, answering one digest challenge (RFC 3261 §22). */
  async register(password: string): Promise<void> {
    const callId = `${token()}@bench-reg`;
    const uri = `sip:${HOST}`;
    const aor = `<sip:${this.extension}@${HOST}>`;
    const lines = (cseq: number, auth?: string) => [
      `From: ${aor};tag=${this.tag}`,
      `To: ${aor}`,
      `Call-ID: ${callId}`,
      `CSeq: ${cseq} REGISTER`,
      `Contact: <sip:${this.extension}@${HOST}:${this.sip.port}>`,
      'Expires: 600',
      ...(auth === undefined ? [] : [`Authorization: ${auth}`]),
    ];
    const answer = (cseq: number, auth?: string) =>
      new Promise<SipResponse>((resolve, reject) => {
        const t = setTimeout(() => reject(new Error(`REGISTER ${this.extension}: no answer`)), 5000);
        this.sip.follow(callId, (m) => {
          if (m.kind === 'response' && m.status >= 200) {
            clearTimeout(t);
            resolve(m);
          }
        });
        this.sip.send(request('REGISTER', uri, this.sip.port, lines(cseq, auth)));
      });
    let r = await answer(1);
    if (r.status === 401) {
      const challenge = selectDigestChallenge(getHeaderValues(r, 'WWW-Authenticate'));
      if (challenge === undefined) throw new Error('REGISTER: no usable challenge');
      const auth = createDigestAuthorization({
        challenge,
        username: this.extension,
        password,
        method: 'REGISTER',
        uri,
        nc: 1,
        cnonce: token(),
      });
      r = await answer(2, auth);
    }
    this.sip.forget(callId);
    if (r.status !== 200) throw new Error(`REGISTER ${this.extension}: ${r.status}`);
  }

  /** Resolves with the `performance.now()` at which the next INVITE arrives. */
  nextOffer(timeoutMs: number): Promise<number> {
    return new Promise((resolve, reject) => {
      const t = setTimeout(() => {
        this.waiting = undefined;
        reject(new Error(`${this.extension}: no INVITE within ${timeoutMs} ms`));
      }, timeoutMs);
      this.waiting = (at) => {
        clearTimeout(t);
        resolve(at);
      };
    });
  }

  private incoming(req: SipRequest): void {
    if (req.method !== 'INVITE') {
      if (req.method !== 'ACK') this.sip.send(respond(req, '200 OK', this.tag));
      return;
    }
    const at = now();
    const w = this.waiting;
    this.waiting = undefined;
    w?.(at);
    const toTag = token();
    const rtp = createSocket('udp4');
    // Followed at once, so the INVITE's retransmissions are not taken for new offers.
    this.sip.follow(req.callId, () => undefined);
    rtp.bind(0, HOST, () => {
      const answer = respond(
        req,
        '200 OK',
        toTag,
        [`Contact: <sip:${this.extension}@${HOST}:${this.sip.port}>`, 'Content-Type: application/sdp'],
        sdp(rtp.address().port),
      );
      this.sip.send(answer);
      const from = getHeader(req, 'From') ?? '';
      const to = `${getHeader(req, 'To') ?? ''};tag=${toTag}`;
      const contact = /<([^>]+)>/.exec(getHeader(req, 'Contact') ?? '')?.[1] ?? serializeUri(req.uri);
      let stopBye = () => {};
      const end = () => {
        clearTimeout(hangUp);
        stopBye();
        this.sip.forget(req.callId);
        rtp.close();
      };
      this.sip.follow(req.callId, (m) => {
        // The INVITE again: our answer was lost (RFC 3261 §13.3.1.4), so send it again.
        if (m.kind === 'request' && m.method === 'INVITE') this.sip.send(answer);
        else if (m.kind === 'request' && m.method === 'BYE') {
          this.sip.send(respond(m, '200 OK', toTag));
          end();
        } else if (m.kind === 'response' && m.status >= 200) end();
      });
      const hangUp = setTimeout(() => {
        stopBye = this.sip.sendReliably(
          request('BYE', contact, this.sip.port, [
            `From: ${to}`,
            `To: ${from}`,
            `Call-ID: ${req.callId}`,
            'CSeq: 1 BYE',
          ]),
          'non-invite',
        );
      }, this.talkMs);
    });
  }

  close(): void {
    this.sip.close();
  }
}
