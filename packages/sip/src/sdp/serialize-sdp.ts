import type { SdpAttribute, SdpConnection, SdpMedia, SessionDescription } from './session-description';

const conn = (c: SdpConnection): string => `c=${c.netType} ${c.addrType} ${c.address}\r\n`;
const attr = (a: SdpAttribute): string =>
  a.value === undefined ? `a=${a.name}\r\n` : `a=${a.name}:${a.value}\r\n`;

/** Renders a session description with CRLF line ends in the order RFC 8866 §5 prescribes. */
export function serializeSdp(sdp: SessionDescription): string {
  const o = sdp.origin;
  let out = `v=${sdp.version}\r\no=${o.username} ${o.sessionId} ${o.sessionVersion} ${o.netType} ${o.addrType} ${o.address}\r\n`;
  out += `s=${sdp.sessionName}\r\n`;
  if (sdp.info !== undefined) out += `i=${sdp.info}\r\n`;
  if (sdp.uri !== undefined) out += `u=${sdp.uri}\r\n`;
  for (const e of sdp.emails) out += `e=${e}\r\n`;
  for (const p of sdp.phones) out += `p=${p}\r\n`;
  if (sdp.connection !== undefined) out += conn(sdp.connection);
  for (const b of sdp.bandwidths) out += `b=${b}\r\n`;
  const timings = sdp.timings.length > 0 ? sdp.timings : [{ start: '0', stop: '0', repeats: [] }];
  for (const t of timings) {
    out += `t=${t.start} ${t.stop}\r\n`;
    for (const r of t.repeats) out += `r=${r}\r\n`;
  }
  if (sdp.zone !== undefined) out += `z=${sdp.zone}\r\n`;
  if (sdp.key !== undefined) out += `k=${sdp.key}\r\n`;
  for (const a of sdp.attributes) out += attr(a);
  for (const m of sdp.media) out += serializeMedia(m);
  return out;
}

function serializeMedia(m: SdpMedia): string {
  const port = m.portCount === undefined ? `${m.port}` : `${m.port}/${m.portCount}`;
  let out = `m=${m.media} ${port} ${m.proto}${m.formats.map((f) => ` ${f}`).join('')}\r\n`;
  if (m.info !== undefined) out += `i=${m.info}\r\n`;
  for (const c of m.connections) out += conn(c);
  for (const b of m.bandwidths) out += `b=${b}\r\n`;
  if (m.key !== undefined) out += `k=${m.key}\r\n`;
  for (const a of m.attributes) out += attr(a);
  return out;
}
