import { describe, expect, it } from 'vitest';
import { ok, unwrap, type Rejection, type Result } from '@switchboard/kernel';
import type { AppendResult } from './append-types';
import { eventFactory } from '../../test/support/event-factory';
import { ENGINES, useTestDatabases } from '../../test/support/test-databases';
import { migrate } from './database';
import { EventStore, type EventStoreOptions } from './event-store';
import { eventStoreMigrations } from './event-store-migrations';

describe.each(ENGINES)('event store on %s', (engine) => {
  const databases = useTestDatabases(engine);
  const event = eventFactory();

  async function openStore(options: EventStoreOptions = {}): Promise<EventStore> {
    const database = await databases.open();
    await migrate(database, eventStoreMigrations);
    return new EventStore(database, { clock: { now: () => Date.UTC(2026, 10, 23, 8, 0, 1) }, ...options });
  }

  it('reads back appended events with their envelope, versions and positions', async () => {
    const store = await openStore();
    const first = event('contact-1', 'ContactQueued', { queueId: '售前', priority: 2, tags: ['vip'] });
    const second = event('contact-1', 'ContactOffered', { agentId: 'agent-7' });
    const result = unwrap(await store.append('contact-1', [first, second], { expectedVersion: 'no-stream' }));
    expect(result).toEqual({ nextExpectedVersion: 2, positions: [1, 2] });

    const stored = await store.readStream('contact-1');
    expect(stored).toEqual([
      { ...first, position: 1, version: 1, recordedAt: '2026-11-23T08:00:01.000Z' },
      { ...second, position: 2, version: 2, recordedAt: '2026-11-23T08:00:01.000Z' },
    ]);
    expect(await store.readStream('contact-1', { fromVersion: 2 })).toHaveLength(1);
    expect(await store.readStream('contact-unknown')).toEqual([]);
    expect(await store.headPosition()).toBe(2);
  });

  it('refuses an append at a stale version with STORE.VERSION_CONFLICT and writes nothing', async () => {
    const store = await openStore();
    unwrap(await store.append('agent-1', [event('agent-1')], { expectedVersion: 'no-stream' }));

    const stale = await store.append('agent-1', [event('agent-1'), event('agent-1')], { expectedVersion: 0 });
    expect(stale).toMatchObject({
      ok: false,
      error: {
        code: 'STORE.VERSION_CONFLICT',
        details: { streamId: 'agent-1', expectedVersion: 0, actualVersion: 1 },
      },
    });
    const again = await store.append('agent-1', [event('agent-1')], { expectedVersion: 'no-stream' });
    expect(again).toMatchObject({ ok: false, error: { code: 'STORE.VERSION_CONFLICT' } });
    expect(await store.readStream('agent-1')).toHaveLength(1);
    expect(await store.headPosition()).toBe(1);

    expect(unwrap(await store.append('agent-1', [event('agent-1')], { expectedVersion: 1 }))).toMatchObject({
      nextExpectedVersion: 2,
    });
    expect(
      unwrap(await store.append('agent-1', [event('agent-1')], { expectedVersion: 'any' })),
    ).toMatchObject({
      nextExpectedVersion: 3,
    });
  });

  it('lets exactly one of several concurrent appends at the same version win', async () => {
    const store = await openStore();
    unwrap(await store.append('queue-1', [event('queue-1')], { expectedVersion: 'no-stream' }));
    const results = await Promise.all(
      Array.from({ length: 8 }, () => store.append('queue-1', [event('queue-1')], { expectedVersion: 1 })),
    );
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    expect(results.filter((r) => !r.ok).map((r) => !r.ok && r.error.code)).toEqual(
      Array(7).fill('STORE.VERSION_CONFLICT'),
    );
    expect((await store.readStream('queue-1')).map((e) => e.version)).toEqual([1, 2]);
  });

  it('returns the original result when an append is retried with its idempotency key', async () => {
    const store = await openStore();
    const events = [event('contact-9'), event('contact-9')];
    const first = unwrap(
      await store.append('contact-9', events, { expectedVersion: 'no-stream', idempotencyKey: 'req-1' }),
    );
    unwrap(await store.append('contact-9', [event('contact-9')], { expectedVersion: 2 }));

    const retry = await store.append('contact-9', events, {
      expectedVersion: 'no-stream',
      idempotencyKey: 'req-1',
    });
    expect(retry).toEqual({ ok: true, value: first });
    expect(await store.readStream('contact-9')).toHaveLength(3);

    const reused = await store.append('contact-9', [event('contact-9')], {
      expectedVersion: 'any',
      idempotencyKey: 'req-1',
    });
    expect(reused).toMatchObject({ ok: false, error: { code: 'STORE.IDEMPOTENCY_KEY_REUSED' } });
    expect(await store.headPosition()).toBe(3);
  });

  it('appends a batch across streams atomically: one conflict refuses the whole batch', async () => {
    const store = await openStore();
    unwrap(await store.append('b-2', [event('b-2')], { expectedVersion: 'no-stream' }));
    const refused = await store.appendBatch([
      { streamId: 'b-1', events: [event('b-1')], expectedVersion: 'no-stream' },
      { streamId: 'b-2', events: [event('b-2')], expectedVersion: 'no-stream' },
    ]);
    expect(refused).toMatchObject({
      ok: false,
      error: { code: 'STORE.VERSION_CONFLICT', details: { streamId: 'b-2' } },
    });
    expect(await store.readStream('b-1')).toEqual([]);

    const accepted = unwrap(
      await store.appendBatch([
        { streamId: 'b-1', events: [event('b-1'), event('b-1')], expectedVersion: 'no-stream' },
        { streamId: 'b-2', events: [event('b-2')], expectedVersion: 1 },
        { streamId: 'b-1', events: [event('b-1')], expectedVersion: 2 },
      ]),
    );
    expect(accepted.map((r) => r.nextExpectedVersion)).toEqual([2, 2, 3]);
    expect(accepted.flatMap((r) => r.positions)).toEqual([2, 3, 4, 5]);
  });

  it('pages through the whole log by position, optionally for one tenant', async () => {
    const store = await openStore();
    for (let i = 0; i < 7; i++) {
      const tenant = i % 2 === 0 ? 'shop' : 'bank';
      unwrap(
        await store.append(`${tenant}-${i}`, [event(`${tenant}-${i}`, 'ContactQueued', { i }, tenant)], {
          expectedVersion: 'any',
        }),
      );
    }
    const seen: number[] = [];
    for (
      let after = 0, page = await store.readAll({ after, limit: 3 });
      page.length > 0;
      page = await store.readAll({ after, limit: 3 })
    ) {
      seen.push(...page.map((e) => e.position));
      after = page[page.length - 1]!.position;
    }
    expect(seen).toEqual([1, 2, 3, 4, 5, 6, 7]);
    const bank = await store.readAll({ tenantId: 'bank' });
    expect(bank.map((e) => e.metadata.tenantId)).toEqual(['bank', 'bank', 'bank']);
    expect(await store.readAll({ after: 7 })).toEqual([]);
  });

  it('refuses malformed appends, duplicate event ids and cross-tenant streams', async () => {
    const store = await openStore();
    const code = async (p: ReturnType<EventStore['append']>) => {
      const r = await p;
      return r.ok ? 'ok' : r.error.code;
    };
    expect(await code(store.append('s-1', [], { expectedVersion: 'any' }))).toBe('STORE.INVALID_APPEND');
    expect(await code(store.append('s-1', [event('s-2')], { expectedVersion: 'any' }))).toBe(
      'STORE.INVALID_APPEND',
    );
    expect(await code(store.append('s-1', [event('s-1')], { expectedVersion: -1 }))).toBe(
      'STORE.INVALID_APPEND',
    );
    const cyclic: { self?: unknown } = {};
    cyclic.self = cyclic;
    expect(await code(store.append('s-1', [event('s-1', 'X', cyclic)], { expectedVersion: 'any' }))).toBe(
      'STORE.INVALID_APPEND',
    );

    expect(
      await code(store.append('s-1', [event('s-1', 'X', { name: 'a\u0000b' })], { expectedVersion: 'any' })),
    ).toBe('STORE.INVALID_APPEND');

    const once = event('s-1');
    expect(await code(store.append('s-1', [once], { expectedVersion: 'any' }))).toBe('ok');
    const twin = { ...once, metadata: { ...once.metadata, streamId: 's-3' } };
    expect(await code(store.append('s-3', [twin], { expectedVersion: 'any' }))).toBe('STORE.DUPLICATE_EVENT');
    expect(await code(store.append('s-1', [event('s-1', 'X', {}, 'bank')], { expectedVersion: 'any' }))).toBe(
      'STORE.TENANT_MISMATCH',
    );
    expect(await store.headPosition()).toBe(1);
  });

  describe('group commit', () => {
    type Outcome = Result<AppendResult, Rejection>;
    const code = (r: Outcome) => (r.ok ? 'ok' : r.error.code);

    it('commits concurrent callers together, each answered as if alone', async () => {
      const store = await openStore();
      const heads: number[] = [];
      store.onAppended((head) => heads.push(head));
      unwrap(await store.append('seen', [event('seen')], { expectedVersion: 'no-stream' }));
      heads.length = 0;

      const outcomes = await Promise.all([
        store.append('s', [event('s')], { expectedVersion: 'no-stream' }),
        store.append('seen', [event('seen')], { expectedVersion: 0 }), // stale: refused alone
        store.append('s', [event('s'), event('s')], { expectedVersion: 1 }), // sees the first
        store.append('t', [event('t', 'X', {}, 'bank')], { expectedVersion: 'any' }),
        store.append('seen', [event('seen', 'X', {}, 'bank')], { expectedVersion: 'any' }), // tenant
        store.append('seen', [event('seen')], { expectedVersion: 1 }),
      ]);
      expect(outcomes.map(code)).toEqual([
        'ok',
        'STORE.VERSION_CONFLICT',
        'ok',
        'ok',
        'STORE.TENANT_MISMATCH',
        'ok',
      ]);
      // One commit: the listener heard once, and positions follow call order.
      expect(heads).toEqual([6]);
      const positions = outcomes.flatMap((r) => (r.ok ? r.value.positions : []));
      expect(positions).toEqual([2, 3, 4, 5, 6]);
      expect(outcomes[2]).toEqual(ok({ nextExpectedVersion: 3, positions: [3, 4] }));
      expect((await store.readStream('s')).map((e) => e.version)).toEqual([1, 2, 3]);
      expect((await store.readStream('seen')).map((e) => e.version)).toEqual([1, 2]);
    });

    it('commits a flood in transactions of at most maxEventsPerCommit events, in call order', async () => {
      const store = await openStore({ maxEventsPerCommit: 4 });
      const heads: number[] = [];
      store.onAppended((head) => heads.push(head));
      const events = (stream: string, n: number) => Array.from({ length: n }, () => event(stream));
      const outcomes = await Promise.all(
        (
          [
            ['a', 2],
            ['b', 2],
            ['c', 1],
            ['d', 5],
            ['e', 1],
          ] as const
        ).map(([stream, n]) => store.append(stream, events(stream, n), { expectedVersion: 'no-stream' })),
      );
      expect(outcomes.map(code)).toEqual(['ok', 'ok', 'ok', 'ok', 'ok']);
      // a+b fill one; c alone (d would overflow it); d, larger than the cap, whole and alone; then e.
      expect(heads).toEqual([4, 5, 10, 11]);
      const positions = outcomes.flatMap((r) => (r.ok ? r.value.positions : []));
      expect(positions).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
    });

    it('answers a duplicate event id to its own caller and commits the others', async () => {
      const store = await openStore();
      const once = event('p');
      const twin = { ...once, metadata: { ...once.metadata, streamId: 'q' } };
      const outcomes = await Promise.all([
        store.append('p', [once], { expectedVersion: 'any' }),
        store.append('q', [twin], { expectedVersion: 'any' }),
        store.append('r', [event('r')], { expectedVersion: 'any' }),
      ]);
      expect(outcomes.map(code)).toEqual(['ok', 'STORE.DUPLICATE_EVENT', 'ok']);
      expect(await store.readStream('q')).toEqual([]);
      expect((await store.readAll()).map((e) => e.metadata.streamId)).toEqual(['p', 'r']);
    });

    it('answers a concurrent retry with the idempotency key as the retry of the first', async () => {
      const store = await openStore();
      const events = [event('k'), event('k')];
      const options = { expectedVersion: 'any', idempotencyKey: 'order-42' } as const;
      const [first, retry, other] = await Promise.all([
        store.append('k', events, options),
        store.append('k', events, options),
        store.append('k', [event('k')], options),
      ]);
      expect(unwrap(first)).toEqual({ nextExpectedVersion: 2, positions: [1, 2] });
      expect(retry).toEqual(first);
      expect(other).toMatchObject({ ok: false, error: { code: 'STORE.IDEMPOTENCY_KEY_REUSED' } });
      expect(await store.readStream('k')).toHaveLength(2);
    });
  });
});
