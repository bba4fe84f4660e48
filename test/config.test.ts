/** Configuration: parsed once, a wrong value named in one line, and the process stops non-zero. */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, DEFAULT_PROFILE, loadConfig } from '../src/config.js';

const root = path.resolve(import.meta.dirname, '..');

describe('config', () => {
  it('has working defaults with no variable set', () => {
    const c = loadConfig({});
    expect(c).toMatchObject({ port: 3000, databaseUrl: 'file:./data/bot.db', profilePath: DEFAULT_PROFILE });
    expect(c.telegram).toBeUndefined();
    expect(c.whatsappCloud).toBeUndefined();
  });

  it.each([
    [{ PORT: 'abc' }, 'PORT'],
    [{ DATABASE_URL: 'mysql://x' }, 'DATABASE_URL'],
    [{ TELEGRAM_BOT_TOKEN: 'nope' }, 'TELEGRAM_BOT_TOKEN'],
    [{ TELEGRAM_BOT_TOKEN: '123456:ABC-DEF1234ghIkl-zyx57W2v1u123ew11', TELEGRAM_MODE: 'webhook' }, 'TELEGRAM_WEBHOOK_SECRET'],
    [{ TELEGRAM_MODE: 'sideways' }, 'TELEGRAM_MODE'],
    [{ WHATSAPP_CLOUD_TOKEN: 'x' }, 'WHATSAPP_CLOUD_PHONE_NUMBER_ID'],
    [{ DECISIONS_SECRET: 'plain' }, 'DECISIONS_SECRET'],
    [{ ORG_PROFILE: '/nonexistent/profile.json' }, 'ORG_PROFILE'],
    [{ STAFF_TELEGRAM_CHAT_ID: 'staff' }, 'STAFF_TELEGRAM_CHAT_ID'],
  ])('%o → an error naming %s', (env, name) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(new RegExp(`^${name}: `));
  });

  it('npm start with a wrong variable prints one line naming it and exits non-zero', () => {
    const r = spawnSync(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
      cwd: root,
      env: { ...process.env, PORT: 'not-a-port' },
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(r.status).toBe(1);
    const lines = r.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^configuration error: PORT: /);
  });
});
