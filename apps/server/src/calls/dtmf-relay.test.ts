import { describe, expect, it } from 'vitest';
import { parseDtmfInfo } from './dtmf-relay';
import { callHarness, NOTHING_LEFT } from './test-peers/call-harness';

describe('parseDtmfInfo', () => {
  it('reads application/dtmf-relay and application/dtmf bodies', () => {
    expect(parseDtmfInfo('application/dtmf-relay', 'Signal=5\r\nDuration=160\r\n')).toEqual({
      digit: '5',
      durationMs: 160,
    });
    expect(parseDtmfInfo('application/dtmf-relay', 'Signal= #\r\n')).toEqual({ digit: '#' });
    expect(parseDtmfInfo('application/dtmf-relay', 'Signal=11\r\nDuration=100')).toEqual({
      digit: '#',
      durationMs: 100,
    });
    expect(parseDtmfInfo('application/dtmf', '7')).toEqual({ digit: '7' });
  });

  it('refuses garbage and other content types', () => {
    expect(parseDtmfInfo('application/dtmf-relay', 'Signal=55\r\n')).toBeUndefined();
    expect(parseDtmfInfo('application/dtmf-relay', '')).toBeUndefined();
    expect(parseDtmfInfo('text/plain', '5')).toBeUndefined();
    expect(parseDtmfInfo(undefined, '5')).toBeUndefined();
  });
});

describe('INFO DTMF on a leg', () => {
  it('reports DtmfReceived and relays the INFO to the bridged leg', async () => {
    const h = callHarness({ phones: { alice: {} } });
    await h.dial();
    await h.clock.run(100);
    const caller = h.first('LegOffered')!.legId;
    const out = await h.control.execute({ type: 'Originate', request: h.ring('alice') });
    await h.control.execute({ type: 'Bridge', legIds: [caller, out.ok ? out.value.legId! : ''] });
    await h.clock.run(100);
    h.trunk.sendDigit('5');
    await h.clock.run(100);
    expect(h.first('DtmfReceived')).toMatchObject({ legId: caller, digit: '5', durationMs: 160 });
    expect(h.phones.alice!.methods()).toEqual(['INVITE', 'INFO']);
    h.trunk.hangUp();
    expect(await h.drain()).toEqual(NOTHING_LEFT);
  });
});
