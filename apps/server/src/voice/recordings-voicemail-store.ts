/**
 * Voicemails filed with the call recordings: a kept message is indexed through
 * {@link CallRecordings} under the voicemail contact (mono 16-bit PCM), moved from the work folder
 * into its place and closed, so it is listed, retrieved and audited by the same endpoint as any
 * recording (`/api/v1/recordings/<id>/audio`). A discarded message is deleted unindexed.
 */
import { mkdir, rename, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { TenantId } from '@switchboard/kernel';
import type { CallRecordings } from '../recordings/call-recordings';
import type { Recording, RecordingRepository } from '../recordings/recording-repository';
import type { StoredVoicemail, VoicemailStore } from './voice-ports';

/** The recordings index's audited audio endpoint of a recording. */
export function recordingAudioUrl(recordingId: string): string {
  return `/api/v1/recordings/${encodeURIComponent(recordingId)}/audio`;
}

/** Voicemails in the recordings store. */
export function recordingsVoicemailStore(
  recordings: Pick<CallRecordings, 'begin' | 'closed' | 'root'>,
  index: Pick<RecordingRepository, 'list'>,
): VoicemailStore {
  const stored = (row: Recording): StoredVoicemail => ({
    recordingId: row.id,
    audioUrl: recordingAudioUrl(row.id),
    path: join(recordings.root, ...row.relativePath.split('/')),
    durationMs: row.durationMs ?? 0,
  });
  return {
    async keep(message, owner) {
      const path = await recordings.begin(owner, { channels: 'mono', encoding: 'pcm16' });
      if (path === undefined) throw new Error(`voicemail of ${owner.contactId} cannot be filed`);
      await mkdir(dirname(path), { recursive: true });
      await rename(message.path, path);
      await recordings.closed({
        path,
        dataBytes: message.durationMs * 16,
        durationMs: message.durationMs,
        pausedMs: 0,
        pausedSpans: 0,
      });
      const rows = await index.list(owner.tenantId, { contactId: owner.contactId });
      const row = rows.find((r) => join(recordings.root, ...r.relativePath.split('/')) === path);
      if (row === undefined) throw new Error(`voicemail of ${owner.contactId} was not indexed`);
      return stored(row);
    },
    async discard(message) {
      await rm(message.path, { force: true });
    },
    async find(tenantId: TenantId, contactId: string) {
      const rows = await index.list(tenantId, { contactId });
      const row = rows.find((r) => r.status !== 'recording');
      return row === undefined ? undefined : stored(row);
    },
  };
}
