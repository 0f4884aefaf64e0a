// Port ranges for tests that open RTP port pools of their own.
//
// The suite runs test files in parallel worker processes, and every file also opens sockets on
// ports the kernel picks (a bind to port 0, an outgoing connection, a browser's ICE candidates):
// those come from the ephemeral range, 32768–60999 on Linux. A pool range picked at random inside
// it now and then met one of those sockets, or the other worker's range, and a test that expects a
// given port, or a pool of a pair or two, failed with no bug to find. So each worker gets a band of
// its own below the ephemeral range and below the server's default RTP range (20000 up, which the
// servers the tests start use), and the ranges one file asks for follow each other in its band.
// A file runs in a process of its own, so the next file in the band starts with its ports free.

/** The first port of the bands, and how many ports each worker's band holds. */
const FIRST_PORT = 10_000;
const BAND_PORTS = 2_500;
/** 10000–19999: four workers' bands fit below the server's default range. */
const BANDS = 4;

let used = 0;

/** The band of this test worker (vitest numbers its workers from 1). */
function bandStart(): number {
  const worker = Number(process.env.VITEST_POOL_ID ?? '1');
  const index = Number.isInteger(worker) && worker > 0 ? (worker - 1) % BANDS : 0;
  return FIRST_PORT + index * BAND_PORTS;
}

/**
 * The next `ports` ports of this worker's band, starting on an even port (RTP's), as a pool's
 * `minPort`/`maxPort`. Wraps round to the band's start once it is used up: by then the file's
 * earlier pools have been released, and a pool skips a pair that is still bound anyway.
 */
export function testPortRange(ports: number): { minPort: number; maxPort: number } {
  const size = ports + (ports % 2);
  if (size < 2 || size > BAND_PORTS) throw new Error(`testPortRange: ${ports} ports do not fit a band`);
  if (used + size > BAND_PORTS) used = 0;
  const minPort = bandStart() + used;
  used += size;
  return { minPort, maxPort: minPort + size - 1 };
}
