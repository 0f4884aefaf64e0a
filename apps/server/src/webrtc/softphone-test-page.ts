/**
 * The page a headless Chromium loads in the WebRTC integration tests: the media half of the
 * browser softphone, without sip.js. It offers like sip.js does (getUserMedia, addTrack,
 * createOffer, candidates gathered before the offer leaves, RFC 8829 §5.2), applies the
 * server's answer, and measures what it hears with a WebAudio AnalyserNode.
 *
 * Test code drives it through `page.evaluate('softphone.…')`.
 */
export const SOFTPHONE_TEST_PAGE = `<!doctype html>
<html><head><meta charset="utf-8"><title>softphone media test</title></head>
<body><audio id="remote" autoplay muted></audio>
<script>
let pc;
let analyser;
let sampleRate = 0;

function gathered(peer, timeoutMs) {
  if (peer.iceGatheringState === 'complete') return Promise.resolve();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('ICE gathering timed out')), timeoutMs);
    peer.addEventListener('icegatheringstatechange', () => {
      if (peer.iceGatheringState === 'complete') { clearTimeout(timer); resolve(); }
    });
  });
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

window.softphone = {
  async offer() {
    const media = await navigator.mediaDevices.getUserMedia({ audio: true });
    pc = new RTCPeerConnection({ iceServers: [] });
    pc.addEventListener('track', (event) => listen(event.track));
    for (const track of media.getAudioTracks()) pc.addTrack(track, media);
    await pc.setLocalDescription(await pc.createOffer());
    await gathered(pc, 5000);
    return pc.localDescription.sdp;
  },
  async answer(sdp) {
    await pc.setRemoteDescription({ type: 'answer', sdp });
  },
  state() {
    return pc ? pc.connectionState : 'none';
  },
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
  dtmf(tones) {
    pc.getSenders()[0].dtmf.insertDTMF(tones, 120, 70);
  },
  mute(muted) {
    for (const sender of pc.getSenders()) if (sender.track) sender.track.enabled = !muted;
  },
  async stopSending() {
    for (const sender of pc.getSenders()) {
      if (sender.track) sender.track.stop();
      await sender.replaceTrack(null);
    }
  },
  close() {
    if (pc) pc.close();
  },
};
</script></body></html>`;
