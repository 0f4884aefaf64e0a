/**
 * The server's configuration: one schema grouped by concern, read once at boot from command-line
 * flags (first) and environment variables (second), with safe defaults. Every bad setting is reported
 * at once so an operator fixes them in one round. The result is deeply frozen and passed down
 * explicitly; nothing else in the server reads `process.env` or `process.argv`.
 */
import { resolve } from 'node:path';
import { err, ok, type Result } from '@switchboard/kernel';
import { readArguments, type ArgumentSpec } from './cli-arguments';
import { boolean, host, integer, oneOf, port, postgresUrl, text, type ValueParser } from './config-values';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** `auto` seeds the demo shop only into an empty database; `always` re-checks it on every start. */
export type DemoMode = 'auto' | 'always' | 'never';

export interface HttpConfig {
  /** Address to bind. Defaults to loopback so a fresh install with demo passwords is not exposed. */
  readonly host: string;
  readonly port: number;
  /** Trust `X-Forwarded-*` from a reverse proxy (needed for the client IP in audit and rate limits). */
  readonly trustProxy: boolean;
  /** When set, `/metrics` requires `Authorization: Bearer <token>`; when not, only loopback clients may scrape. */
  readonly metricsToken: string | undefined;
  /** How long shutdown waits for in-flight requests before giving up. */
  readonly shutdownTimeoutMs: number;
}

export interface SipConfig {
  /** Reserved for the SIP transports (UDP/TCP); nothing listens on it yet. */
  readonly port: number;
}

export interface DbConfig {
  /** Absolute directory for the embedded SQLite file and, later, recordings. */
  readonly dataDir: string;
  /** PostgreSQL URL; when absent the embedded SQLite database in `dataDir` is used. */
  readonly databaseUrl: string | undefined;
}

export interface AuthConfig {
  readonly sessionTtlHours: number;
  /** `auto` marks the cookie Secure when the request arrived over HTTPS (directly or via a trusted proxy). */
  readonly cookieSecure: 'auto' | 'always' | 'never';
  readonly loginMaxFailuresPerUser: number;
  readonly loginMaxFailuresPerIp: number;
  readonly loginWindowSeconds: number;
}

export interface LogConfig {
  readonly level: LogLevel;
}

export interface DemoConfig {
  readonly mode: DemoMode;
}

/** The whole configuration, grouped by concern. */
export interface Config {
  readonly http: HttpConfig;
  readonly sip: SipConfig;
  readonly db: DbConfig;
  readonly auth: AuthConfig;
  readonly log: LogConfig;
  readonly demo: DemoConfig;
}

/** One bad setting: which flag/variable, and why. */
export interface ConfigProblem {
  readonly setting: string;
  readonly message: string;
}

interface Setting extends ArgumentSpec {
  readonly path: string;
  readonly env: string;
  readonly defaultValue?: string;
  readonly parse: ValueParser<unknown>;
}

const demoMode: ValueParser<DemoMode> = (raw) => {
  const asBool = boolean(raw);
  if (asBool.ok) return ok(asBool.value ? 'always' : 'never');
  return raw.trim().toLowerCase() === 'auto'
    ? ok('auto')
    : err(`${JSON.stringify(raw)} is not one of auto, true, false`);
};

/** Every setting the server reads; `--help` prints this table. */
// prettier-ignore
export const SETTINGS: readonly Setting[] = [
  { path: 'http.host', flag: '--host', env: 'HOST', defaultValue: '127.0.0.1', parse: host, help: 'address to bind HTTP (0.0.0.0 to expose on the network)' },
  { path: 'http.port', flag: '--http-port', env: 'HTTP_PORT', defaultValue: '8080', parse: port, help: 'HTTP API, web app and docs port' },
  { path: 'http.trustProxy', flag: '--trust-proxy', env: 'TRUST_PROXY', defaultValue: 'false', parse: boolean, boolean: true, help: 'trust X-Forwarded-* headers from a reverse proxy' },
  { path: 'http.metricsToken', flag: '--metrics-token', env: 'METRICS_TOKEN', parse: text(16), help: 'bearer token for /metrics (unset: loopback clients only)' },
  { path: 'http.shutdownTimeoutMs', flag: '--shutdown-timeout-ms', env: 'SHUTDOWN_TIMEOUT_MS', defaultValue: '10000', parse: integer(100, 600_000), help: 'grace period for in-flight requests on shutdown' },
  { path: 'sip.port', flag: '--sip-port', env: 'SIP_PORT', defaultValue: '5060', parse: port, help: 'SIP port (reserved; transports come later)' },
  { path: 'db.dataDir', flag: '--data-dir', env: 'DATA_DIR', defaultValue: './data', parse: text(), help: 'directory for the SQLite database and recordings' },
  { path: 'db.databaseUrl', flag: '--database-url', env: 'DATABASE_URL', parse: postgresUrl, help: 'PostgreSQL URL (unset: embedded SQLite)' },
  { path: 'auth.sessionTtlHours', flag: '--session-ttl-hours', env: 'SESSION_TTL_HOURS', defaultValue: '12', parse: integer(1, 24 * 30), help: 'lifetime of a login session' },
  { path: 'auth.cookieSecure', flag: '--cookie-secure', env: 'COOKIE_SECURE', defaultValue: 'auto', parse: oneOf(['auto', 'always', 'never']), help: 'Secure attribute of the session cookie' },
  { path: 'auth.loginMaxFailuresPerUser', flag: '--login-max-failures-per-user', env: 'LOGIN_MAX_FAILURES_PER_USER', defaultValue: '5', parse: integer(1, 1000), help: 'failed logins per user name before throttling' },
  { path: 'auth.loginMaxFailuresPerIp', flag: '--login-max-failures-per-ip', env: 'LOGIN_MAX_FAILURES_PER_IP', defaultValue: '20', parse: integer(1, 100_000), help: 'failed logins per client IP before throttling' },
  { path: 'auth.loginWindowSeconds', flag: '--login-window-seconds', env: 'LOGIN_WINDOW_SECONDS', defaultValue: '900', parse: integer(1, 86_400), help: 'window over which failed logins are counted' },
  { path: 'log.level', flag: '--log-level', env: 'LOG_LEVEL', defaultValue: 'info', parse: oneOf(LOG_LEVELS), help: LOG_LEVELS.join('|') },
  { path: 'demo.mode', flag: '--demo', env: 'DEMO', defaultValue: 'auto', parse: demoMode, boolean: true, help: 'seed the demo shop: auto (empty database only), true, false' },
];

/**
 * Reads the configuration from `argv` (without the node and script paths) and `env`.
 * Precedence: flag, then environment variable (empty counts as unset), then default.
 * `cwd` anchors a relative `--data-dir`.
 */
export function loadConfig(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
  cwd: string,
): Result<Config, ConfigProblem[]> {
  const args = readArguments(argv, SETTINGS);
  const problems: ConfigProblem[] = [...args.problems];
  const values = new Map<string, unknown>();
  for (const s of SETTINGS) {
    const fromFlag = args.values.get(s.flag);
    const fromEnv = env[s.env] === '' ? undefined : env[s.env];
    const raw = fromFlag ?? fromEnv ?? s.defaultValue;
    if (raw === undefined) continue;
    const parsed = s.parse(raw);
    if (parsed.ok) values.set(s.path, parsed.value);
    else problems.push({ setting: `${s.flag} / ${s.env}`, message: parsed.error });
  }
  if (values.has('http.port') && values.get('http.port') === values.get('sip.port')) {
    problems.push({
      setting: '--sip-port / SIP_PORT',
      message: 'must differ from --http-port (both use TCP)',
    });
  }
  if (problems.length > 0) return err(problems);
  return ok(deepFreeze(assemble(values, cwd)));
}

function assemble(v: Map<string, unknown>, cwd: string): Config {
  const get = <T>(path: string): T => v.get(path) as T;
  return {
    http: {
      host: get('http.host'),
      port: get('http.port'),
      trustProxy: get('http.trustProxy'),
      metricsToken: get('http.metricsToken'),
      shutdownTimeoutMs: get('http.shutdownTimeoutMs'),
    },
    sip: { port: get('sip.port') },
    db: { dataDir: resolve(cwd, get<string>('db.dataDir')), databaseUrl: get('db.databaseUrl') },
    auth: {
      sessionTtlHours: get('auth.sessionTtlHours'),
      cookieSecure: get('auth.cookieSecure'),
      loginMaxFailuresPerUser: get('auth.loginMaxFailuresPerUser'),
      loginMaxFailuresPerIp: get('auth.loginMaxFailuresPerIp'),
      loginWindowSeconds: get('auth.loginWindowSeconds'),
    },
    log: { level: get('log.level') },
    demo: { mode: get('demo.mode') },
  };
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object') {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}

/** The message printed when the configuration is invalid: one line per bad setting. */
export function formatConfigProblems(problems: readonly ConfigProblem[]): string {
  const lines = problems.map((p) => `  ${p.setting}: ${p.message}`);
  return `switchboard: invalid configuration (${problems.length} problem${problems.length === 1 ? '' : 's'})\n${lines.join('\n')}\nRun with --help to list every setting.`;
}

/** The `--help` text, generated from {@link SETTINGS}. */
export function usage(): string {
  const rows = SETTINGS.map((s) => {
    const def = s.defaultValue === undefined ? '' : ` (default ${s.defaultValue})`;
    return `  ${s.flag.padEnd(30)} ${s.env.padEnd(28)} ${s.help}${def}`;
  });
  return `Usage: npm start -- [flags]\n\nEach flag also reads the environment variable beside it; flags win.\n\n${rows.join('\n')}\n  ${'--help'.padEnd(30)} ${''.padEnd(28)} print this text`;
}
