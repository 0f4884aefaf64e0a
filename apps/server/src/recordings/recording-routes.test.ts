import { mkdir, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeWav } from '@switchboard/media';
import type { TenantId } from '@switchboard/kernel';
import { addTenantWithAdmin, startTestServer, type TestServer } from '../../test/support/test-server';
import { recordingsRoot } from './call-recordings';
import { RecordingRepository } from './recording-repository';
import type { RecordingsTables } from './recordings-tables';

let server: TestServer;
let supervisor: string;
let agent: string;
let boss: string;
let demo: TenantId;
/** A short stereo WAV, as the recorder would have written it. */
const AUDIO = encodeWav(
  { encoding: 'mulaw', sampleRate: 8000, channels: 2 },
  new Uint8Array(3200).fill(0x10),
);

beforeAll(async () => {
  server = await startTestServer();
  supervisor = await server.login('supervisor', 'demo-supervisor');
  agent = await server.login('agent1', 'demo-agent');
  await addTenantWithAdmin(server, 'acme', 'boss', 'acme-boss-pass');
  boss = await server.login('boss', 'acme-boss-pass', 'acme');
  demo = (await server.identity.tenants.findBySlug('demo'))!.id;
  const root = recordingsRoot(server.config.db.dataDir);
  const repository = new RecordingRepository(server.database.db as Kysely<RecordingsTables>);
  const index = async (id: string, relativePath: string, contactId = 'contact-1') =>
    repository.insert({
      id,
      tenantId: demo,
      contactId,
      callId: 'call-1',
      relativePath,
      startedAt: '2026-11-23T08:00:00.000Z',
      format: 'wav/mulaw-8000-stereo',
    });
  await mkdir(join(root, demo, '2026-11-23'), { recursive: true });
  await writeFile(join(root, demo, '2026-11-23', 'contact-1.wav'), AUDIO);
  await index('rec-1', `${demo}/2026-11-23/contact-1.wav`);
  // A row tampered with to point outside the root, and one whose symbolic link leads outside.
  await writeFile(join(server.config.db.dataDir, 'secret.wav'), AUDIO);
  await index('rec-escape', '../secret.wav');
  await symlink(join(server.config.db.dataDir, 'secret.wav'), join(root, demo, '2026-11-23', 'linked.wav'));
  await index('rec-link', `${demo}/2026-11-23/linked.wav`);
  // A recording that failed to start, over a file that is not its own.
  await writeFile(join(root, demo, '2026-11-23', 'contact-2.wav'), AUDIO);
  await index('rec-failed', `${demo}/2026-11-23/contact-2.wav`, 'contact-2');
  await repository.finish(`${demo}/2026-11-23/contact-2.wav`, {
    status: 'failed',
    endedAt: '2026-11-23T08:00:00.000Z',
    durationMs: 0,
    bytes: 0,
    failure: 'MEDIA.RECORDING_FAILED (EEXIST)',
  });
});
afterAll(() => server.close());

const get = (url: string, cookie?: string) =>
  server.app.inject({ url, ...(cookie ? { headers: { cookie } } : {}) });

async function accesses() {
  const rows = await server.database.db
    .selectFrom('audit_log')
    .select(['tenant_id', 'actor', 'target_type', 'target_id', 'details'])
    .where('action', '=', 'recording.accessed')
    .orderBy('id')
    .execute();
  return rows.map((r) => ({ ...r, details: r.details === null ? null : JSON.parse(r.details) }));
}

describe('recordings API', () => {
  it('refuses the unauthenticated with 401 and agents with 403', async () => {
    expect((await get('/api/v1/recordings')).statusCode).toBe(401);
    expect((await get('/api/v1/recordings/rec-1/audio')).statusCode).toBe(401);
    expect((await get('/api/v1/recordings?contactId=contact-1', agent)).statusCode).toBe(403);
    expect((await get('/api/v1/recordings/rec-1/audio', agent)).statusCode).toBe(403);
  });

  it("lists a contact's recordings without their place on disk", async () => {
    const res = await get('/api/v1/recordings?contactId=contact-1', supervisor);
    expect(res.statusCode).toBe(200);
    const { items } = res.json();
    expect(items.map((r: { id: string }) => r.id).sort()).toEqual(['rec-1', 'rec-escape', 'rec-link']);
    expect(items[0]).toMatchObject({ contactId: 'contact-1', callId: 'call-1', status: 'recording' });
    expect(res.body).not.toContain('.wav');
    expect((await get('/api/v1/recordings?contactId=other', supervisor)).json()).toEqual({ items: [] });
  });

  it('streams the audio with its length and audits the access', async () => {
    const res = await get('/api/v1/recordings/rec-1/audio', supervisor);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('audio/wav');
    expect(res.headers['content-length']).toBe(String(AUDIO.length));
    expect(new Uint8Array(res.rawPayload)).toEqual(AUDIO);
    expect((await accesses()).at(-1)).toMatchObject({
      tenant_id: demo,
      actor: 'supervisor',
      target_type: 'recording',
      target_id: 'rec-1',
      details: { found: true, bytes: AUDIO.length },
    });
  });

  it("answers 404 for another tenant's recording, and audits the attempt", async () => {
    const res = await get('/api/v1/recordings/rec-1/audio', boss);
    expect(res.statusCode).toBe(404);
    expect(res.json().code).toBe('RECORDINGS.RECORDING_NOT_FOUND');
    expect((await get('/api/v1/recordings', boss)).json()).toEqual({ items: [] });
    expect((await accesses()).at(-1)).toMatchObject({
      tenant_id: 'tenant-acme',
      actor: 'boss',
      target_id: null,
      details: { found: false },
    });
  });

  it('never serves a file outside the recordings root', async () => {
    for (const id of ['rec-escape', 'rec-link']) {
      const res = await get(`/api/v1/recordings/${id}/audio`, supervisor);
      expect(res.statusCode).toBe(404);
      expect(res.json().code).toBe('RECORDINGS.AUDIO_MISSING');
    }
    const traversal = await get('/api/v1/recordings/..%2F..%2Fsecret.wav/audio', supervisor);
    expect(traversal.statusCode).toBe(404);
  });

  it('says a recording failed, and why, and serves no audio for one that never started', async () => {
    const listed = (await get('/api/v1/recordings?contactId=contact-2', supervisor)).json();
    expect(listed.items).toEqual([
      expect.objectContaining({ status: 'failed', failure: 'MEDIA.RECORDING_FAILED (EEXIST)', bytes: 0 }),
    ]);
    const res = await get('/api/v1/recordings/rec-failed/audio', supervisor);
    expect(res.statusCode).toBe(404);
    expect(res.json()).toMatchObject({ code: 'RECORDINGS.AUDIO_MISSING' });
    expect(res.json().detail).toMatch(/failed before any audio.*EEXIST/);
  });
});
