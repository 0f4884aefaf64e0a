import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PromptCode, PromptError } from './prompt-error';
import { PromptSynthesizer } from './prompt-synthesizer';

// Real espeak-ng and sox, as the test command installs them; a missing tool must fail the suite.
const ESPEAK = '/usr/bin/espeak-ng';
const SOX = '/usr/bin/sox';
const CHINESE = '欢迎致电示例商城，查询订单请按1';
const ENGLISH = 'Your order has shipped.';
/** RMS of normalized speech sits near 0.1 of full scale; silence or clicks stay far below 0.02. */
const MIN_SPEECH_RMS = 0.02;

interface DecodedWav {
  formatTag: number;
  channels: number;
  sampleRate: number;
  bitsPerSample: number;
  samples: Int16Array;
}

/** Decodes a 16-bit PCM WAV independently of the code under test. */
function decodeWav(bytes: Buffer): DecodedWav {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const tag = (at: number) => bytes.toString('latin1', at, at + 4);
  expect(tag(0)).toBe('RIFF');
  expect(tag(8)).toBe('WAVE');
  let fmt: Omit<DecodedWav, 'samples'> | undefined;
  for (let at = 12; at + 8 <= bytes.length;) {
    const size = view.getUint32(at + 4, true);
    if (tag(at) === 'fmt ') {
      fmt = {
        formatTag: view.getUint16(at + 8, true),
        channels: view.getUint16(at + 10, true),
        sampleRate: view.getUint32(at + 12, true),
        bitsPerSample: view.getUint16(at + 22, true),
      };
    } else if (tag(at) === 'data' && fmt) {
      const samples = new Int16Array(size / 2);
      for (let i = 0; i < samples.length; i++) samples[i] = view.getInt16(at + 8 + i * 2, true);
      return { ...fmt, samples };
    }
    at += 8 + size + (size % 2);
  }
  throw new Error('no fmt/data chunk');
}

function rms(samples: Int16Array): number {
  let sum = 0;
  for (const s of samples) sum += (s / 32768) ** 2;
  return Math.sqrt(sum / samples.length);
}

async function expectTelephoneSpeech(path: string, minSeconds: number): Promise<DecodedWav> {
  const wav = decodeWav(await readFile(path));
  expect({ tag: wav.formatTag, rate: wav.sampleRate, ch: wav.channels, bits: wav.bitsPerSample }).toEqual({
    tag: 1,
    rate: 8000,
    ch: 1,
    bits: 16,
  });
  expect(wav.samples.length / wav.sampleRate).toBeGreaterThan(minSeconds);
  expect(rms(wav.samples)).toBeGreaterThan(MIN_SPEECH_RMS);
  return wav;
}

let root: string;
let counter = 0;
async function freshSynthesizer(options: Partial<ConstructorParameters<typeof PromptSynthesizer>[0]> = {}) {
  const dataDir = join(root, `data-${counter++}`);
  return {
    dataDir,
    synth: new PromptSynthesizer({ dataDir, espeakPath: ESPEAK, soxPath: SOX, ...options }),
  };
}

beforeAll(async () => {
  for (const [tool, pkg] of [
    [ESPEAK, 'espeak-ng'],
    [SOX, 'sox'],
  ] as const) {
    if (!existsSync(tool)) throw new Error(`${tool} is missing: install the Debian package ${pkg}`);
  }
  execFileSync(ESPEAK, ['--version']);
  execFileSync(SOX, ['--version']);
  root = await mkdtemp(join(tmpdir(), 'prompt-synth-'));
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('PromptSynthesizer with espeak-ng and sox', () => {
  it('speaks a Mandarin prompt as 8 kHz mono 16-bit PCM with audible speech', async () => {
    const { synth, dataDir } = await freshSynthesizer();
    const audio = await synth.synthesize({ text: CHINESE, language: 'zh' });
    expect(audio.cached).toBe(false);
    expect(audio.path).toBe(join(dataDir, 'prompts', `${audio.hash}.wav`));
    const wav = await expectTelephoneSpeech(audio.path, 2);
    expect(Math.abs(audio.durationMs - (wav.samples.length / 8000) * 1000)).toBeLessThan(2);
  });

  it('speaks an English prompt with the same format', async () => {
    const { synth } = await freshSynthesizer();
    const audio = await synth.synthesize({ text: ENGLISH, language: 'en' });
    await expectTelephoneSpeech(audio.path, 1);
  });

  it('answers the second request from the cache without starting a process', async () => {
    const { synth, dataDir } = await freshSynthesizer();
    const first = await synth.synthesize({ text: ENGLISH, language: 'en' });
    const mtime = (await stat(first.path)).mtimeMs;
    const spawned = synth.stats().processesSpawned;
    const second = await synth.synthesize({ text: `  ${ENGLISH}\n`, language: 'en' });
    expect(second).toEqual({ ...first, cached: true });
    expect(synth.stats().processesSpawned).toBe(spawned);
    expect((await stat(first.path)).mtimeMs).toBe(mtime);

    const restarted = new PromptSynthesizer({ dataDir, espeakPath: ESPEAK, soxPath: SOX });
    expect(await restarted.synthesize({ text: ENGLISH, language: 'en' })).toMatchObject({ cached: true });
    expect(restarted.stats().processesSpawned).toBe(0);
  });

  it('renders concurrent identical requests once', async () => {
    const { synth } = await freshSynthesizer();
    const results = await Promise.all(
      Array.from({ length: 6 }, () => synth.synthesize({ text: '您好，您的订单已发货', language: 'zh' })),
    );
    expect(new Set(results.map((r) => r.path)).size).toBe(1);
    expect(synth.stats()).toMatchObject({ rendered: 1, joinedInFlight: 5, processesSpawned: 2 });
  });

  it('keys the cache on text, language, voice and rate', async () => {
    const { synth } = await freshSynthesizer();
    const base = synth.promptKey({ text: ENGLISH, language: 'en' });
    const variants = [
      synth.promptKey({ text: 'Your order is delayed.', language: 'en' }),
      synth.promptKey({ text: ENGLISH, language: 'en', voice: 'en-gb' }),
      synth.promptKey({ text: ENGLISH, language: 'en', rate: 140 }),
      synth.promptKey({ text: ENGLISH, language: 'zh' }),
    ];
    expect(new Set([base, ...variants].map((k) => k.hash)).size).toBe(5);
    const a = await synth.synthesize({ text: '订单号12345', language: 'zh' });
    const b = await synth.synthesize({ text: '订单号12346', language: 'zh' });
    expect(a.path).not.toBe(b.path);
    expect(a.hash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('speaks shell syntax and option-like text instead of executing it', async () => {
    const { synth } = await freshSynthesizer();
    const victim = join(root, 'victim');
    const marker = join(root, 'marker');
    const optionTarget = join(root, 'option-target.wav');
    await mkdir(victim);
    for (const text of [
      `"; rm -rf ${victim}; touch ${marker}; echo "`,
      `$(touch ${marker}) \`touch ${marker}\` | touch ${marker} && touch ${marker}`,
      `-w ${optionTarget} --version`,
    ]) {
      const audio = await synth.synthesize({ text, language: 'en' });
      await expectTelephoneSpeech(audio.path, 1);
    }
    expect(existsSync(victim)).toBe(true);
    expect(existsSync(marker)).toBe(false);
    expect(existsSync(optionTarget)).toBe(false);
  });

  it('names the Debian package when espeak-ng or sox is missing', async () => {
    const missingEspeak = (await freshSynthesizer({ espeakPath: join(root, 'nowhere', 'espeak-ng') })).synth;
    const espeakError = await missingEspeak.synthesize({ text: ENGLISH, language: 'en' }).catch((e) => e);
    expect(espeakError).toBeInstanceOf(PromptError);
    expect(espeakError).toMatchObject({
      code: PromptCode.ToolMissing,
      details: { debianPackage: 'espeak-ng' },
    });
    expect(espeakError.message).toContain('apt-get install espeak-ng');

    const { synth, dataDir } = await freshSynthesizer({ soxPath: join(root, 'nowhere', 'sox') });
    const soxError = await synth.synthesize({ text: ENGLISH, language: 'en' }).catch((e) => e);
    expect(soxError).toMatchObject({ code: PromptCode.ToolMissing, details: { debianPackage: 'sox' } });
    expect(await readdir(join(dataDir, 'prompts'))).toEqual(['tmp']);
    expect(await readdir(join(dataDir, 'prompts', 'tmp'))).toEqual([]);
  });

  it('kills a rendering that exceeds the timeout and caches nothing', async () => {
    const { synth, dataDir } = await freshSynthesizer({ timeoutMs: 1 });
    const text = 'This prompt is long enough to keep the speech engine busy. '.repeat(10);
    await expect(synth.synthesize({ text, language: 'en' })).rejects.toMatchObject({
      code: PromptCode.ToolTimedOut,
    });
    expect(await readdir(join(dataDir, 'prompts', 'tmp'))).toEqual([]);
    expect(existsSync(synth.promptKey({ text, language: 'en' }).path)).toBe(false);
  });

  it('renders again over a damaged cache entry instead of serving it', async () => {
    const { synth } = await freshSynthesizer();
    const { path } = await synth.synthesize({ text: ENGLISH, language: 'en' });
    const whole = await readFile(path);
    await writeFile(path, whole.subarray(0, 200)); // as if written without the atomic rename
    const again = await synth.synthesize({ text: ENGLISH, language: 'en' });
    expect(again.cached).toBe(false);
    expect((await readFile(path)).length).toBe(whole.length);
  });

  it('removes work files a crashed process left behind, but not recent ones', async () => {
    const { synth, dataDir } = await freshSynthesizer();
    const workDir = join(dataDir, 'prompts', 'tmp');
    await mkdir(workDir, { recursive: true });
    await writeFile(join(workDir, 'crashed.wav'), 'RIFF');
    await writeFile(join(workDir, 'other-node.wav'), 'RIFF');
    const twoHoursAgo = new Date(Date.now() - 2 * 60 * 60 * 1000);
    await utimes(join(workDir, 'crashed.wav'), twoHoursAgo, twoHoursAgo);
    await synth.synthesize({ text: ENGLISH, language: 'en' });
    expect(await readdir(workDir)).toEqual(['other-node.wav']);
  });

  it('rejects empty text, unknown languages and malformed voices and rates', async () => {
    const { synth } = await freshSynthesizer();
    for (const request of [
      { text: ' \n\t ', language: 'en' as const },
      { text: 'x'.repeat(1001), language: 'en' as const },
      { text: 'hello', language: 'fr' as 'en' },
      { text: 'hello', language: 'en' as const, voice: '-w /tmp/x' },
      { text: 'hello', language: 'en' as const, rate: 10_000 },
    ]) {
      await expect(synth.synthesize(request)).rejects.toMatchObject({ code: PromptCode.InvalidRequest });
    }
    expect(synth.stats().processesSpawned).toBe(0);
  });

  it('reports a voice espeak-ng does not know as a tool failure with its message', async () => {
    const { synth } = await freshSynthesizer();
    await expect(
      synth.synthesize({ text: 'hello', language: 'en', voice: 'xx-nowhere' }),
    ).rejects.toMatchObject({
      code: PromptCode.ToolFailed,
      message: expect.stringContaining('voice does not exist'),
    });
  });
});
