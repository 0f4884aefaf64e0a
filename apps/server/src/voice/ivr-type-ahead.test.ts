/**
 * Keys a caller presses on the demo hotline before its IVR listens: while our 200 OK is being
 * sent (the media is open, no session exists yet) and between the answer and the flow's start
 * (the session waits for the caller's profile). They are kept and handed to the flow in order: the
 * welcome is cut at once, and the main menu takes the caller to the order-status branch without
 * playing its prompt.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { LegId } from '../calls';
import { IDLE, voiceRig, type VoiceRig } from './voice-test-rig';

let rig: VoiceRig | undefined;
afterEach(async () => {
  await rig?.close();
  rig = undefined;
});

const WELCOME = '欢迎致电示例商城。';
const MENU = '查询订单请按1，售前咨询请按2，售后服务请按3，人工服务请按0。';
const ASK_ORDER = '请输入您的订单号，以井号键结束。';

/** The caller's keys, as the media layer reports RFC 4733 events (`voice.digit`). */
function pressOnMedia(r: VoiceRig, legId: LegId, keys: string): void {
  for (const key of keys) r.voice.digit(legId, key);
}

async function ivrTrail(r: VoiceRig, contactId: string) {
  const events = await r.contactEvents(contactId);
  return {
    types: events.map((e) => e.type),
    choices: events.filter((e) => e.type === 'IvrMenuChoiceMade').map((e) => e.data),
    collected: events.filter((e) => e.type === 'IvrDigitsCollected').map((e) => e.data),
  };
}

describe('keys pressed before the IVR listens', () => {
  it('between the answer and the start of the flow: the menu acts on them', async () => {
    rig = await voiceRig();
    const r = rig;
    // Runs right after the voice context saw the answer: the session exists, the flow has not
    // started (it waits for the caller's profile).
    r.control.onEvent((e) => {
      if (e.type === 'LegAnswered' && r.liveCalls().some((c) => c.legId === e.legId)) {
        expect(r.voice.activity().ivrSessions).toBe(1);
        pressOnMedia(r, e.legId, '1');
      }
    });
    await r.dial();
    await r.advance(500);
    const [call] = r.liveCalls();
    const trail = await ivrTrail(r, call!.contactId);
    expect(trail.choices).toMatchObject([{ nodeId: 'mainMenu', digit: '1', target: 'askOrder' }]);
    expect(trail.types).not.toContain('IvrInputInvalid');
    // The welcome was cut before it was ever played, and the menu did not have to ask.
    expect(r.played.map((p) => p.text)).toEqual([ASK_ORDER]);
    // The order-status branch goes on with keys pressed in the usual way.
    await r.advance(1500);
    await r.press('202611230007#');
    await r.advance(1000);
    expect(r.played.map((p) => p.text)).toContain('您的订单202611230007状态是待付款。');
    r.trunk.hangUp();
    await r.advance(500);
    expect(r.voice.activity()).toEqual(IDLE);
  });

  it('while the 200 OK is being sent, before any session exists: kept in order', async () => {
    rig = await voiceRig();
    const r = rig;
    const open = r.media.open.bind(r.media);
    let sessionsAtPress: number | undefined;
    // The caller's media is open just before our 200 OK goes out; keys sent at once (RFC 4733
    // events right behind the SDP) arrive before the answer has been reported.
    r.media.open = async (request) => {
      const opened = await open(request);
      if (r.liveCalls().some((c) => c.legId === request.legId)) {
        sessionsAtPress = r.voice.activity().ivrSessions;
        pressOnMedia(r, request.legId, '1202611230007#');
      }
      return opened;
    };
    await r.dial();
    await r.advance(500);
    expect(sessionsAtPress).toBe(0);
    const [call] = r.liveCalls();
    const trail = await ivrTrail(r, call!.contactId);
    expect(trail.choices).toMatchObject([{ digit: '1', target: 'askOrder' }]);
    expect(trail.collected).toMatchObject([{ variable: 'orderNumber', value: '202611230007' }]);
    await r.advance(1000);
    expect(r.played.map((p) => p.text)).not.toContain(WELCOME);
    expect(r.played.map((p) => p.text)).not.toContain(MENU);
    expect(r.played.map((p) => p.text)).toContain('您的订单202611230007状态是待付款。');
    r.trunk.hangUp();
    await r.advance(500);
    expect(r.voice.activity()).toEqual(IDLE);
  });

  it('a caller who hangs up before the answer leaves no keys behind', async () => {
    rig = await voiceRig();
    const r = rig;
    const open = r.media.open.bind(r.media);
    let held = false;
    r.media.open = async (request) => {
      const opened = await open(request);
      if (!r.liveCalls().some((c) => c.legId === request.legId)) return opened;
      pressOnMedia(r, request.legId, '12');
      // No session yet: the keys are what the IVR holds for this call.
      held = r.voice.activity().ivrSessions === 1;
      // The caller gives up while our answer is still being prepared: its CANCEL goes out once our
      // 100 Trying came (RFC 3261 §9.1), the 200 OK would have gone a second later.
      r.trunk.hangUp();
      await new Promise((resolve) => r.clock.set(1000, () => resolve(undefined)));
      return opened;
    };
    await r.dial();
    await r.advance(1500);
    expect(held).toBe(true);
    expect(r.trunk.finals.map((f) => f.status)).toEqual([487]);
    expect(r.liveCalls()).toEqual([]);
    expect(r.voice.activity()).toEqual(IDLE);
  });
});
