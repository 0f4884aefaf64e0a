import { createSocket } from 'node:dgram';
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import { afterEach, describe, expect, it } from 'vitest';
import { pollUntil } from '../../test/support/poll-until';
import {
  afterEachBatch,
  BatchUdpSocket,
  batchUdpAvailable,
  setBatchReadInterval,
  type ReceiveInfo,
} from './batch-udp-socket';
import { MediaService } from './media-service';
import { RtpPortPool } from './rtp-port-pool';
import { testPortRange } from '../../test/support/test-ports';

const opened: BatchUdpSocket[] = [];
function open(address = '127.0.0.1', port = 0, receiveBufferBytes = 0): BatchUdpSocket {
  const s = BatchUdpSocket.open(address, port, receiveBufferBytes);
  if (!s.ok) throw new Error(s.error);
  opened.push(s.value);
  return s.value;
}

/** The next `n` datagrams `socket` receives. */
function receive(
  socket: BatchUdpSocket,
  n: number,
): Promise<{ msg: Buffer; rinfo: ReceiveInfo; readAt: number }[]> {
  const got: { msg: Buffer; rinfo: ReceiveInfo; readAt: number }[] = [];
  return new Promise((resolve) => {
    const on = (msg: Buffer, rinfo: ReceiveInfo) => {
      got.push({ msg, rinfo, readAt: performance.now() });
      if (got.length < n) return;
      socket.off('message', on);
      resolve(got);
    };
    socket.on('message', on);
  });
}

const numbered = (i: number, length = 172) => {
  const b = Buffer.alloc(length, i & 0xff);
  b.writeUInt32BE(i, 0);
  return b;
};

afterEach(() => {
  for (const s of opened.splice(0)) {
    try {
      s.close();
    } catch {
      // closed by the test
    }
  }
});

describe('BatchUdpSocket', () => {
  it('is built and used on Linux, where the media layer runs in production', () => {
    expect(process.platform).toBe('linux');
    expect(batchUdpAvailable()).toBe(true);
  });

  it('carries datagrams both ways with dgram-shaped sources, over IPv4 and IPv6', async () => {
    for (const address of ['127.0.0.1', '::1']) {
      const a = open(address);
      const b = open(address);
      const atB = receive(b, 1);
      a.send(Buffer.from('hello'), b.localPort, address);
      const [first] = await atB;
      expect(first!.msg.toString()).toBe('hello');
      expect(first!.rinfo).toEqual({
        address,
        family: address === '::1' ? 'IPv6' : 'IPv4',
        port: a.localPort,
        size: 5,
        waitedMs: expect.any(Number),
      });
      const atA = receive(a, 1);
      b.send(Buffer.from('back'), first!.rinfo.port, first!.rinfo.address);
      expect((await atA)[0]!.msg.toString()).toBe('back');
      expect(a.address()).toEqual({ address, family: first!.rinfo.family, port: a.localPort });
    }
  });

  it('tells how long each datagram waited in the kernel, so a late read still knows its arrival', async () => {
    const a = open();
    const b = open();
    const atB = receive(b, 2);
    const sentAt: number[] = [];
    // The thread is held between and after the sends (a busy loop, not a timer): neither datagram
    // can be read before both wait in the kernel, the first 30 ms longer than the second.
    for (let i = 0; i < 2; i++) {
      sentAt.push(performance.now());
      a.send(numbered(i), b.localPort, '127.0.0.1');
      while (performance.now() - sentAt[i]! < 30);
    }
    const got = await atB;
    for (const [i, { rinfo, readAt }] of got.entries()) {
      // Arrival = read time − wait: within a few ms of the send, however late the read was.
      expect(Math.abs(readAt - rinfo.waitedMs! - sentAt[i]!)).toBeLessThan(5);
    }
    expect(got[0]!.rinfo.waitedMs! - got[1]!.rinfo.waitedMs!).toBeGreaterThan(25);
  });

  it('resolves a destination given by host name, as dgram does', async () => {
    const a = open();
    const b = open();
    const atB = receive(b, 1);
    a.send(Buffer.from('by name'), b.localPort, 'localhost');
    expect((await atB)[0]!.msg.toString()).toBe('by name');
    expect(() => a.connect(b.localPort, 'localhost')).toThrow(
      expect.objectContaining({ code: 'EDESTADDRREQ' }),
    );
    const errors: Error[] = [];
    a.on('error', (e) => errors.push(e));
    a.send(Buffer.from('nowhere'), b.localPort, 'no-such-host.invalid');
    await new Promise<void>((resolve) => a.once('error', () => resolve()));
    // Not found, or no resolver to ask: either way a coded error, and nothing sent.
    expect(['ENOTFOUND', 'EAI_AGAIN']).toContain((errors[0] as { code?: string }).code);
  });

  it('delivers a burst larger than one batch in order, each datagram a buffer of its own', async () => {
    const a = open();
    const b = open('127.0.0.1', 0, 1 << 20);
    const n = 700;
    const all = receive(b, n);
    for (let i = 0; i < n; i++) a.send(numbered(i), b.localPort, '127.0.0.1');
    const got = await all;
    // Kept buffers still hold their own bytes after later batches reused the native slots.
    expect(got.map((g) => g.msg.readUInt32BE(0))).toEqual(Array.from({ length: n }, (_, i) => i));
    expect(got.every((g, i) => g.msg.equals(numbered(i)))).toBe(true);
  });

  it('calls back after each batch it delivered, until told to stop', async () => {
    const [rx, tx] = [open(), open()];
    let delivered = 0;
    const deliveredAtCheck: number[] = [];
    rx.on('message', () => delivered++);
    const stop = afterEachBatch(() => deliveredAtCheck.push(delivered));
    tx.send(numbered(1), rx.localPort, '127.0.0.1');
    await receive(rx, 1);
    expect(deliveredAtCheck).toEqual([1]);
    stop();
    tx.send(numbered(2), rx.localPort, '127.0.0.1');
    await receive(rx, 1);
    expect(deliveredAtCheck).toEqual([1]);
  });

  it("lets the media layer's ticker tick in the middle of a backlog the reader drains in one go", async () => {
    // 800 datagrams queued on 8 sockets while the thread is busy: the reader delivers them 256 at a
    // time, up to 8 batches, before the event loop runs its timers again.
    const senders = 8;
    const each = 100;
    const tx = open();
    const receivers = Array.from({ length: senders }, () => open());
    let delivered = 0;
    for (const rx of receivers) rx.on('message', () => delivered++);
    // The ticker as the media layer wires it, on the main thread and in every media worker.
    const { ticker } = new MediaService({
      ports: { bindAddress: '127.0.0.1', minPort: 40000, maxPort: 40099 },
    });
    const deliveredAtTick: number[] = [];
    const subscriber = { onTick: () => deliveredAtTick.push(delivered) };
    try {
      for (let i = 0; i < each; i++)
        for (const rx of receivers) tx.send(numbered(i), rx.localPort, '127.0.0.1');
      ticker.subscribe(subscriber);
      // Hold the thread past the first tick's due time (20 ms), as a backlog of work would.
      const until = performance.now() + 60;
      while (performance.now() < until);
      await pollUntil(() => delivered === senders * each && deliveredAtTick.length > 0, {
        timeoutMs: 5_000,
        what: 'the backlog and a tick',
        detail: () => `delivered ${delivered}, ticks at ${deliveredAtTick.join(',')}`,
      });
      // Without the check between batches, the first tick would see all 800 delivered. It may
      // also come before the first batch: a busy machine hands loopback datagrams to the sockets
      // from its softirq thread, which can run only after the first read found nothing.
      expect(deliveredAtTick[0]).toBeLessThan(senders * each);
    } finally {
      ticker.unsubscribe(subscriber);
    }
  });

  it('once connected, sends without an address and hears only its peer, until disconnected', async () => {
    // An explicit port, as the pool binds: Linux gives up an automatic port on disconnect.
    const a = open('127.0.0.1', 45000 + 2 * Math.floor(Math.random() * 1000));
    const peer = open();
    const stranger = open();
    a.connect(peer.localPort, '127.0.0.1');
    expect(a.remoteAddress()).toMatchObject({ address: '127.0.0.1', port: peer.localPort });
    await new Promise<void>((resolve) => a.once('connect', resolve));

    const atPeer = receive(peer, 1);
    a.send(Buffer.from('to peer'));
    expect((await atPeer)[0]!.msg.toString()).toBe('to peer');

    const atA = receive(a, 1);
    stranger.send(Buffer.from('stranger'), a.localPort, '127.0.0.1');
    peer.send(Buffer.from('peer'), a.localPort, '127.0.0.1');
    expect((await atA).map((g) => g.msg.toString())).toEqual(['peer']);

    a.disconnect();
    expect(() => a.remoteAddress()).toThrow(
      expect.objectContaining({ code: 'ERR_SOCKET_DGRAM_NOT_CONNECTED' }),
    );
    const again = receive(a, 1);
    stranger.send(Buffer.from('stranger again'), a.localPort, '127.0.0.1');
    expect((await again)[0]!.msg.toString()).toBe('stranger again');
  });

  it('answers a taken port with EADDRINUSE, frees the port on close, and refuses use after close', async () => {
    const a = open();
    expect(BatchUdpSocket.open('127.0.0.1', a.localPort)).toEqual({ ok: false, error: 'EADDRINUSE' });
    expect(BatchUdpSocket.open('not an address', 0)).toEqual({ ok: false, error: 'EINVAL' });
    expect(() => a.send(Buffer.from('x'), 0, '127.0.0.1')).toThrow(
      expect.objectContaining({ code: 'ERR_SOCKET_BAD_PORT' }),
    );
    const port = a.localPort;
    a.close();
    expect(() => a.send(Buffer.from('x'), port, '127.0.0.1')).toThrow(
      expect.objectContaining({ code: 'ERR_SOCKET_DGRAM_NOT_RUNNING' }),
    );
    expect(() => a.close()).toThrow(expect.objectContaining({ code: 'ERR_SOCKET_DGRAM_NOT_RUNNING' }));
    open('127.0.0.1', port);
  });

  it('counts and drops a datagram too large for a slot, and goes on with the next', async () => {
    const b = open();
    const sender = createSocket('udp4');
    await new Promise<void>((resolve) => sender.bind(0, '127.0.0.1', resolve));
    const next = receive(b, 1);
    sender.send(Buffer.alloc(3000, 1), b.localPort, '127.0.0.1');
    sender.send(Buffer.from('small'), b.localPort, '127.0.0.1');
    expect((await next)[0]!.msg.toString()).toBe('small');
    expect(b.truncated).toBe(1);
    sender.close();
  });

  it('reports a send the kernel refuses as an error event, or counts it when nobody listens', async () => {
    const a = open();
    const gone = open();
    a.connect(gone.localPort, '127.0.0.1');
    gone.close();
    // The first send draws an ICMP port unreachable; the next one reports it (ECONNREFUSED).
    a.send(Buffer.from('1'));
    a.send(Buffer.from('2'));
    expect(a.unreportedSendErrors).toBe(1);
    const errors: Error[] = [];
    a.on('error', (e) => errors.push(e));
    a.send(Buffer.from('3'));
    a.send(Buffer.from('4'));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ code: 'E111' });
  });

  it('stops delivering to a socket that a listener closes in the middle of a batch', async () => {
    const a = open();
    const b = open('127.0.0.1', 0, 1 << 20);
    const c = open();
    let atB = 0;
    b.on('message', () => {
      atB++;
      b.close();
    });
    const atC = receive(c, 1);
    // Read every 20 ms so all of these arrive in one batch.
    setBatchReadInterval(20);
    try {
      for (let i = 0; i < 10; i++) a.send(numbered(i), b.localPort, '127.0.0.1');
      a.send(Buffer.from('after'), c.localPort, '127.0.0.1');
      expect((await atC)[0]!.msg.toString()).toBe('after');
    } finally {
      setBatchReadInterval(2);
    }
    expect(atB).toBe(1);
  });

  it('closes the sockets of a thread that ends, so its ports can be bound again', async () => {
    const binding = createRequire(import.meta.url).resolve('../../build/Release/udp_batch.node');
    const worker = new Worker(
      `const { parentPort } = require('node:worker_threads');
       const b = require(${JSON.stringify(binding)});
       b.init(() => {}, 2);
       const fd = b.open('127.0.0.1', 0, 0);
       parentPort.postMessage(b.localPort(fd));`,
      { eval: true },
    );
    const port = await new Promise<number>((resolve) => worker.once('message', resolve));
    expect(BatchUdpSocket.open('127.0.0.1', port)).toEqual({ ok: false, error: 'EADDRINUSE' });
    await worker.terminate();
    open('127.0.0.1', port);
  });

  it('is what the RTP port pool binds unless dgram is asked for', async () => {
    const batched = new RtpPortPool({ bindAddress: '127.0.0.1', ...testPortRange(20) });
    const plain = new RtpPortPool({ bindAddress: '127.0.0.1', ...testPortRange(20), udp: 'dgram' });
    const a = await batched.allocate();
    const b = await plain.allocate();
    if (!a.ok || !b.ok) throw new Error(`no ports: ${a.ok ? '' : a.error.code} ${b.ok ? '' : b.error.code}`);
    expect(a.value.rtp).toBeInstanceOf(BatchUdpSocket);
    expect(a.value.rtcp).toBeInstanceOf(BatchUdpSocket);
    expect(b.value.rtp).not.toBeInstanceOf(BatchUdpSocket);
    batched.release(a.value);
    plain.release(b.value);
  });
});
