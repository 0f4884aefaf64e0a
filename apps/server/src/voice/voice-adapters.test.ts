import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeWav } from '@switchboard/media';
import type { TenantId } from '@switchboard/kernel';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PromptLibrary } from '../media';
import { registrarAgentDevices } from './registrar-agent-devices';
import { synthesizedPromptSource } from './synthesized-prompt-source';

const tenant = 't1' as TenantId;
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sb-voice-adapters-'));
  const samples = new Uint8Array(2 * 4000);
  await writeFile(
    join(dir, 'half.wav'),
    encodeWav({ encoding: 'pcm16', sampleRate: 8000, channels: 1 }, samples),
  );
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('synthesizedPromptSource', () => {
  const synthesizer = {
    synthesize: (r: { text: string; language: string }) =>
      Promise.resolve({
        path: `/cache/${r.language}-${r.text}.wav`,
        hash: 'h',
        durationMs: 1200,
        cached: true,
      }),
  };
  const source = () => synthesizedPromptSource({ synthesizer, library: new PromptLibrary(), fileRoot: dir });

  it('speaks text prompts through the synthesizer', async () => {
    expect(await source().audioFor(tenant, { text: '您好', language: 'zh' })).toEqual({
      path: '/cache/zh-您好.wav',
      durationMs: 1200,
    });
  });

  it('plays recorded files from the prompt folder with their duration', async () => {
    expect(await source().audioFor(tenant, { file: 'half.wav', language: 'en' })).toEqual({
      path: join(dir, 'half.wav'),
      durationMs: 500,
    });
  });

  it('refuses a file outside the prompt folder', async () => {
    await expect(source().audioFor(tenant, { file: '../etc/passwd', language: 'en' })).rejects.toThrow(
      /outside/,
    );
  });
});

describe('registrarAgentDevices', () => {
  it('rings each registered contact over the flow it registered on', async () => {
    const devices = registrarAgentDevices({
      contactsFor: (tenantId, userId) =>
        Promise.resolve([
          {
            uri: `sip:${userId}@10.0.0.5:5062`,
            aor: `sip:${tenantId}`,
            q: 1,
            expiresAt: 0,
            flow: { protocol: 'UDP', address: '203.0.113.7', port: 40000 },
          },
        ]),
    });
    expect(await devices.targetsFor(tenant, 'u1')).toEqual([
      // The contact's address of record: the only SIP user who may take the call over (RFC 3891 §6).
      {
        uri: 'sip:u1@10.0.0.5:5062',
        destination: { host: '203.0.113.7', port: 40000 },
        peer: `sip:${tenant}`,
      },
    ]);
  });
});
