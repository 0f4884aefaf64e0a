import { describe, expect, it } from 'vitest';
import { defaultMediaWorkers, formatConfigProblems, loadConfig, usage, type Config } from './config';

const load = (argv: string[], env: Record<string, string> = {}) => loadConfig(argv, env, '/srv/switchboard');

function ok(argv: string[], env: Record<string, string> = {}): Config {
  const result = load(argv, env);
  if (!result.ok) throw new Error(formatConfigProblems(result.error));
  return result.value;
}

function problems(argv: string[], env: Record<string, string> = {}): string[] {
  const result = load(argv, env);
  if (result.ok) throw new Error('expected configuration problems');
  return result.error.map((p) => `${p.setting}: ${p.message}`);
}

describe('loadConfig', () => {
  it('has safe defaults: loopback HTTP on 8080, SIP 5060, ./data, SQLite, demo on first start', () => {
    const config = ok([]);
    expect(config.http).toMatchObject({
      host: '127.0.0.1',
      port: 8080,
      trustProxy: [],
      metricsToken: undefined,
    });
    expect(config.sip.port).toBe(5060);
    expect(config.db).toEqual({ dataDir: '/srv/switchboard/data', databaseUrl: undefined });
    expect(config.log.level).toBe('info');
    expect(config.demo.mode).toBe('auto');
  });

  it('reads flags in both --flag value and --flag=value forms', () => {
    const config = ok([
      '--http-port',
      '18080',
      '--sip-port=15060',
      '--data-dir',
      './data-try',
      '--host',
      '0.0.0.0',
    ]);
    expect(config.http.port).toBe(18080);
    expect(config.sip.port).toBe(15060);
    expect(config.db.dataDir).toBe('/srv/switchboard/data-try');
    expect(config.http.host).toBe('0.0.0.0');
  });

  it('takes environment variables when no flag is given, and flags over them', () => {
    const env = {
      HTTP_PORT: '9000',
      SIP_PORT: '5070',
      DATABASE_URL: 'postgres://u:p@db:5432/sb',
      LOG_LEVEL: 'debug',
    };
    expect(ok([], env).http.port).toBe(9000);
    expect(ok(['--http-port', '9001'], env).http.port).toBe(9001);
    expect(ok([], env).db.databaseUrl).toBe('postgres://u:p@db:5432/sb');
    expect(ok([], env).log.level).toBe('debug');
  });

  it('treats an empty environment variable as unset', () => {
    expect(ok([], { HTTP_PORT: '' }).http.port).toBe(8080);
  });

  it('reads --demo, --no-demo and DEMO', () => {
    expect(ok(['--demo']).demo.mode).toBe('always');
    expect(ok(['--demo', '--http-port', '8081']).demo.mode).toBe('always');
    expect(ok(['--no-demo']).demo.mode).toBe('never');
    expect(ok([], { DEMO: 'false' }).demo.mode).toBe('never');
    expect(ok([], { DEMO: 'auto' }).demo.mode).toBe('auto');
  });

  it('reads the demo hotline hours: an interval, or always open', () => {
    expect(ok([]).demo.hours).toEqual({ opens: '09:00', closes: '21:00' });
    expect(ok(['--demo-hours', 'always']).demo.hours).toEqual({ opens: '00:00', closes: '24:00' });
    expect(ok([], { DEMO_HOURS: '08:30-24:00' }).demo.hours).toEqual({ opens: '08:30', closes: '24:00' });
    expect(problems(['--demo-hours', '21:00-09:00'])).toHaveLength(1);
    expect(ok(['--demo-hours', 'closed']).demo.hours).toBe('closed');
    expect(problems(['--demo-hours', 'nights'])).toHaveLength(1);
  });

  it('names every bad setting at once', () => {
    const found = problems(['--http-port', 'abc', '--sip-port', '70000', '--log-level', 'loud', '--bogus'], {
      DATABASE_URL: 'mysql://root@db/sb',
      DEMO: 'perhaps',
      SESSION_TTL_HOURS: '0',
    });
    expect(found).toHaveLength(7);
    expect(found.join('\n')).toMatch(/--bogus: unknown flag/);
    expect(found.join('\n')).toMatch(/--http-port \/ HTTP_PORT: "abc" is not/);
    expect(found.join('\n')).toMatch(/--sip-port \/ SIP_PORT: "70000" is not/);
    expect(found.join('\n')).toMatch(/--log-level \/ LOG_LEVEL: "loud" is not one of/);
    expect(found.join('\n')).toMatch(/--database-url \/ DATABASE_URL: is not a PostgreSQL URL/);
    expect(found.join('\n')).toMatch(/--demo \/ DEMO/);
    expect(found.join('\n')).toMatch(/--session-ttl-hours \/ SESSION_TTL_HOURS/);
  });

  it('never echoes a database URL, which may hold a password', () => {
    const found = problems([], { DATABASE_URL: 'mysql://root:secret@db/sb' });
    expect(found.join('\n')).not.toContain('secret');
  });

  it('refuses numbers that parseInt would accept', () => {
    expect(problems(['--http-port', '80abc'])).toHaveLength(1);
    expect(problems(['--http-port', '80.5'])).toHaveLength(1);
    expect(problems(['--http-port', '0'])).toHaveLength(1);
  });

  it('refuses the same port for HTTP and SIP', () => {
    expect(problems(['--http-port', '5060'])).toEqual([
      '--sip-port / SIP_PORT: must differ from --http-port (both use TCP)',
    ]);
  });

  it('reads the RTP port range and advertised media address, and refuses a range without an even/odd pair', () => {
    expect(ok([]).media).toEqual({
      rtpPortMin: 20000,
      rtpPortMax: 29999,
      advertisedAddress: undefined,
      workers: defaultMediaWorkers(),
      realtimePriority: 0,
    });
    expect(
      ok(['--rtp-port-min', '40000', '--media-advertised-address', '203.0.113.7'], { RTP_PORT_MAX: '40999' })
        .media,
    ).toMatchObject({
      rtpPortMin: 40000,
      rtpPortMax: 40999,
      advertisedAddress: '203.0.113.7',
    });
    expect(ok(['--rtp-port-min', '30000', '--rtp-port-max', '30001']).media.rtpPortMax).toBe(30001);
    expect(problems(['--rtp-port-min', '30001', '--rtp-port-max', '30002'])).toEqual([
      '--rtp-port-min / --rtp-port-max: the range holds no RTP/RTCP pair (an even port and the odd one above it)',
    ]);
  });

  it('reads MEDIA_WORKERS: 0 keeps media in the main thread, auto leaves the main thread a core', () => {
    expect(ok(['--media-workers', '0']).media.workers).toBe(0);
    expect(ok([], { MEDIA_WORKERS: '3' }).media.workers).toBe(3);
    expect(ok([], { MEDIA_WORKERS: 'auto' }).media.workers).toBe(defaultMediaWorkers());
    expect([1, 2, 3, 4, 16].map((cores) => defaultMediaWorkers(cores))).toEqual([1, 1, 2, 3, 8]);
    expect(problems(['--media-workers', 'many'])).toEqual([
      '--media-workers / MEDIA_WORKERS: "many" is not auto or an integer from 0 to 64',
    ]);
  });

  it('reads MEDIA_REALTIME_PRIORITY: off by default, 1 to 99 for SCHED_RR', () => {
    expect(ok(['--media-realtime-priority', '10']).media.realtimePriority).toBe(10);
    expect(ok([], { MEDIA_REALTIME_PRIORITY: '99' }).media.realtimePriority).toBe(99);
    expect(problems(['--media-realtime-priority', '100'])).toHaveLength(1);
    expect(problems(['--media-realtime-priority', '100'])[0]).toMatch(
      /^--media-realtime-priority \/ MEDIA_REALTIME_PRIORITY: /,
    );
  });

  it('reports a flag given without its value', () => {
    expect(problems(['--data-dir'])).toEqual(['--data-dir: needs a value']);
    expect(problems(['--http-port', '--demo'])).toEqual(['--http-port: needs a value']);
  });

  it('returns a deeply frozen object', () => {
    const config = ok([]);
    expect(Object.isFrozen(config)).toBe(true);
    expect(Object.isFrozen(config.http)).toBe(true);
  });

  it('lists every flag with its environment variable in the help text', () => {
    const text = usage();
    for (const [flag, env] of [
      ['--http-port', 'HTTP_PORT'],
      ['--sip-port', 'SIP_PORT'],
      ['--data-dir', 'DATA_DIR'],
      ['--database-url', 'DATABASE_URL'],
      ['--demo', 'DEMO'],
    ]) {
      expect(text).toMatch(new RegExp(`${flag}\\s+${env}`));
    }
  });
});

describe('trust and origin settings', () => {
  it('reads TRUST_PROXY as a list of proxies and refuses "true" and hop counts', () => {
    expect(ok([], { TRUST_PROXY: '10.0.0.0/8, 192.0.2.1,2001:db8::/32' }).http.trustProxy).toEqual([
      '10.0.0.0/8',
      '192.0.2.1',
      '2001:db8::/32',
    ]);
    expect(ok(['--trust-proxy', 'loopback']).http.trustProxy).toEqual(['127.0.0.1/8', '::1/128']);
    expect(ok([], { TRUST_PROXY: 'false' }).http.trustProxy).toEqual([]);
    for (const bad of ['true', '2', '10.0.0.0/33', 'proxy.example.com']) {
      expect(problems([], { TRUST_PROXY: bad })[0]).toMatch(/^--trust-proxy \/ TRUST_PROXY: /);
    }
  });

  it('reads SIP_TRUSTED_ADDRESSES and ALLOWED_ORIGINS, empty by default', () => {
    expect(ok([]).sip.trustedAddresses).toEqual([]);
    expect(ok([]).http.allowedOrigins).toEqual([]);
    const config = ok([], {
      SIP_TRUSTED_ADDRESSES: '198.51.100.0/24,2001:db8:5::1',
      ALLOWED_ORIGINS: 'https://desk.example.com, http://localhost:5173/',
    });
    expect(config.sip.trustedAddresses).toEqual(['198.51.100.0/24', '2001:db8:5::1']);
    expect(config.http.allowedOrigins).toEqual(['https://desk.example.com', 'http://localhost:5173']);
    expect(problems([], { SIP_TRUSTED_ADDRESSES: 'trunk.example.com' })).toHaveLength(1);
    expect(problems([], { ALLOWED_ORIGINS: 'https://desk.example.com/app' })).toHaveLength(1);
  });
});

describe('TLS settings', () => {
  it('serves HTTPS (and WSS) only with both a certificate and a key, listed in --help', () => {
    expect(ok([]).http).toMatchObject({ tlsCert: undefined, tlsKey: undefined });
    const config = ok(['--http-tls-cert', '/etc/switchboard/cert.pem'], {
      HTTP_TLS_KEY: '/etc/switchboard/key.pem',
    });
    expect(config.http).toMatchObject({
      tlsCert: '/etc/switchboard/cert.pem',
      tlsKey: '/etc/switchboard/key.pem',
    });
    expect(problems([], { HTTP_TLS_CERT: '/etc/switchboard/cert.pem' })).toEqual([
      '--http-tls-cert / --http-tls-key: set both or neither',
    ]);
    expect(usage()).toMatch(/--http-tls-cert\s+HTTP_TLS_CERT\s+.*WSS/);
    expect(usage()).toMatch(/--http-tls-key\s+HTTP_TLS_KEY\s/);
  });
});
