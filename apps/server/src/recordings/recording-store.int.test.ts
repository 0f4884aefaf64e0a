/**
 * The recordings index on both engines, and start-up recovery of what a crash left behind: rows
 * still `recording` become `recovered` with the sizes of the repaired files.
 */
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Kysely } from 'kysely';
import { describe, expect, it } from 'vitest';
import type { TenantId } from '@switchboard/kernel';
import { ALL_MIGRATIONS, testClock } from '../../test/support/test-server';
import { ENGINES, useTestDatabases } from '../../test/support/test-databases';
import type { IdentityTables } from '../identity/identity-tables';
import { TenantRepository } from '../identity/tenant-repository';
import { RecordingFile } from '../media';
import { migrate, type Database } from '../store/database';
import { uuidV7Ids } from '../uuid-v7';
import { CallRecordings } from './call-recordings';
import { RecordingRepository } from './recording-repository';
import type { RecordingsTables } from './recordings-tables';

const DEMO = 'tenant-demo' as TenantId;
const ACME = 'tenant-acme' as TenantId;

async function prepare(database: Database) {
  await migrate(database, ALL_MIGRATIONS);
  const tenants = new TenantRepository(database.db as Kysely<IdentityTables>);
  const now = new Date().toISOString();
  await tenants.insert({ id: DEMO, slug: 'demo', name: 'Demo' }, now);
  await tenants.insert({ id: ACME, slug: 'acme', name: 'Acme' }, now);
  return new RecordingRepository(database.db as Kysely<RecordingsTables>);
}

describe.each(ENGINES)('recordings index on %s', (engine) => {
  const databases = useTestDatabases(engine);

  it('indexes a recording at start, closes it once, and keeps tenants apart', async () => {
    const repository = await prepare(await databases.open());
    await repository.insert({
      id: 'r1',
      tenantId: DEMO,
      contactId: 'c1',
      callId: 'call-1',
      relativePath: 'tenant-demo/2026-11-23/c1.wav',
      startedAt: '2026-11-23T08:00:00.000Z',
      format: 'wav/mulaw-8000-stereo',
    });
    expect(await repository.findById(DEMO, 'r1')).toMatchObject({ status: 'recording', bytes: null });
    expect((await repository.listOpen()).map((r) => r.id)).toEqual(['r1']);
    const end = {
      status: 'complete',
      endedAt: '2026-11-23T08:01:00.000Z',
      durationMs: 60_000,
      bytes: 960_044,
    } as const;
    expect(await repository.finish('tenant-demo/2026-11-23/c1.wav', end)).toBe(true);
    expect(await repository.finish('tenant-demo/2026-11-23/c1.wav', { ...end, status: 'recovered' })).toBe(
      false,
    );
    expect(await repository.findById(DEMO, 'r1')).toMatchObject({
      status: 'complete',
      durationMs: 60_000,
      bytes: 960_044,
      pausedSpans: 0,
    });
    expect(await repository.findById(ACME, 'r1')).toBeUndefined();
    expect(await repository.list(ACME)).toEqual([]);
    expect((await repository.list(DEMO, { contactId: 'c1' })).map((r) => r.id)).toEqual(['r1']);
    expect(await repository.list(DEMO, { contactId: 'c2' })).toEqual([]);
    expect(await repository.listOpen()).toEqual([]);
  });

  it('names files by tenant, day and contact, and marks crash leftovers recovered at start-up', async () => {
    const repository = await prepare(await databases.open());
    const root = await mkdtemp(join(tmpdir(), 'sb-recordings-'));
    try {
      const clock = testClock(Date.parse('2026-11-23T08:00:00Z'));
      const recordings = new CallRecordings({
        repository,
        root,
        clock,
        ids: uuidV7Ids(clock),
        logger: { warn: () => undefined },
      });
      const call = { tenantId: DEMO, contactId: 'c1', callId: 'call-1' };
      const first = await recordings.begin(call);
      expect(first).toBe(join(root, 'tenant-demo', '2026-11-23', 'c1.wav'));
      // The same contact bridged again (a transfer) gets its own file.
      expect(await recordings.begin(call)).toBe(join(root, 'tenant-demo', '2026-11-23', 'c1-2.wav'));
      expect(await recordings.begin({ ...call, contactId: '../../etc/passwd' })).toBeUndefined();

      // A crash mid-call: 1.5 s of stereo μ-law reached the disk, the header never got its sizes.
      const file = await RecordingFile.create(first!, { encoding: 'mulaw', sampleRate: 8000, channels: 2 });
      if (!file.ok) throw new Error(file.error.code);
      file.value.append(new Uint8Array(24_000).fill(0x10));
      await new Promise((resolve) => setTimeout(resolve, 50));

      const report = await recordings.recover();
      expect(report).toEqual({ repairedFiles: 1, recoveredRows: 2 });
      const [crashed, never] = await repository.list(DEMO, { contactId: 'c1' });
      expect(crashed).toMatchObject({
        status: 'recovered',
        durationMs: 1500,
        bytes: (await stat(first!)).size,
        endedAt: '2026-11-23T08:00:01.500Z',
      });
      // The second was indexed but no byte was ever written.
      expect(never).toMatchObject({ status: 'recovered', durationMs: 0, bytes: 0 });
      expect(await recordings.recover()).toEqual({ repairedFiles: 0, recoveredRows: 0 });
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });
});
