import { createReadStream } from 'node:fs';
import { realpath, stat } from 'node:fs/promises';
import { isAbsolute, join, relative } from 'node:path';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { problemResponses, sendProblem } from '../http/problem-details';
import { actorOf, principalOf } from '../identity/access-control';
import type { AuditLog } from '../identity/audit-log';
import { RecordingCode } from './recording-codes';
import type { RecordingRepository } from './recording-repository';
import {
  RecordingIdParams,
  RecordingListQuery,
  RecordingListSchema,
  recordingView,
} from './recording-schemas';

/**
 * Conversations hold personal data (card numbers before a pause, addresses): supervisors review,
 * QA scores and admins manage them; agents do not browse recordings.
 */
const REVIEWERS = { access: ['supervisor', 'admin', 'qa'] as const };

/** Options of {@link recordingRoutes}. */
export interface RecordingRoutesOptions {
  readonly repository: RecordingRepository;
  /** `<dataDir>/recordings`; no file outside it is ever served. */
  readonly root: string;
  /** Where every access to a recording is recorded. */
  readonly audit: Pick<AuditLog, 'record'>;
}

/**
 * The recordings API, scoped to the caller's tenant: the index of a contact's recordings, and one
 * recording's audio. A recording is found by id only (the path on disk never comes from the
 * request), and the file is served only when its real path lies under the recordings root. Every
 * audio fetch is audited as `recording.accessed`, found or not; every listing as `recording.listed`.
 */
export async function recordingRoutes(root: FastifyInstance, options: RecordingRoutesOptions): Promise<void> {
  const app = root.withTypeProvider<TypeBoxTypeProvider>();
  const { repository, audit } = options;

  app.get(
    '/api/v1/recordings',
    {
      config: REVIEWERS,
      schema: {
        tags: ['recordings'],
        summary: 'Call recordings (录音) of the tenant, optionally of one contact',
        querystring: RecordingListQuery,
        response: { 200: RecordingListSchema, ...problemResponses(400, 401, 403) },
      },
    },
    async (request) => {
      const { contactId } = request.query;
      const items = await repository.list(principalOf(request).tenantId, {
        ...(contactId === undefined ? {} : { contactId }),
      });
      await record(audit, request, 'recording.listed', undefined, {
        ...(contactId === undefined ? {} : { contactId }),
        count: items.length,
      });
      return { items: items.map(recordingView) };
    },
  );

  app.get(
    '/api/v1/recordings/:id/audio',
    {
      config: REVIEWERS,
      schema: {
        tags: ['recordings'],
        summary: 'The audio of one recording: stereo WAV, caller left, agent right',
        description: 'Audited as recording.accessed.',
        params: RecordingIdParams,
        response: {
          // No `type`: the body is a file stream, which the serializer must leave alone.
          200: { description: 'Stereo WAV', content: { 'audio/wav': { schema: { format: 'binary' } } } },
          ...problemResponses(401, 403, 404),
        },
      },
    },
    async (request, reply) => {
      const { id } = request.params;
      const recording = await repository.findById(principalOf(request).tenantId, id);
      // A recording that never started has no audio; a file at its path is not its own.
      const neverStarted = recording?.status === 'failed' && recording.bytes === 0;
      const file =
        recording === undefined || neverStarted
          ? undefined
          : await servedFile(options.root, recording.relativePath);
      await record(audit, request, 'recording.accessed', recording?.id, {
        found: recording !== undefined,
        ...(file === undefined ? {} : { bytes: file.size }),
      });
      if (recording === undefined)
        return sendProblem(request, reply, {
          code: RecordingCode.RECORDING_NOT_FOUND,
          message: `No recording ${id}`,
        });
      if (file === undefined)
        return sendProblem(request, reply, {
          code: RecordingCode.AUDIO_MISSING,
          message: neverStarted
            ? `Recording ${id} failed before any audio was written (${recording.failure ?? 'no reason kept'})`
            : `The audio of recording ${id} is not available`,
        });
      return reply
        .type('audio/wav')
        .header('content-length', String(file.size))
        .send(createReadStream(file.path));
    },
  );
}

/**
 * The real path and size of an indexed file, or undefined when it is missing or resolves (through
 * `..` or a symbolic link) outside the recordings root.
 */
async function servedFile(
  root: string,
  relativePath: string,
): Promise<{ readonly path: string; readonly size: number } | undefined> {
  try {
    const realRoot = await realpath(root);
    const path = await realpath(join(realRoot, ...relativePath.split('/')));
    const inside = relative(realRoot, path);
    if (inside === '' || inside.startsWith('..') || isAbsolute(inside)) return undefined;
    const info = await stat(path);
    return info.isFile() ? { path, size: info.size } : undefined;
  } catch {
    return undefined;
  }
}

function record(
  audit: Pick<AuditLog, 'record'>,
  request: FastifyRequest,
  action: 'recording.accessed' | 'recording.listed',
  recordingId: string | undefined,
  details: Record<string, unknown>,
): Promise<void> {
  const { principal, ip } = actorOf(request);
  return audit.record({
    tenantId: principal.tenantId,
    actorUserId: principal.userId,
    actor: principal.username,
    action,
    ...(recordingId === undefined ? {} : { target: { type: 'recording', id: recordingId } }),
    ip,
    details,
  });
}
