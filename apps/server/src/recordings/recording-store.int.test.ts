/**
 * The recordings index on both engines, and start-up recovery of what a crash left behind: rows
 * still `recording` become `recovered` with the sizes of the repaired files.
 */
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { Kysely } from 'kysely';
import { describe, expect, it } from 'vitest';
import { rejection, type TenantId } from '@switchboard/kernel';
import { parseWav, WavStreamWriter } from '@switchboard/media';
import { ALL_MIGRATIONS, testClock } from '../../test/support/test-server';
import { ENGINES, useTestDatabases } from '../../test/support/test-databases';
import type { IdentityTables } from '../identity/identity-tables';
import { TenantRepository } from '../identity/tenant-repository';
import { MediaCode } from '../media';
import { migrate, type Database } from '../store/database';
import { uuidV7Ids } from '../uuid-v7';
import { CallRecordings } from './call-recordings';
import type { RecordingOutcome } from './recording-metrics';
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

/** A stereo μ-law recording's header as written at its start, before its sizes are known. */
const unsizedHeader = () => new WavStreamWriter({ encoding: 'mulaw', sampleRate: 8000, channels: 2 }).begin();

type Outcome = Parameters<RecordingOutcome>[0];

describe.each(ENGINES)('recordings index on %s', (engine) => {
  const databases = useTestDatabases(engine);

  /** Runs `test` with a fresh index, recordings root and clock at `at`; the root is removed after. */
  async function withRecordings(
    at: string,
    test: (r: {
      database: Database;
      repository: RecordingRepository;
      recordings: CallRecordings;
      root: string;
      outcomes: Outcome[];
    }) => Promise<void>,
  ): Promise<void> {
    const database = await databases.open();
    const repository = await prepare(database);
    const root = await mkdtemp(join(tmpdir(), 'sb-recordings-'));
    try {
      const clock = testClock(Date.parse(at));
      const outcomes: Outcome[] = [];
      const recordings = new CallRecordings({
        repository,
        root,
        clock,
        ids: uuidV7Ids(clock),
        logger: { warn: () => undefined },
        onOutcome: (status) => outcomes.push(status),
      });
      await test({ database, repository, recordings, root, outcomes });
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  }

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

  it('files failed recordings as failed, with the reason, and what reached the disk playable', async () => {
    await withRecordings('2026-11-25T08:00:00Z', async ({ repository, recordings, root, outcomes }) => {
      const call = (contactId: string) => ({ tenantId: DEMO, contactId, callId: `call-${contactId}` });
      const unstarted = await recordings.begin(call('c1'));
      await mkdir(dirname(unstarted!), { recursive: true });
      // It never started (a file nobody indexed was in its way): no audio, and that file untouched.
      await writeFile(unstarted!, 'not ours');
      await recordings.closed({
        path: unstarted!,
        dataBytes: 0,
        durationMs: 0,
        pausedMs: 0,
        pausedSpans: 0,
        error: rejection(MediaCode.RecordingFailed, `cannot create ${unstarted}`, {
          path: unstarted,
          code: 'EEXIST',
        }),
      });

      // Its writing broke off 1.5 s in while the call went on for 4 s, one pause among them: the
      // file was left as a failed write leaves it, sizes never written into the header.
      const brokeOff = (await recordings.begin(call('c2')))!;
      await writeFile(brokeOff, Buffer.concat([unsizedHeader(), new Uint8Array(24_000).fill(0x10)]));
      await recordings.closed({
        path: brokeOff,
        dataBytes: 64_000,
        durationMs: 4000,
        pausedMs: 600,
        pausedSpans: 1,
        error: rejection(MediaCode.RecordingFailed, `write to ${brokeOff} failed`, {
          path: brokeOff,
          code: 'ENOSPC',
        }),
      });

      const whole = (await recordings.begin(call('c3')))!;
      await writeFile(whole, new Uint8Array(1044));
      await recordings.closed({
        path: whole,
        dataBytes: 1000,
        durationMs: 60_000,
        pausedMs: 1200,
        pausedSpans: 2,
      });

      const [first, second, third] = await repository.list(DEMO);
      expect(first).toMatchObject({
        contactId: 'c1',
        status: 'failed',
        failure: 'MEDIA.RECORDING_FAILED (EEXIST)',
        durationMs: 0,
        bytes: 0,
      });
      // The path on disk stays private, in the failure as everywhere.
      expect(first!.failure).not.toContain(root);
      expect(await readFile(unstarted!, 'utf8')).toBe('not ours');
      expect(second).toMatchObject({
        contactId: 'c2',
        status: 'failed',
        failure: 'MEDIA.RECORDING_FAILED (ENOSPC)',
        durationMs: 1500,
        bytes: (await stat(brokeOff)).size,
        pausedSpans: 1,
        pausedMs: 600,
      });
      const repaired = parseWav(await readFile(brokeOff));
      expect(repaired.ok && repaired.value.data.length).toBe(24_000);
      expect(third).toMatchObject({
        contactId: 'c3',
        status: 'complete',
        failure: null,
        pausedSpans: 2,
        pausedMs: 1200,
      });
      expect(outcomes).toEqual(['failed', 'failed', 'complete']);
      // Closed rows are not reopened by start-up recovery.
      expect(await recordings.recover()).toMatchObject({ recoveredRows: 0 });
    });
  });

  it('counts a recording the index could not file as failed, and lets the error through', async () => {
    await withRecordings('2026-11-25T08:00:00Z', async ({ database, recordings, outcomes }) => {
      await database.close();
      await expect(recordings.begin({ tenantId: DEMO, contactId: 'c1', callId: 'call-1' })).rejects.toThrow();
      expect(outcomes).toEqual(['failed']);
    });
  });

  it('names files by tenant, day and contact, and marks crash leftovers recovered at start-up', async () => {
    await withRecordings('2026-11-23T08:00:00Z', async ({ repository, recordings, root, outcomes }) => {
      const call = { tenantId: DEMO, contactId: 'c1', callId: 'call-1' };
      const first = await recordings.begin(call);
      expect(first).toBe(join(root, 'tenant-demo', '2026-11-23', 'c1.wav'));
      // The same contact bridged again (a transfer) gets its own file.
      expect(await recordings.begin(call)).toBe(join(root, 'tenant-demo', '2026-11-23', 'c1-2.wav'));
      expect(await recordings.begin({ ...call, contactId: '../../etc/passwd' })).toBeUndefined();

      // A crash mid-call: 1.5 s of stereo μ-law reached the disk, the header never got its sizes.
      await mkdir(dirname(first!), { recursive: true });
      await writeFile(first!, Buffer.concat([unsizedHeader(), new Uint8Array(24_000).fill(0x10)]));

      const report = await recordings.recover();
      expect(report).toEqual({ repairedFiles: 1, recoveredRows: 2 });
      expect(outcomes).toEqual(['recovered', 'recovered']);
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
    });
  });
});
