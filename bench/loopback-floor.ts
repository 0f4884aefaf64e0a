// What the kernel alone charges for a loopback UDP datagram on this machine: one socket sends
// bursts to many, which are read in batches as the server reads its legs, and the process's
// system time is divided by the datagrams that arrived. A bridged call moves 200 datagrams a second
// through the kernel (two streams into the server, two out), whoever handles them, so this figure
// times the call count is the share of the cores no media code can win back. A floor: the server's
// sends come from a socket per leg, colder in cache than this one.
import { BatchUdpSocket, batchUdpAvailable } from '../apps/server/src/media/batch-udp-socket';

/** Datagrams a bridged call moves through the kernel per second: 2 × 50 in, 2 × 50 out. */
export const DATAGRAMS_PER_CALL_SECOND = 200;

export interface LoopbackFloor {
  /** Kernel time per datagram sent and received, µs. */
  readonly kernelUsPerDatagram: number;
  readonly datagrams: number;
}

const RECEIVERS = 64;
const BURST = 640;
const RTP_BYTES = 172;

/**
 * Measures {@link LoopbackFloor} with `datagrams` datagrams (bounded: a burst every 2 ms, then up
 * to a second for the last to arrive). Run it while the process is otherwise idle: it reads the
 * whole process's CPU time. Undefined where batched sockets are not available.
 */
export async function measureLoopbackFloor(datagrams = 100_000): Promise<LoopbackFloor | undefined> {
  if (!batchUdpAvailable()) return undefined;
  const open = () => {
    const s = BatchUdpSocket.open('127.0.0.1', 0, 4 * 1024 * 1024);
    if (!s.ok) throw new Error(`loopback floor: ${s.error}`);
    return s.value;
  };
  const receivers = Array.from({ length: RECEIVERS }, open);
  const sender = open();
  let received = 0;
  for (const r of receivers) r.on('message', () => void received++);
  const ports = receivers.map((r) => r.address().port);
  const packet = new Uint8Array(RTP_BYTES);
  const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
  try {
    const cpu0 = process.cpuUsage();
    let sent = 0;
    while (sent < datagrams) {
      for (let i = 0; i < BURST && sent < datagrams; i++, sent++)
        sender.send(packet, ports[i % RECEIVERS]!, '127.0.0.1');
      await pause(2);
    }
    for (let waited = 0; received < sent && waited < 1000; waited += 5) await pause(5);
    const cpu = process.cpuUsage(cpu0);
    return { kernelUsPerDatagram: received > 0 ? cpu.system / received : 0, datagrams: received };
  } finally {
    for (const s of [...receivers, sender]) s.close();
  }
}
