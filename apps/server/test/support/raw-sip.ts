/**
 * Hand-written SIP over raw sockets, for tests that must send what no well-behaved peer sends
 * (garbage, oversize messages, floods) and read exactly what comes back.
 */
import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { connect, type Socket } from 'node:net';
import { randomUUID } from 'node:crypto';

let seq = 0;

/** A request with the mandatory headers (RFC 3261 §8.1.1); `extra` lines go before Content-Length. */
export function sipRequest(options: {
  method: string;
  user?: string;
  transport?: string;
  extra?: readonly string[];
  callId?: string;
  cseq?: number;
  viaHost?: string;
}): string {
  const user = options.user ?? 'probe';
  const branch = `z9hG4bK-${++seq}-${randomUUID().slice(0, 8)}`;
  return [
    `${options.method} sip:127.0.0.1 SIP/2.0`,
    `Via: SIP/2.0/${options.transport ?? 'UDP'} ${options.viaHost ?? '127.0.0.1:9'};branch=${branch};rport`,
    `From: <sip:${user}@127.0.0.1>;tag=t${seq}`,
    `To: <sip:${user}@127.0.0.1>`,
    `Call-ID: ${options.callId ?? randomUUID()}`,
    `CSeq: ${options.cseq ?? 1} ${options.method}`,
    'Max-Forwards: 70',
    ...(options.extra ?? []),
    'Content-Length: 0',
    '',
    '',
  ].join('\r\n');
}

/** The status code of a response text. */
export function statusOf(response: string): number {
  return Number(response.split(' ', 2)[1]);
}

/** A UDP client that collects every datagram it receives. */
export class UdpClient {
  private readonly received: string[] = [];
  private waiters: (() => void)[] = [];

  private constructor(private readonly socket: UdpSocket) {
    socket.on('message', (m) => {
      this.received.push(m.toString('utf8'));
      for (const w of this.waiters) w();
    });
  }

  static async open(): Promise<UdpClient> {
    const socket = createSocket('udp4');
    await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
    return new UdpClient(socket);
  }

  send(port: number, message: string | Uint8Array): void {
    this.socket.send(typeof message === 'string' ? Buffer.from(message) : message, port, '127.0.0.1');
  }

  /** The next unread response matching `predicate`, within `timeoutMs`; undefined when none came. */
  next(predicate: (m: string) => boolean = () => true, timeoutMs = 2_000): Promise<string | undefined> {
    return waitFor(this.received, (fn) => this.waiters.push(fn), predicate, timeoutMs);
  }

  close(): void {
    this.socket.close();
  }
}

/** A TCP client that collects everything it receives as one string. */
export class TcpClient {
  private text = '';
  private readonly waiters: (() => void)[] = [];
  closed = false;

  private constructor(readonly socket: Socket) {
    socket.on('data', (d) => {
      this.text += d.toString('utf8');
      for (const w of this.waiters) w();
    });
    socket.on('close', () => {
      this.closed = true;
      for (const w of this.waiters) w();
    });
    socket.on('error', () => undefined);
  }

  static async open(port: number): Promise<TcpClient> {
    const socket = connect({ host: '127.0.0.1', port });
    await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
    return new TcpClient(socket);
  }

  send(message: string | Uint8Array): void {
    this.socket.write(message);
  }

  /** Resolves once the received text matches `pattern` (or the connection closed), within `timeoutMs`. */
  async waitFor(pattern: RegExp, timeoutMs = 2_000): Promise<string> {
    const found = await waitFor(
      [this.text],
      (fn) => this.waiters.push(() => fn()),
      () => pattern.test(this.text) || this.closed,
      timeoutMs,
      () => [this.text],
    );
    return found ?? this.text;
  }

  get received(): string {
    return this.text;
  }

  close(): void {
    this.socket.destroy();
  }
}

function waitFor(
  list: string[],
  subscribe: (fn: () => void) => void,
  predicate: (m: string) => boolean,
  timeoutMs: number,
  refresh: () => string[] = () => list,
): Promise<string | undefined> {
  return new Promise((resolve) => {
    let done = false;
    const check = (): void => {
      if (done) return;
      const items = refresh();
      const i = items.findIndex(predicate);
      if (i < 0) return;
      done = true;
      clearTimeout(timer);
      const [item] = items === list ? list.splice(i, 1) : [items[i]];
      resolve(item);
    };
    const timer = setTimeout(() => {
      done = true;
      resolve(undefined);
    }, timeoutMs);
    subscribe(check);
    check();
  });
}
