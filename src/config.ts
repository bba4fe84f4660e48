/**
 * The operator's contract (DESIGN.md): every environment variable, parsed once and validated.
 * Modules receive the typed {@link Config}; nothing else reads `process.env`.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';

/** The shipped default association profile. */
/** The default association: the cooperative of seed 002 (its policy states a deadline, complaints and compensation). */
export const DEFAULT_PROFILE = path.resolve(import.meta.dirname, 'profiles/002-safwa-cooperative.json');

const onOff = z.enum(['on', 'off']);
const url = z.string().url();

const schema = z
  .object({
    PORT: z.coerce.number().int().min(0).max(65535).default(3000),
    DATABASE_URL: z
      .string()
      .regex(/^(file:.+|postgres(ql)?:\/\/.+)$/, 'file:<path> (SQLite) or postgresql://user@host:port/db')
      .default('file:./data/bot.db'),
    ORG_PROFILE: z.string().default(DEFAULT_PROFILE),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    TELEGRAM_BOT_TOKEN: z
      .string()
      .regex(/^\d+:[A-Za-z0-9_-]{20,}$/, 'a BotFather token like 123456:ABC...')
      .optional(),
    TELEGRAM_MODE: z.enum(['polling', 'webhook']).optional(),
    TELEGRAM_WEBHOOK_SECRET: z
      .string()
      .regex(/^[A-Za-z0-9_-]{16,256}$/, '16-256 characters of A-Z a-z 0-9 _ -')
      .optional(),
    TELEGRAM_API_ROOT: url.default('https://api.telegram.org'),
    WHATSAPP_WEB: onOff.default('off'),
    WHATSAPP_WEB_SESSION_DIR: z.string().default('./data/whatsapp-web'),
    CHROMIUM_PATH: z.string().default('/usr/bin/chromium'),
    WHATSAPP_CLOUD_TOKEN: z.string().min(1).optional(),
    WHATSAPP_CLOUD_PHONE_NUMBER_ID: z.string().regex(/^\d+$/, 'the numeric phone number id from Meta').optional(),
    WHATSAPP_CLOUD_APP_SECRET: z.string().min(1).optional(),
    WHATSAPP_CLOUD_VERIFY_TOKEN: z.string().min(1).optional(),
    WHATSAPP_CLOUD_API_ROOT: url.default('https://graph.facebook.com/v21.0'),
    STAFF_TELEGRAM_CHAT_ID: z
      .string()
      .regex(/^-?\d+$/, 'a numeric Telegram chat id, e.g. -1001234567890')
      .optional(),
    DECISIONS_SECRET: z
      .string()
      .regex(/^whsec_[A-Za-z0-9+/=]{16,}$/, 'whsec_ followed by a base64 secret')
      .optional(),
    API_TOKEN: z.string().min(16, 'at least 16 characters').optional(),
    TRUST_PROXY: z
      .string()
      .regex(
        /^(off|\d{1,2}|(loopback|linklocal|uniquelocal|[0-9a-fA-F.:]+(\/\d{1,3})?)(\s*,\s*(loopback|linklocal|uniquelocal|[0-9a-fA-F.:]+(\/\d{1,3})?))*)$/,
        'off, the number of proxies in front (e.g. 1), or their addresses (e.g. loopback, 10.0.0.0/8)',
      )
      .default('off'),
    STAFF_TOKEN: z.string().min(16, 'at least 16 characters').optional(),
  })
  .superRefine((e, ctx) => {
    if (e.TELEGRAM_MODE === 'webhook' && !e.TELEGRAM_WEBHOOK_SECRET)
      ctx.addIssue({ code: 'custom', path: ['TELEGRAM_WEBHOOK_SECRET'], message: 'required when TELEGRAM_MODE=webhook' });
    if (e.TELEGRAM_MODE && !e.TELEGRAM_BOT_TOKEN)
      ctx.addIssue({ code: 'custom', path: ['TELEGRAM_BOT_TOKEN'], message: 'required when TELEGRAM_MODE is set' });
    const cloud = [
      'WHATSAPP_CLOUD_TOKEN',
      'WHATSAPP_CLOUD_PHONE_NUMBER_ID',
      'WHATSAPP_CLOUD_APP_SECRET',
      'WHATSAPP_CLOUD_VERIFY_TOKEN',
    ] as const;
    if (cloud.some((k) => e[k]))
      for (const k of cloud)
        if (!e[k]) ctx.addIssue({ code: 'custom', path: [k], message: 'required when any WHATSAPP_CLOUD_* variable is set' });
    if (!existsSync(e.ORG_PROFILE))
      ctx.addIssue({ code: 'custom', path: ['ORG_PROFILE'], message: `no such file: ${e.ORG_PROFILE}` });
  });

/** The validated configuration. */
export interface Config {
  port: number;
  databaseUrl: string;
  profilePath: string;
  logLevel: z.infer<typeof schema>['LOG_LEVEL'];
  telegram?: { token: string; mode: 'polling' | 'webhook'; webhookSecret?: string; apiRoot: string };
  whatsappWeb?: { sessionDir: string; chromiumPath: string };
  whatsappCloud?: { token: string; phoneNumberId: string; appSecret: string; verifyToken: string; apiRoot: string };
  staffTelegramChatId?: string;
  decisionsSecret?: string;
  apiToken?: string;
  /**
   * Which proxies in front of the service to believe (`X-Forwarded-For`, `X-Forwarded-Proto`):
   * false, a number of hops, or addresses/subnets. Set behind a TLS proxy so that cookies get
   * `Secure` and limits key on the real client's address.
   */
  trustProxy: false | number | string[];
  /** Sign-in token of the staff console (/staff). */
  staffToken?: string;
}

/** A configuration mistake; the message is one line naming the variable and what is expected. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** Parses the environment into a {@link Config}, or throws a {@link ConfigError}. */
export function loadConfig(env: Record<string, string | undefined>): Config {
  // An empty variable counts as unset (docker-compose and .env files often leave them empty).
  const clean = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const r = schema.safeParse(clean);
  if (!r.success) {
    const issue = r.error.issues[0];
    const name = String(issue?.path[0] ?? 'environment');
    const got = clean[name] === undefined ? 'unset' : 'invalid value';
    throw new ConfigError(`${name}: ${issue?.message ?? 'invalid'} (${got})`);
  }
  const e = r.data;
  return {
    port: e.PORT,
    databaseUrl: e.DATABASE_URL,
    profilePath: e.ORG_PROFILE,
    logLevel: e.LOG_LEVEL,
    telegram: e.TELEGRAM_BOT_TOKEN
      ? {
          token: e.TELEGRAM_BOT_TOKEN,
          mode: e.TELEGRAM_MODE ?? 'polling',
          webhookSecret: e.TELEGRAM_WEBHOOK_SECRET,
          apiRoot: e.TELEGRAM_API_ROOT,
        }
      : undefined,
    whatsappWeb: e.WHATSAPP_WEB === 'on' ? { sessionDir: e.WHATSAPP_WEB_SESSION_DIR, chromiumPath: e.CHROMIUM_PATH } : undefined,
    whatsappCloud:
      e.WHATSAPP_CLOUD_TOKEN && e.WHATSAPP_CLOUD_PHONE_NUMBER_ID && e.WHATSAPP_CLOUD_APP_SECRET && e.WHATSAPP_CLOUD_VERIFY_TOKEN
        ? {
            token: e.WHATSAPP_CLOUD_TOKEN,
            phoneNumberId: e.WHATSAPP_CLOUD_PHONE_NUMBER_ID,
            appSecret: e.WHATSAPP_CLOUD_APP_SECRET,
            verifyToken: e.WHATSAPP_CLOUD_VERIFY_TOKEN,
            apiRoot: e.WHATSAPP_CLOUD_API_ROOT,
          }
        : undefined,
    staffTelegramChatId: e.STAFF_TELEGRAM_CHAT_ID,
    decisionsSecret: e.DECISIONS_SECRET,
    apiToken: e.API_TOKEN,
    trustProxy: parseTrustProxy(e.TRUST_PROXY),
    staffToken: e.STAFF_TOKEN,
  };
}

/** `TRUST_PROXY` as Express's `trust proxy` setting. */
function parseTrustProxy(v: string): false | number | string[] {
  if (v === 'off') return false;
  if (/^\d+$/.test(v)) return Number(v);
  return v.split(',').map((x) => x.trim());
}
