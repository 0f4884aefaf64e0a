/**
 * A browser softphone in plain JavaScript for the end-to-end WebRTC tests: SIP over WebSocket
 * (RFC 7118) with digest authentication (RFC 7616, SHA-256 through WebCrypto) and the media of
 * `softphone-test-page.ts`, without sip.js. It registers, auto-answers an incoming INVITE (180,
 * then 200 with its answer to the server's WebRTC offer, candidates gathered first), answers BYE
 * and OPTIONS, and measures what it hears with a WebAudio AnalyserNode.
 *
 * It keeps its call's dialog (Call-ID, both tags, the server's Contact, its account) in
 * sessionStorage, which outlives a reload of the tab: after one, `rejoin` registers again over a
 * new WebSocket and takes the call back with an INVITE carrying Replaces (RFC 3891) and a fresh
 * WebRTC offer of its own, answering the server's 407 with Proxy-Authorization.
 *
 * Test code drives it through `page.evaluate('sipphone.…')`.
 */
export const SIP_SOFTPHONE_TEST_PAGE = `<!doctype html>
<html><head><meta charset="utf-8"><title>sip softphone test</title></head>
<body><audio id="remote" autoplay muted></audio>
<script>
const CRLF = '\\r\\n';
const COMPACT = { v: 'via', f: 'from', t: 'to', i: 'call-id', m: 'contact', l: 'content-length', c: 'content-type' };
const DIALOG_KEY = 'sipphone.dialog';
const host = Math.random().toString(36).slice(2, 10) + '.invalid';
const tag = Math.random().toString(36).slice(2, 12);
let ws;
let user;
let account;
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

/** The URI of a name-addr (<sip:…>;tag=…) and its tag parameter. */
function uriOf(value) { const m = /<([^>]*)>/.exec(value); return m ? m[1] : value.split(';')[0].trim(); }
function tagOf(value) { const m = /;\\s*tag=([^;\\s]+)/i.exec(value.slice(value.lastIndexOf('>') + 1)); return m ? m[1] : undefined; }

/** The call's dialog as this page holds it, kept across a reload of the tab. */
function keepDialog(callId, remoteTag, target) {
  const dialog = { callId, localTag: tag, remoteTag, target, user, url: account.url, realm: account.realm };
  sessionStorage.setItem(DIALOG_KEY, JSON.stringify(dialog));
}

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
  await newPeer();
  await pc.setRemoteDescription({ type: 'offer', sdp: invite.body });
  await pc.setLocalDescription(await pc.createAnswer());
  await gathered(pc, 5000);
  respond(invite, 200, 'OK', ['Contact: ' + contact(), 'Content-Type: application/sdp'], loopbackOnly(pc.localDescription.sdp));
  keepDialog(invite.get('call-id'), tagOf(invite.get('from')), uriOf(invite.get('contact')));
  log.push('answered');
}

/** A new peer connection with the fake microphone, listening to what it receives. */
async function newPeer() {
  media = await navigator.mediaDevices.getUserMedia({ audio: true });
  pc = new RTCPeerConnection({ iceServers: [] });
  pc.addEventListener('track', (event) => listen(event.track));
  for (const track of media.getAudioTracks()) pc.addTrack(track, media);
}

/** Sends an INVITE (CSeq one higher each time) and ACKs a failure (RFC 3261 §17.1.1.3). */
async function sendInvite(target, callId, extra, sdp) {
  cseq++;
  const via = 'Via: SIP/2.0/WS ' + host + ';branch=z9hG4bK' + rand() + ';rport';
  const base = [
    via,
    'Max-Forwards: 70',
    'From: <sip:' + user + '@' + account.realm + '>;tag=' + tag,
    'To: <' + target + '>',
    'Call-ID: ' + callId,
  ];
  send(['INVITE ' + target + ' SIP/2.0', ...base, 'CSeq: ' + cseq + ' INVITE', 'Contact: ' + contact(), ...extra, 'Content-Type: application/sdp'], sdp);
  const response = await next((m) => m.status >= 200 && m.get('call-id') === callId && /INVITE$/.test(m.get('cseq')), 15000);
  if (response.status >= 300) send(['ACK ' + target + ' SIP/2.0', via, ...base.slice(1, 3), 'To: ' + response.get('to'), base[4], 'CSeq: ' + cseq + ' ACK']);
  return response;
}

/**
 * After a reload: registers again and takes the kept call back with an INVITE carrying Replaces
 * (RFC 3891 §6.1: to-tag the server's side of the old dialog, from-tag ours) and a new offer.
 */
async function rejoin(password) {
  const kept = JSON.parse(sessionStorage.getItem(DIALOG_KEY) || 'null');
  if (!kept) return 'no dialog kept';
  const registered = await register(kept.url, kept.user, password, kept.realm);
  if (registered !== 200) return 'register ' + registered;
  await newPeer();
  await pc.setLocalDescription(await pc.createOffer());
  await gathered(pc, 5000);
  const sdp = loopbackOnly(pc.localDescription.sdp);
  const callId = rand() + '@' + host;
  const extra = ['Replaces: ' + kept.callId + ';to-tag=' + kept.remoteTag + ';from-tag=' + kept.localTag, 'Require: replaces', 'Supported: replaces'];
  let response = await sendInvite(kept.target, callId, extra, sdp);
  if (response.status === 407) {
    const challenge = response.all('proxy-authenticate').find((c) => /algorithm=SHA-256(,|\\s|$)/i.test(c));
    if (challenge === undefined) return 'no SHA-256 challenge';
    const credentials = 'Proxy-Authorization: ' + await authorization(challenge, 'INVITE', kept.target, password);
    response = await sendInvite(kept.target, callId, [...extra, credentials], sdp);
  }
  if (response.status !== 200) return response.status;
  await pc.setRemoteDescription({ type: 'answer', sdp: response.body });
  const target = uriOf(response.get('contact'));
  send([
    'ACK ' + target + ' SIP/2.0',
    'Via: SIP/2.0/WS ' + host + ';branch=z9hG4bK' + rand() + ';rport',
    'Max-Forwards: 70',
    'From: <sip:' + user + '@' + account.realm + '>;tag=' + tag,
    'To: ' + response.get('to'),
    'Call-ID: ' + callId,
    'CSeq: ' + cseq + ' ACK',
  ]);
  keepDialog(callId, tagOf(response.get('to')), target);
  log.push('rejoined');
  return 200;
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
  account = { url, realm };
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
  rejoin,
  kept() { return JSON.parse(sessionStorage.getItem(DIALOG_KEY) || 'null'); },
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
  offeredEventType() {
    const m = /a=rtpmap:(\\d+) telephone-event\\/8000/i.exec(pc.localDescription.sdp);
    return m ? Number(m[1]) : null;
  },
  dtmf(tones) {
    const sender = pc.getSenders()[0];
    if (!sender.dtmf || !sender.dtmf.canInsertDTMF) return false;
    sender.dtmf.insertDTMF(tones, 120, 70);
    return true;
  },
};
</script></body></html>`;
