/**
 * A SIP user agent written by hand over a real socket (WebSocket with the `sip` subprotocol, TCP or
 * TLS), for tests that must see exactly which connection a request arrives on and what its Via and
 * Contact say: it registers and calls with digest, reads every message parsed, and answers what it
 * is sent.
 */
import { randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import { connect as connectTcp, createServer, type Server, type Socket } from 'node:net';
import { connect as connectTls } from 'node:tls';
import {
  createDigestAuthorization,
  createResponse,
  getHeader,
  getHeaderLines,
  parseMessage,
  selectDigestChallenge,
  serializeMessage,
  StreamFramer,
  type HeaderField,
  type SipMessage,
  type SipRequest,
  type SipResponse,
} from '@switchboard/sip';

/** The `ws` client (a dependency of @fastify/websocket; Node 20 has no global WebSocket). */
interface WsClient {
  readonly readyState: number;
  on(event: 'open' | 'close', fn: () => void): void;
  on(event: 'message', fn: (data: Buffer) => void): void;
  on(event: 'error', fn: (error: Error) => void): void;
  send(text: string): void;
  close(): void;
}
type WsOptions = { readonly ca?: Buffer };
const WebSocket = createRequire(import.meta.url)('ws') as new (
  url: string,
  protocols: string[],
  options?: WsOptions,
) => WsClient;

/** A PCMU answer or offer from a peer that never sends media. */
export function peerSdp(port = 40000): string {
  return ['v=0', 'o=- 1 1 IN IP4 127.0.0.1', 's=-', 'c=IN IP4 127.0.0.1', 't=0 0']
    .concat([`m=audio ${port} RTP/AVP 0 101`, 'a=rtpmap:0 PCMU/8000', 'a=rtpmap:101 telephone-event/8000'])
    .concat(['a=sendrecv', ''])
    .join('\r\n');
}

/** A hand-driven SIP peer on one connection. */
export class RawSipPeer {
  private readonly inbox: SipMessage[] = [];
  private readonly waiters = new Set<() => void>();
  private closedFlag = false;
  private cseq = 0;

  private constructor(
    /** `WS`, `WSS`, `TCP` or `TLS`: the Via transport token this peer uses. */
    readonly transport: string,
    private readonly write: (text: string) => void,
    private readonly shut: () => void,
    /** The host our Vias and Contacts name (RFC 7118 §5: a `.invalid` name for WebSocket clients). */
    readonly host = `${randomUUID().slice(0, 8)}.invalid`,
  ) {}

  /** Connects to `url` (`ws://…/sip` or `wss://…/sip`) offering the `sip` subprotocol. */
  static async websocket(url: string, ca?: Buffer): Promise<RawSipPeer> {
    const ws = new WebSocket(url, ['sip'], ca === undefined ? {} : { ca });
    const peer = new RawSipPeer(
      url.startsWith('wss:') ? 'WSS' : 'WS',
      (t) => ws.send(t),
      () => ws.close(),
    );
    ws.on('message', (data) => peer.receive(data));
    ws.on('close', () => peer.ended());
    await new Promise<void>((resolve, reject) => {
      ws.on('open', resolve);
      ws.on('error', reject);
    });
    return peer;
  }

  /** Connects over TCP, or over TLS trusting `ca`, to 127.0.0.1:`port`. */
  static async stream(port: number, ca?: Buffer): Promise<RawSipPeer> {
    const socket: Socket =
      ca === undefined
        ? connectTcp({ host: '127.0.0.1', port })
        : connectTls({ host: '127.0.0.1', port, ca, servername: 'localhost' });
    const peer = RawSipPeer.overStream(socket, ca === undefined ? 'TCP' : 'TLS');
    await new Promise<void>((resolve, reject) => {
      socket.once(ca === undefined ? 'connect' : 'secureConnect', resolve);
      socket.once('error', reject);
    });
    return peer;
  }

  /**
   * Listens on a free TCP port of 127.0.0.1, as a phone does for requests to its Contact; each
   * accepted connection becomes a peer whose Contact is that address.
   */
  static async listenTcp(): Promise<RawSipListener> {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return new RawSipListener(server);
  }

  /** A peer over a connected (or connecting) byte stream; `host` goes into its Via and Contact. */
  static overStream(socket: Socket, transport: 'TCP' | 'TLS', host?: string): RawSipPeer {
    const peer = new RawSipPeer(
      transport,
      (t) => socket.write(t),
      () => socket.destroy(),
      host,
    );
    const framer = new StreamFramer();
    socket.on('data', (chunk: Buffer) => {
      for (const frame of framer.push(chunk)) if (frame.type === 'message') peer.receive(frame.bytes);
    });
    socket.on('close', () => peer.ended());
    socket.on('error', () => undefined);
    return peer;
  }

  /** Our Contact: `sip:<user>@<host>;transport=<ours>`. */
  contactOf(user: string): string {
    return `<sip:${user}@${this.host};transport=${this.transport.toLowerCase()}>`;
  }

  get closed(): boolean {
    return this.closedFlag;
  }

  send(message: string | SipMessage): void {
    this.write(typeof message === 'string' ? message : new TextDecoder().decode(serializeMessage(message)));
  }

  /** The next unread message matching `predicate`; rejects after `timeoutMs`. */
  next<M extends SipMessage = SipMessage>(
    predicate: (m: SipMessage) => boolean,
    timeoutMs = 10_000,
  ): Promise<M> {
    return new Promise((resolve, reject) => {
      const check = (): void => {
        const i = this.inbox.findIndex(predicate);
        if (i < 0) return;
        this.waiters.delete(check);
        clearTimeout(timer);
        resolve(this.inbox.splice(i, 1)[0] as M);
      };
      const timer = setTimeout(() => {
        this.waiters.delete(check);
        reject(new Error(`no matching SIP message within ${timeoutMs} ms; unread: ${this.inbox.length}`));
      }, timeoutMs);
      this.waiters.add(check);
      check();
    });
  }

  /** The next request with `method`. */
  request(method: string, timeoutMs?: number): Promise<SipRequest> {
    return this.next((m) => m.kind === 'request' && m.method === method, timeoutMs);
  }

  /** The next response to a request with `method` and `callId`. */
  response(method: string, callId: string, timeoutMs?: number): Promise<SipResponse> {
    return this.next(
      (m) => m.kind === 'response' && m.cseq.method === method && m.callId === callId,
      timeoutMs,
    );
  }

  /** Answers `request`; the To tag is added outside a dialog, Contact on INVITE answers. */
  answer(
    request: SipRequest,
    status: number,
    reason: string,
    options: { toTag?: string; headers?: readonly HeaderField[]; sdp?: string; user?: string } = {},
  ): SipResponse {
    const headers: HeaderField[] = [...(options.headers ?? [])];
    if (request.method === 'INVITE' && status < 300)
      headers.push({ name: 'Contact', value: this.contactOf(options.user ?? 'peer') });
    if (options.sdp !== undefined) headers.push({ name: 'Content-Type', value: 'application/sdp' });
    const built = createResponse(request, status, reason, {
      ...(options.toTag === undefined ? {} : { toTag: options.toTag }),
      headers,
      ...(options.sdp === undefined ? {} : { body: options.sdp }),
    });
    if (!built.ok) throw new Error(built.error.message);
    this.send(built.value);
    return built.value;
  }

  /** A request of ours: Via with our transport and `.invalid` host, a fresh branch and tags. */
  requestText(options: {
    method: string;
    uri: string;
    from: string;
    to: string;
    callId: string;
    cseq?: number;
    extra?: readonly string[];
    body?: string;
  }): string {
    const body = options.body ?? '';
    return [
      `${options.method} ${options.uri} SIP/2.0`,
      `Via: SIP/2.0/${this.transport} ${this.host};branch=z9hG4bK${randomUUID().slice(0, 12)};rport`,
      'Max-Forwards: 70',
      `From: ${options.from}`,
      `To: ${options.to}`,
      `Call-ID: ${options.callId}`,
      `CSeq: ${options.cseq ?? ++this.cseq} ${options.method}`,
      ...(options.extra ?? []),
      `Content-Length: ${Buffer.byteLength(body)}`,
      '',
      body,
    ].join('\r\n');
  }

  /**
   * REGISTERs `user` with its password (RFC 3261 §10.2, digest §22): 401, then again with
   * credentials. Resolves with the final response.
   */
  async register(user: string, password: string, realm = 'switchboard'): Promise<SipResponse> {
    const callId = randomUUID();
    const aor = `<sip:${user}@${realm}>`;
    const base = { method: 'REGISTER', uri: `sip:${realm}`, to: aor, callId };
    const from = `${aor};tag=${randomUUID().slice(0, 8)}`;
    const extra = [`Contact: ${this.contactOf(user)}`, 'Expires: 300'];
    this.send(this.requestText({ ...base, from, extra }));
    const challenge = await this.response('REGISTER', callId);
    if (challenge.status !== 401) return challenge;
    const chosen = selectDigestChallenge(getHeaderLines(challenge, 'WWW-Authenticate'));
    if (chosen === undefined) throw new Error('no digest challenge');
    const authorization = createDigestAuthorization({
      challenge: chosen,
      username: user,
      password,
      method: 'REGISTER',
      uri: `sip:${realm}`,
      nc: 1,
      cnonce: randomUUID().slice(0, 8),
    });
    this.send(this.requestText({ ...base, from, extra: [...extra, `Authorization: ${authorization}`] }));
    return this.response('REGISTER', callId);
  }

  /**
   * `user` calls `dialed` at 127.0.0.1 offering `sdp`, and ACKs the 200 at its Contact (RFC 3261
   * §13.2.2.4); resolves with the 200. With `password`, a 407 is ACKed on the INVITE's branch
   * (§17.1.1.3) and the INVITE sent again with Proxy-Authorization (§22.3), as phones do.
   */
  async call(user: string, dialed: string, sdp: string, password?: string): Promise<SipResponse> {
    const callId = `caller-${randomUUID()}@${this.host}`;
    const uri = `sip:${dialed}@127.0.0.1`;
    const from = `<sip:${user}@switchboard>;tag=caller`;
    const invite = (cseq: number, extra: readonly string[]): string =>
      this.requestText({
        method: 'INVITE',
        uri,
        from,
        to: `<${uri}>`,
        callId,
        cseq,
        extra: [`Contact: ${this.contactOf(user)}`, ...extra, 'Content-Type: application/sdp'],
        body: sdp,
      });
    const final = (): Promise<SipResponse> =>
      this.next<SipResponse>((m) => m.kind === 'response' && m.callId === callId && m.status >= 200);
    let cseq = 1;
    this.send(invite(cseq, []));
    let answer = await final();
    if (answer.status === 407 && password !== undefined) {
      this.ackFailure(answer, uri, cseq);
      const challenge = selectDigestChallenge(getHeaderLines(answer, 'Proxy-Authenticate'));
      if (challenge === undefined) throw new Error('no digest challenge');
      const credentials = createDigestAuthorization({
        challenge,
        username: user,
        password,
        method: 'INVITE',
        uri,
        nc: 1,
        cnonce: randomUUID().slice(0, 8),
      });
      this.send(invite(++cseq, [`Proxy-Authorization: ${credentials}`]));
      answer = await final();
    }
    if (answer.status !== 200) throw new Error(`INVITE to ${dialed} answered ${answer.status}`);
    const contact = (getHeader(answer, 'Contact') ?? '').replace(/^<|>$/g, '');
    const to = getHeader(answer, 'To') ?? '';
    this.send(this.requestText({ method: 'ACK', uri: contact, from, to, callId, cseq }));
    return answer;
  }

  /** ACKs a final failure to our INVITE: in its transaction, on the INVITE's branch (§17.1.1.3). */
  private ackFailure(failure: SipResponse, uri: string, cseq: number): void {
    const ack = [`ACK ${uri} SIP/2.0`, `Via: ${getHeader(failure, 'Via')}`, 'Max-Forwards: 70']
      .concat([`From: ${getHeader(failure, 'From')}`, `To: ${getHeader(failure, 'To')}`])
      .concat([`Call-ID: ${failure.callId}`, `CSeq: ${cseq} ACK`, 'Content-Length: 0', '', '']);
    this.send(ack.join('\r\n'));
  }

  /** Closes the connection and resolves once it is closed. */
  async close(): Promise<void> {
    if (this.closedFlag) return;
    const closed = new Promise<void>((resolve) => this.waiters.add(() => this.closedFlag && resolve()));
    this.shut();
    await closed;
  }

  private receive(data: Uint8Array): void {
    const parsed = parseMessage(data);
    if (!parsed.ok) return;
    this.inbox.push(parsed.value);
    for (const w of [...this.waiters]) w();
  }

  private ended(): void {
    this.closedFlag = true;
    for (const w of [...this.waiters]) w();
  }
}

/** A TCP listener handing out each accepted connection as a {@link RawSipPeer}. */
export class RawSipListener {
  private readonly peers: RawSipPeer[] = [];
  private readonly waiting: ((peer: RawSipPeer) => void)[] = [];
  readonly port: number;

  constructor(private readonly server: Server) {
    const address = server.address();
    this.port = address !== null && typeof address === 'object' ? address.port : 0;
    server.on('connection', (socket: Socket) => {
      const peer = RawSipPeer.overStream(socket, 'TCP', `127.0.0.1:${this.port}`);
      this.peers.push(peer);
      this.waiting.shift()?.(peer);
    });
  }

  /** Connections accepted so far. */
  get accepted(): number {
    return this.peers.length;
  }

  /** The first accepted connection, once there is one. */
  peer(): Promise<RawSipPeer> {
    const first = this.peers[0];
    return first === undefined
      ? new Promise((resolve) => this.waiting.push(resolve))
      : Promise.resolve(first);
  }

  async close(): Promise<void> {
    await Promise.all(this.peers.map((p) => p.close()));
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
