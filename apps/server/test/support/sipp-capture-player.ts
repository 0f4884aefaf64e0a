import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { sipRequest, statusOf, UdpClient } from './raw-sip';
import { freeUdpPort, startSipp, type SippResult } from './sipp';
import type { TransportAddress } from '../../src/media/source-latch';

/** sip-tester's RFC 4733 capture of key 4: ten telephone-event packets (type 101) of one SSRC. */
export const DTMF_CAPTURE = '/usr/share/sip-tester/dtmf_2833_4.pcap';
const SCENARIO = fileURLToPath(
  new URL('../../src/media/fixtures/sipp/answer-then-play-capture.xml', import.meta.url),
);

/**
 * Has sipp play `capture` to `to` the way a sipp caller started without `-mp` does: sipp answers
 * an INVITE whose SDP names `to`, then `play_pcap_audio` sends the capture's RTP through a raw
 * socket, from UDP source port 0 (RFC 768: "no reply port"), which Linux delivers on loopback.
 * Resolves with sipp's result once it has sent everything and exited.
 */
export async function playCaptureFromPortZero(
  to: TransportAddress,
  capture = DTMF_CAPTURE,
): Promise<SippResult> {
  const sipPort = await freeUdpPort();
  const sipp = startSipp({
    scenario: SCENARIO,
    port: 9,
    transport: 'udp',
    localPort: sipPort,
    files: { 'capture.pcap': readFileSync(capture) },
    timeoutMs: 10_000,
  });
  const caller = await UdpClient.open();
  try {
    const callId = `port-zero-${sipPort}`;
    const sdp = [
      'v=0',
      'o=caller 1 1 IN IP4 127.0.0.1',
      's=-',
      `c=IN IP4 ${to.address}`,
      't=0 0',
      `m=audio ${to.port} RTP/AVP 0 101`,
      'a=rtpmap:0 PCMU/8000',
      'a=rtpmap:101 telephone-event/8000',
      '',
    ].join('\r\n');
    const invite = sipRequest({
      method: 'INVITE',
      callId,
      extra: [`Contact: <sip:caller@127.0.0.1:9>`, 'Content-Type: application/sdp'],
    }).replace('Content-Length: 0\r\n\r\n', `Content-Length: ${sdp.length}\r\n\r\n${sdp}`);
    // sipp may not listen yet: repeat the INVITE (a retransmission to sipp once it does).
    let answer: string | undefined;
    for (let attempt = 0; attempt < 25 && answer === undefined; attempt++) {
      caller.send(sipPort, invite);
      answer = await caller.next((m) => statusOf(m) === 200, 400);
    }
    if (answer === undefined) throw new Error(`sipp did not answer: ${(await sipp.result).output}`);
    const toHeader = /^To: .*$/im.exec(answer)![0];
    caller.send(sipPort, sipRequest({ method: 'ACK', callId, cseq: 1 }).replace(/^To: .*$/im, toHeader));
    return await sipp.result;
  } finally {
    caller.close();
    await sipp.stop();
  }
}
