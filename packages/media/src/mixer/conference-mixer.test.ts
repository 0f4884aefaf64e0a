import { describe, expect, it } from 'vitest';
import { ConferenceMixer } from './conference-mixer';

/** Each participant speaks a constant level, which makes every mix readable at a glance. */
function tick(mixer: ConferenceMixer, levels: Record<string, number>): Record<string, number> {
  for (const [id, level] of Object.entries(levels))
    mixer.get(id)!.write(new Int16Array(mixer.frameSamples).fill(level));
  mixer.mix();
  const heard: Record<string, number> = {};
  for (const id of ['caller', 'agent', 'third', 'supervisor', 'recorder']) {
    const p = mixer.get(id);
    if (p) heard[id] = p.output[0]!;
  }
  return heard;
}

function threeParty() {
  const m = new ConferenceMixer();
  m.add('caller');
  m.add('agent');
  m.add('third');
  return m;
}

describe('ConferenceMixer', () => {
  it('gives every party everyone else, never themselves (mix-minus)', () => {
    expect(tick(threeParty(), { caller: 1, agent: 10, third: 100 })).toEqual({
      caller: 110,
      agent: 101,
      third: 11,
    });
  });

  it('lets a listening supervisor hear all while nobody hears the supervisor', () => {
    const m = threeParty();
    m.add('supervisor', { role: 'listen' });
    m.add('recorder', { role: 'listen' });
    expect(tick(m, { caller: 1, agent: 10, third: 100, supervisor: 1000 })).toEqual({
      caller: 110,
      agent: 101,
      third: 11,
      supervisor: 111,
      recorder: 111,
    });
  });

  it('lets a whispering supervisor be heard by the agent only', () => {
    const m = threeParty();
    m.add('supervisor', { role: 'whisper', whisperTo: 'agent' });
    expect(tick(m, { caller: 1, agent: 10, third: 100, supervisor: 1000 })).toEqual({
      caller: 110,
      agent: 1101,
      third: 11,
      supervisor: 111,
    });
  });

  it('lets a barging supervisor be heard by all, and moves between modes mid-call', () => {
    const m = threeParty();
    m.add('supervisor', { role: 'listen' });
    m.update('supervisor', { role: 'barge' });
    expect(tick(m, { caller: 1, agent: 10, third: 100, supervisor: 1000 })).toEqual({
      caller: 1110,
      agent: 1101,
      third: 1011,
      supervisor: 111,
    });
    m.update('supervisor', { role: 'whisper', whisperTo: 'caller' });
    expect(tick(m, { caller: 1, agent: 10, third: 100, supervisor: 1000 }).caller).toBe(1110);
    expect(m.get('supervisor')!.whisperTo).toBe('caller');
  });

  it('silences a muted participant for others, who still hears everyone', () => {
    const m = threeParty();
    m.add('agent', { muted: true });
    expect(tick(m, { caller: 1, agent: 10, third: 100 })).toEqual({ caller: 100, agent: 101, third: 1 });
    m.update('agent', { muted: false });
    expect(tick(m, { caller: 1, agent: 10, third: 100 }).caller).toBe(110);
  });

  it('treats a participant with no frame this tick as silent', () => {
    const m = threeParty();
    tick(m, { caller: 1, agent: 10, third: 100 });
    expect(tick(m, { caller: 1, agent: 10 })).toEqual({ caller: 10, agent: 1, third: 11 });
  });

  it('saturates instead of wrapping, and only after mix-minus', () => {
    const m = threeParty();
    expect(tick(m, { caller: 30000, agent: 30000, third: -30000 })).toEqual({
      caller: 0,
      agent: 0,
      third: 32767,
    });
    expect(tick(m, { caller: -30000, agent: -30000, third: -30000 })).toEqual({
      caller: -32768,
      agent: -32768,
      third: -32768,
    });
  });

  it('reuses the same buffers every tick and forgets removed participants', () => {
    const m = threeParty();
    const agent = m.get('agent')!;
    const { input, output } = agent;
    for (let i = 0; i < 100; i++) tick(m, { caller: i, agent: 1, third: 2 });
    expect(agent.input).toBe(input);
    expect(agent.output).toBe(output);
    expect(m.remove('third')).toBe(true);
    expect(m.remove('third')).toBe(false);
    expect(m.size).toBe(2);
    expect(tick(m, { caller: 5, agent: 7 })).toEqual({ caller: 7, agent: 5 });
    expect(m.add('agent')).toBe(agent);
    expect(m.update('nobody', { muted: true })).toBe(false);
  });

  it('ignores a whisper to a participant who is not there, or to itself', () => {
    const m = threeParty();
    m.add('supervisor', { role: 'whisper', whisperTo: 'gone' });
    expect(tick(m, { caller: 1, agent: 10, third: 100, supervisor: 1000 })).toEqual({
      caller: 110,
      agent: 101,
      third: 11,
      supervisor: 111,
    });
    m.update('supervisor', { role: 'whisper', whisperTo: 'supervisor' });
    expect(tick(m, { caller: 1, agent: 10, third: 100, supervisor: 1000 }).supervisor).toBe(111);
  });
});
