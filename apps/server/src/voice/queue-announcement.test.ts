import { describe, expect, it } from 'vitest';
import { announcedMinutes, expectedWaitSeconds, queueAnnouncement } from './queue-announcement';

describe('expected wait', () => {
  it('is AHT × position ÷ agents staffed', () => {
    expect(expectedWaitSeconds({ position: 4, ahtSeconds: 180, staffedAgents: 3 })).toBe(240);
    expect(expectedWaitSeconds({ position: 1, ahtSeconds: 300, staffedAgents: 1 })).toBe(300);
  });

  it('is unknown without an AHT or without staffed agents', () => {
    expect(expectedWaitSeconds({ position: 2, ahtSeconds: null, staffedAgents: 3 })).toBeUndefined();
    expect(expectedWaitSeconds({ position: 2, ahtSeconds: 0, staffedAgents: 3 })).toBeUndefined();
    expect(expectedWaitSeconds({ position: 2, ahtSeconds: 120, staffedAgents: 0 })).toBeUndefined();
  });

  it('is announced in whole minutes rounded up, never zero, in fives past ten', () => {
    expect([1, 59, 60, 61, 599, 600, 601, 1500, 1501].map(announcedMinutes)).toEqual([
      1, 1, 1, 2, 10, 10, 15, 25, 30,
    ]);
  });
});

describe('announcement text', () => {
  const zh = { language: 'zh', comfort: false, offerCallback: false } as const;
  const en = { language: 'en', comfort: false, offerCallback: false } as const;

  it('tells a Mandarin caller how many are ahead and the wait', () => {
    expect(queueAnnouncement({ position: 4, expectedWaitSeconds: 170 }, zh)).toEqual({
      text: '您前面还有3位客户， 预计等待3分钟。',
      expectedWaitMinutes: 3,
    });
    expect(queueAnnouncement({ position: 1, expectedWaitSeconds: 20 }, zh).text).toBe(
      '您是下一位， 预计等待1分钟。',
    );
  });

  it('tells an English caller their number and the wait', () => {
    expect(queueAnnouncement({ position: 3, expectedWaitSeconds: 170 }, en).text).toBe(
      'You are number 3 in the queue; expected wait about 3 minutes.',
    );
    expect(queueAnnouncement({ position: 2, expectedWaitSeconds: 30 }, en).text).toBe(
      'You are number 2 in the queue; expected wait about 1 minute.',
    );
  });

  it('leaves the wait out when it is unknown', () => {
    expect(queueAnnouncement({ position: 2 }, zh)).toEqual({
      text: '您前面还有1位客户， 请稍候。',
      expectedWaitMinutes: null,
    });
    expect(queueAnnouncement({ position: 2 }, en).text).toBe('You are number 2 in the queue.');
  });

  it('opens with the comfort prompt and closes with the callback offer when asked', () => {
    const first = queueAnnouncement(
      { position: 5, expectedWaitSeconds: 400 },
      { ...zh, comfort: true, offerCallback: true },
    );
    expect(first.text).toBe(
      '您的来电对我们很重要，座席正忙，请您耐心等候。 您前面还有4位客户， 预计等待7分钟。 如需保留排队位置并等待回电，请按1。',
    );
    const english = queueAnnouncement({ position: 5 }, { ...en, comfort: true, offerCallback: true });
    expect(english.text).toBe(
      'Thank you for calling. All our agents are busy; please stay on the line. You are number 5 in the queue. To keep your place and be called back, press 1.',
    );
  });
});
