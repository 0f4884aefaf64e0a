/**
 * Starts a throwaway PostgreSQL server for integration tests and benchmarks: a fresh cluster in a
 * temporary directory, listening on 127.0.0.1 at a free port with its socket in that directory, and
 * removed again by `stop()`. It uses the Debian server binaries (`postgresql` package) and never
 * skips: missing binaries are an error, because the storage suite must run against both engines.
 *
 * PostgreSQL refuses to run as root; when the tests run as root (CI containers), the cluster belongs
 * to the `postgres` OS user and every server command runs through `runuser -u postgres --`.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

/** A running throwaway server. */
export interface PostgresServer {
  /** URL of the default `postgres` database, superuser `postgres`, no password (trust on loopback). */
  readonly url: string;
  readonly port: number;
  /** Creates an empty database and returns its URL; for tests that need a clean schema. */
  createDatabase(name: string): Promise<string>;
  /** Stops the server and deletes its files; idempotent. */
  stop(): Promise<void>;
}

/** Where to look for the server binaries; `PG_BIN_DIR` overrides. */
const DEBIAN_PG_ROOT = '/usr/lib/postgresql';
const SERVER_USER = 'postgres';

/** Settings that trade durability for speed: a test cluster is thrown away anyway. */
const FAST_SETTINGS = ['fsync=off', 'synchronous_commit=off', 'full_page_writes=off'];

/**
 * Starts a fresh PostgreSQL cluster. Throws, naming the Debian package, when the binaries are
 * missing. Call `stop()` in `afterAll`; a process exit also stops it as a last resort.
 */
export async function startPostgres(): Promise<PostgresServer> {
  const bin = findBinDir();
  const asRoot = process.getuid?.() === 0;
  const root = mkdtempSync(join(tmpdir(), 'switchboard-pg-'));
  const dataDir = join(root, 'data');
  const run = (command: string, args: string[]): void => runServerCommand(bin, asRoot, command, args);
  let stopped = false;
  const stopSync = (): void => {
    if (stopped) return;
    stopped = true;
    if (existsSync(join(dataDir, 'postmaster.pid'))) {
      spawnSync(...commandLine(bin, asRoot, 'pg_ctl', ['stop', '-D', dataDir, '-m', 'immediate', '-w']), {
        stdio: 'ignore',
      });
    }
    rmSync(root, { recursive: true, force: true });
  };
  process.once('exit', stopSync);
  try {
    if (asRoot) handOverToServerUser(root);
    run('initdb', [
      '-D',
      dataDir,
      '-U',
      SERVER_USER,
      '--auth=trust',
      '-E',
      'UTF8',
      '--no-locale',
      '--no-sync',
    ]);
    const port = await startOnFreePort(run, dataDir, root);
    const url = `postgres://${SERVER_USER}@127.0.0.1:${port}/postgres`;
    return {
      url,
      port,
      createDatabase: (name) => createDatabase(url, name),
      stop: async () => {
        process.removeListener('exit', stopSync);
        stopSync();
      },
    };
  } catch (error) {
    stopSync();
    throw error;
  }
}

function findBinDir(): string {
  const candidates = process.env.PG_BIN_DIR
    ? [process.env.PG_BIN_DIR]
    : existsSync(DEBIAN_PG_ROOT)
      ? readdirSync(DEBIAN_PG_ROOT)
          .filter((v) => /^\d+$/.test(v))
          .sort((a, b) => Number(b) - Number(a))
          .map((v) => join(DEBIAN_PG_ROOT, v, 'bin'))
      : [];
  const found = candidates.find((dir) => existsSync(join(dir, 'initdb')) && existsSync(join(dir, 'pg_ctl')));
  if (found === undefined) {
    throw new Error(
      `PostgreSQL server binaries (initdb, pg_ctl) not found under ${process.env.PG_BIN_DIR ?? `${DEBIAN_PG_ROOT}/<version>/bin`}: ` +
        'install the Debian package `postgresql` (npm test installs it in its pretest step) or set PG_BIN_DIR',
    );
  }
  return found;
}

function commandLine(bin: string, asRoot: boolean, command: string, args: string[]): [string, string[]] {
  const path = join(bin, command);
  return asRoot ? ['runuser', ['-u', SERVER_USER, '--', path, ...args]] : [path, args];
}

function runServerCommand(bin: string, asRoot: boolean, command: string, args: string[]): void {
  const [file, argv] = commandLine(bin, asRoot, command, args);
  const result = spawnSync(file, argv, { encoding: 'utf8' });
  if (result.status !== 0) {
    const output = `${result.stdout ?? ''}${result.stderr ?? ''}${result.error?.message ?? ''}`.trim();
    throw new Error(`${command} failed (exit ${result.status}): ${output}`);
  }
}

/** Root owns the fresh temp dir; the server user must own it to create the cluster and socket. */
function handOverToServerUser(root: string): void {
  const uid = Number(execFileSync('id', ['-u', SERVER_USER], { encoding: 'utf8' }).trim());
  const gid = Number(execFileSync('id', ['-g', SERVER_USER], { encoding: 'utf8' }).trim());
  if (!Number.isInteger(uid) || !Number.isInteger(gid)) {
    throw new Error(`OS user '${SERVER_USER}' not found: install the Debian package \`postgresql\``);
  }
  chownSync(root, uid, gid);
  chmodSync(root, 0o700);
}

/**
 * Picks a free port and starts the server on it; another process can grab the port between the
 * check and the start, so a failed start is retried on a new port a few times.
 */
async function startOnFreePort(
  run: (command: string, args: string[]) => void,
  dataDir: string,
  root: string,
): Promise<number> {
  let lastError: unknown;
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await freePort();
    const options = [
      `-p ${port}`,
      `-k ${root}`,
      "-c listen_addresses='127.0.0.1'",
      ...FAST_SETTINGS.map((s) => `-c ${s}`),
    ].join(' ');
    try {
      run('pg_ctl', [
        'start',
        '-D',
        dataDir,
        '-l',
        join(root, 'server.log'),
        '-o',
        options,
        '-w',
        '-t',
        '60',
      ]);
      return port;
    } catch (error) {
      lastError = error;
    }
  }
  throw lastError;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject()));
    });
  });
}

async function createDatabase(url: string, name: string): Promise<string> {
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`not a plain database name: '${name}'`);
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(`CREATE DATABASE ${name}`);
  } finally {
    await client.end();
  }
  return url.replace(/\/postgres$/, `/${name}`);
}
