/**
 * A browser softphone in plain JavaScript for the end-to-end WebRTC tests: SIP over WebSocket
 * (RFC 7118) with digest authentication (RFC 7616, SHA-256 through WebCrypto) and the media of
 * `softphone-test-page.ts`, without sip.js. It registers, auto-answers an incoming INVITE (180,
 * then 200 with its answer to the server's WebRTC offer, candidates gathered first), answers BYE
 * and OPTIONS, and measures what it hears with a WebAudio AnalyserNode.
 *
 * Test code drives it through `page.evaluate('sipphone.…')`.
 */
export const SIP_SOFTPHONE_TEST_PAGE = `<!doctype html>
<html><head><meta charset="utf-8"><title>sip softphone test</title></head>
<body><audio id="remote" autoplay muted></audio>
<script>
const CRLF = '\\r\\n';
const COMPACT = { v: 'via', f: 'from', t: 'to', i: 'call-id', m: 'contact', l: 'content-length', c: 'content-type' };
const host = Math.random().toString(36).slice(2, 10) + '.invalid';
const tag = Math.random().toString(36).slice(2, 12);
let ws;
let user;
let pc;
let media;
let analyser;
let sampleRate = 0;
let cseq = 0;
const log = [];
const waiters = [];

function rand() { return Math.random().toString(36).slice(2, 12); }
function bytes(text) { return new TextEncoder().encode(text).length; }

function parse(text) {
  const split = text.indexOf(CRLF + CRLF);
  const head = split < 0 ? text : text.slice(0, split);
  const body = split < 0 ? '' : text.slice(split + 4);
  const lines = head.split(CRLF);
  const start = lines.shift();
  const headers = [];
  for (const line of lines) {
    const at = line.indexOf(':');
    const name = line.slice(0, at).trim().toLowerCase();
    headers.push([COMPACT[name] || name, line.slice(at + 1).trim()]);
  }
  const all = (name) => headers.filter(([k]) => k === name.toLowerCase()).map(([, v]) => v);
  const get = (name) => all(name)[0];
  if (start.startsWith('SIP/2.0')) return { status: Number(start.split(' ')[1]), get, all, body };
  const [method, uri] = start.split(' ');
  return { method, uri, get, all, body };
}

function contact() { return '<sip:' + user + '@' + host + ';transport=ws>'; }

function send(lines, body) {
  ws.send([...lines, 'Content-Length: ' + bytes(body || ''), '', body || ''].join(CRLF));
}

function respond(request, status, reason, extra, body) {
  const to = request.get('to');
  send([
    'SIP/2.0 ' + status + ' ' + reason,
    ...request.all('via').map((v) => 'Via: ' + v),
    'From: ' + request.get('from'),
    'To: ' + (/;tag=/.test(to) || status === 100 ? to : to + ';tag=' + tag),
    'Call-ID: ' + request.get('call-id'),
    'CSeq: ' + request.get('cseq'),
    ...(extra || []),
  ], body);
}

function next(match, timeoutMs) {
  return new Promise((resolve, reject) => {
    const waiter = { match, resolve };
    waiters.push(waiter);
    setTimeout(() => {
      const i = waiters.indexOf(waiter);
      if (i >= 0) { waiters.splice(i, 1); reject(new Error('no matching SIP message')); }
    }, timeoutMs);
  });
}

async function sha256(text) {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text));
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

function param(challenge, name) {
  const m = new RegExp(name + '=("([^"]*)"|[^,\\\\s]*)', 'i').exec(challenge);
  return m ? (m[2] !== undefined ? m[2] : m[1]) : undefined;
}

/** RFC 7616 §3.4 with qop=auth when offered. */
async function authorization(challenge, method, uri, password) {
  const realm = param(challenge, 'realm');
  const nonce = param(challenge, 'nonce');
  const opaque = param(challenge, 'opaque');
  const qop = (param(challenge, 'qop') || '').split(',').map((q) => q.trim()).includes('auth');
  const cnonce = rand();
  const ha1 = await sha256(user + ':' + realm + ':' + password);
  const ha2 = await sha256(method + ':' + uri);
  const response = qop
    ? await sha256([ha1, nonce, '00000001', cnonce, 'auth', ha2].join(':'))
    : await sha256([ha1, nonce, ha2].join(':'));
  return 'Digest username="' + user + '", realm="' + realm + '", nonce="' + nonce + '", uri="' + uri +
    '", response="' + response + '", algorithm=SHA-256' +
    (qop ? ', qop=auth, nc=00000001, cnonce="' + cnonce + '"' : '') +
    (opaque !== undefined ? ', opaque="' + opaque + '"' : '');
}

function listen(track) {
  // Chromium only renders a remote WebRTC track into WebAudio while a media element plays it.
  const stream = new MediaStream([track]);
  const element = document.getElementById('remote');
  element.srcObject = stream;
  element.play().catch(() => {});
  const context = new AudioContext();
  sampleRate = context.sampleRate;
  analyser = context.createAnalyser();
  analyser.fftSize = 8192;
  analyser.smoothingTimeConstant = 0;
  context.createMediaStreamSource(stream).connect(analyser);
  context.resume();
}

function gathered(peer, timeoutMs) {
  if (peer.iceGatheringState === 'complete') return Promise.resolve();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('ICE gathering timed out')), timeoutMs);
    peer.addEventListener('icegatheringstatechange', () => {
      if (peer.iceGatheringState === 'complete') { clearTimeout(timer); resolve(); }
    });
  });
}

/** Keeps loopback candidates only: the tests' media never leaves 127.0.0.1. */
function loopbackOnly(sdp) {
  return sdp.split(CRLF).filter((l) => !l.startsWith('a=candidate:') || l.split(' ')[4] === '127.0.0.1').join(CRLF);
}

/** The INVITE's offer answered by a fresh peer connection with the fake microphone. */
async function answerInvite(invite) {
  respond(invite, 180, 'Ringing', ['Contact: ' + contact()]);
  media = await navigator.mediaDevices.getUserMedia({ audio: true });
  pc = new RTCPeerConnection({ iceServers: [] });
  pc.addEventListener('track', (event) => listen(event.track));
  for (const track of media.getAudioTracks()) pc.addTrack(track, media);
  await pc.setRemoteDescription({ type: 'offer', sdp: invite.body });
  await pc.setLocalDescription(await pc.createAnswer());
  await gathered(pc, 5000);
  respond(invite, 200, 'OK', ['Contact: ' + contact(), 'Content-Type: application/sdp'], loopbackOnly(pc.localDescription.sdp));
  log.push('answered');
}

async function receive(text) {
  const message = parse(text);
  log.push(message.method || String(message.status));
  const i = waiters.findIndex((w) => w.match(message));
  if (i >= 0) { waiters.splice(i, 1)[0].resolve(message); return; }
  if (message.method === 'INVITE') {
    if (!message.body) { respond(message, 488, 'Not Acceptable Here'); return; }
    answerInvite(message).catch((e) => { log.push('error ' + e.message); respond(message, 500, 'Server Internal Error'); });
  } else if (message.method === 'BYE') {
    respond(message, 200, 'OK');
    if (pc) pc.close();
    log.push('ended');
  } else if (message.method === 'OPTIONS' || message.method === 'INFO' || message.method === 'NOTIFY') {
    respond(message, 200, 'OK');
  } else if (message.method && message.method !== 'ACK') {
    respond(message, 405, 'Method Not Allowed');
  }
}

async function register(url, username, password, realm) {
  user = username;
  ws = new WebSocket(url, 'sip');
  ws.onmessage = (event) => receive(event.data);
  await new Promise((resolve, reject) => { ws.onopen = resolve; ws.onerror = () => reject(new Error('WebSocket failed')); });
  const callId = rand() + '@' + host;
  const uri = 'sip:' + realm;
  const request = async (extra) => {
    cseq++;
    send([
      'REGISTER ' + uri + ' SIP/2.0',
      'Via: SIP/2.0/WS ' + host + ';branch=z9hG4bK' + rand() + ';rport',
      'Max-Forwards: 70',
      'From: <sip:' + user + '@' + realm + '>;tag=' + tag,
      'To: <sip:' + user + '@' + realm + '>',
      'Call-ID: ' + callId,
      'CSeq: ' + cseq + ' REGISTER',
      'Contact: ' + contact(),
      'Expires: 300',
      ...extra,
    ]);
    return next((m) => m.status >= 200 && m.get('call-id') === callId, 5000);
  };
  let response = await request([]);
  if (response.status === 401) {
    const challenge = response.all('www-authenticate').find((c) => /algorithm=SHA-256(,|\\s|$)/i.test(c));
    if (challenge === undefined) return 'no SHA-256 challenge';
    response = await request(['Authorization: ' + await authorization(challenge, 'REGISTER', uri, password)]);
  }
  return response.status;
}

window.sipphone = {
  register,
  log() { return log.slice(); },
  state() { return pc ? pc.connectionState : 'none'; },
  codec() {
    const params = pc.getSenders()[0].getParameters();
    return params.codecs && params.codecs[0] ? params.codecs[0].mimeType : 'none';
  },
  peak() {
    if (!analyser) return { hz: 0, db: -Infinity };
    const bins = new Float32Array(analyser.frequencyBinCount);
    analyser.getFloatFrequencyData(bins);
    let best = 1;
    for (let i = 2; i < bins.length; i++) if (bins[i] > bins[best]) best = i;
    return { hz: (best * sampleRate) / analyser.fftSize, db: bins[best] };
  },
  close() {
    if (pc) pc.close();
    if (ws) ws.close(1000);
  },
  async stopSending() {
    for (const sender of pc.getSenders()) {
      if (sender.track) sender.track.stop();
      await sender.replaceTrack(null);
    }
  },
};
</script></body></html>`;
