import { describe, expect, it } from '@jest/globals';
import { ConfigError, loadConfig, redactUrl } from './app-config.js';

describe('loadConfig', () => {
  it('gives the embedded defaults with an empty environment', () => {
    const cfg = loadConfig({});
    expect(cfg).toMatchObject({
      PORT: 3000,
      HOST: '127.0.0.1',
      embedded: true,
      SCHEDULER_ENABLED: true,
      DEMO_SEED: 'auto',
      publicUrl: 'http://127.0.0.1:3000',
    });
  });

  it('uses the given DATABASE_URL and treats empty variables as unset', () => {
    const cfg = loadConfig({ DATABASE_URL: 'postgres://u@h:5432/db', SMTP_URL: '', PORT: '8080' });
    expect(cfg.embedded).toBe(false);
    expect(cfg.SMTP_URL).toBeUndefined();
    expect(cfg.PORT).toBe(8080);
  });

  it.each([
    [{ PORT: 'eighty' }, 'PORT'],
    [{ PORT: '70000' }, 'PORT'],
    [{ DATABASE_URL: 'mysql://x' }, 'DATABASE_URL'],
    [{ SMTP_URL: 'http://mail' }, 'SMTP_URL'],
    [{ SCHEDULER_ENABLED: 'yes' }, 'SCHEDULER_ENABLED'],
    [{ LOG_LEVEL: 'loud' }, 'LOG_LEVEL'],
    [{ PUBLIC_URL: 'not a url' }, 'PUBLIC_URL'],
    [{ DEMO_SEED: 'sometimes' }, 'DEMO_SEED'],
    [{ OUTBOUND_ALLOW_CIDRS: '10.0.0.0/8,intranet' }, 'OUTBOUND_ALLOW_CIDRS'],
    [{ OUTBOUND_ALLOW_CIDRS: '10.0.0.1/8' }, 'OUTBOUND_ALLOW_CIDRS'],
    [{ CERT_WATCH_DAILY_PROBE_LIMIT: '0' }, 'CERT_WATCH_DAILY_PROBE_LIMIT'],
  ])('rejects %j naming %s', (env, variable) => {
    let error: unknown;
    try {
      loadConfig(env);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems;
    expect(problems.map((p) => p.variable)).toEqual([variable]);
    expect((error as Error).message).toContain(`${variable}: `);
  });

  it('reports every bad variable at once', () => {
    expect(() => loadConfig({ PORT: 'x', LOG_LEVEL: 'y' })).toThrow(/PORT: .*\n.*LOG_LEVEL: /s);
  });
});

describe('redactUrl', () => {
  it('hides the password and keeps the rest', () => {
    expect(redactUrl('postgres://app:s3cret@db:5432/mp')).toBe('postgres://app:***@db:5432/mp');
    expect(redactUrl('smtp://mail:25')).toBe('smtp://mail:25');
  });
});
