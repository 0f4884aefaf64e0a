import { createRequire } from 'node:module';

/**
 * The media plane's native addon `name` (apps/server/native/<name>.c, built by
 * scripts/ensure-installed.mjs into build/Release), or undefined where it is not built or the
 * platform is not Linux: callers fall back (dgram sockets) or refuse (real-time priority).
 */
export function loadNativeAddon<T>(name: string): T | undefined {
  if (process.platform !== 'linux') return undefined;
  try {
    return createRequire(import.meta.url)(`../../build/Release/${name}.node`) as T;
  } catch {
    return undefined;
  }
}
