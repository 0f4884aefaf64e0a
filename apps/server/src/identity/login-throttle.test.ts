import { describe, expect, it } from 'vitest';
import { LoginThrottle } from './login-throttle';

function setup() {
  let now = 0;
  const clock = { now: () => now };
  const throttle = new LoginThrottle({
    maxFailuresPerUser: 3,
    maxFailuresPerIp: 5,
    windowMs: 60_000,
    clock,
    sweepThreshold: 4,
  });
  return { throttle, advance: (ms: number) => void (now += ms) };
}

describe('LoginThrottle', () => {
  it('blocks a user name after its failure limit until the window ends', () => {
    const { throttle, advance } = setup();
    for (let i = 0; i < 3; i++) throttle.recordFailure(`10.0.0.${i}`, 'demo/agent1');
    expect(throttle.check('10.0.0.9', 'demo/agent1')).toEqual({ allowed: false, retryAfterSeconds: 60 });
    advance(45_000);
    expect(throttle.check('10.0.0.9', 'demo/agent1')).toEqual({ allowed: false, retryAfterSeconds: 15 });
    advance(15_000);
    expect(throttle.check('10.0.0.9', 'demo/agent1')).toEqual({ allowed: true });
  });

  it('blocks an address after its failure limit across user names', () => {
    const { throttle } = setup();
    for (let i = 0; i < 5; i++) throttle.recordFailure('10.0.0.1', `demo/user${i}`);
    expect(throttle.check('10.0.0.1', 'demo/fresh').allowed).toBe(false);
    expect(throttle.check('10.0.0.2', 'demo/fresh').allowed).toBe(true);
  });

  it("clears a user's count on success but not the address's", () => {
    const { throttle } = setup();
    for (let i = 0; i < 2; i++) throttle.recordFailure('10.0.0.1', 'demo/agent1');
    throttle.recordSuccess('demo/agent1');
    throttle.recordFailure('10.0.0.1', 'demo/agent1');
    expect(throttle.check('10.0.0.3', 'demo/agent1').allowed).toBe(true);
    for (let i = 0; i < 2; i++) throttle.recordFailure('10.0.0.1', 'demo/other');
    expect(throttle.check('10.0.0.1', 'demo/new').allowed).toBe(false);
  });

  it('counts attempts still running against the limits, and forgets them when they end', () => {
    const { throttle } = setup();
    for (let i = 0; i < 3; i++) expect(throttle.begin(`10.0.0.${i}`, 'demo/agent1').allowed).toBe(true);
    expect(throttle.begin('10.0.0.9', 'demo/agent1')).toEqual({ allowed: false, retryAfterSeconds: 1 });
    throttle.end('10.0.0.0', 'demo/agent1', true);
    throttle.end('10.0.0.1', 'demo/agent1', true);
    throttle.end('10.0.0.2', 'demo/agent1', true);
    expect(throttle.check('10.0.0.9', 'demo/agent1')).toEqual({ allowed: true });
    for (let i = 0; i < 3; i++) {
      throttle.begin('10.0.1.1', 'demo/agent2');
      throttle.end('10.0.1.1', 'demo/agent2', false);
    }
    expect(throttle.check('10.0.1.2', 'demo/agent2')).toEqual({ allowed: false, retryAfterSeconds: 60 });
  });

  it('forgets expired windows when it grows, so memory stays bounded', () => {
    const { throttle, advance } = setup();
    for (let i = 0; i < 5; i++) throttle.recordFailure(`10.0.1.${i}`, `demo/u${i}`);
    advance(61_000);
    throttle.recordFailure('10.0.2.1', 'demo/late');
    expect((throttle as unknown as { windows: Map<string, unknown> }).windows.size).toBe(2);
  });
});
