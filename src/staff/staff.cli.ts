/**
 * `npm run cli -- staff …`: staff accounts from the server's command line (issue 13). The first
 * admin and every later account are made here; each gets a one-time sign-in link (72 hours) on
 * which the person chooses their password, so no password ever passes through a terminal.
 */
import { parseArgs } from 'node:util';
import type { Config } from '../config.js';
import { openDatabase, SqliteDb } from '../db/database.js';
import { migrate } from '../db/migrate.js';
import type { Profile } from '../domain/profile.js';
import { AccountService, STAFF_ROLES, type StaffAccount, type StaffRole } from './accounts.js';

/** The usage text of `staff --help`. */
export const STAFF_USAGE = `usage: npm run cli -- staff <command> [options]

  add --name <name> --role officer|committee|manager|admin [--categories a,b] [--committees a,b] [--login <login>] [--url <base>]
        creates an account and prints its one-time sign-in link (valid 72 hours).
        officer: --categories = officer categories of the profile (e.g. social_research,complaints);
        committee: --committees = committee ids of the profile (--categories is accepted too).
  list                               lists the accounts (login, role, scope, state)
  reset <login> [--url <base>]       a new one-time sign-in link; the old password and sessions stop working
  disable <login> | enable <login>   stops / restores an account's access (its sessions end)
  link-telegram <login> <user id>    links the staff member's Telegram user id (only linked
                                     accounts can claim in the staff group)
  unlink-telegram <login>

environment: DATABASE_URL, ORG_PROFILE, PORT (the link's default base is http://localhost:PORT)
`;

/** Output of a command: lines for stdout and stderr, and the exit status. */
export interface CliResult {
  out: string;
  err: string;
  code: number;
}

function list(v: string | undefined): string[] {
  return (v ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

function describe(a: StaffAccount): string {
  const state = a.disabled ? 'disabled' : a.hasPassword ? 'active' : 'pending';
  return `${a.login}\t${a.role}\t${a.scope.join(',') || '-'}\t${state}\ttelegram:${a.telegramUserId ? 'linked' : '-'}\t${a.name}`;
}

/** Runs `staff <argv>` against the configured database; never throws for a user's mistake. */
export async function staffCommand(argv: string[], config: Config, profile: Profile, now = new Date()): Promise<CliResult> {
  const [command, ...rest] = argv;
  if (!command || command === '--help' || command === 'help' || command === '-h') return { out: STAFF_USAGE, err: '', code: 0 };
  let parsed: ReturnType<typeof parseArgs<{ options: typeof OPTIONS; allowPositionals: true }>>;
  try {
    parsed = parseArgs({ args: rest, options: OPTIONS, allowPositionals: true, strict: true });
  } catch (e) {
    return { out: '', err: `${(e as Error).message}\n${STAFF_USAGE}`, code: 2 };
  }
  const { values, positionals } = parsed;
  const base = (values.url ?? `http://localhost:${config.port || 3000}`).replace(/\/+$/, '');
  const link = (token: string) => `${base}/staff/setup?token=${token}`;
  // A command writes a few rows: SQLite without the writer thread (which a short process would
  // have to wait for at close).
  const db = config.databaseUrl.startsWith('file:')
    ? new SqliteDb(config.databaseUrl.slice('file:'.length), { inlineWrites: true })
    : openDatabase(config.databaseUrl);
  try {
    await migrate(db);
    const accounts = new AccountService(db);
    const byLogin = async (login: string | undefined) => (login ? accounts.repo.byLogin(login.toLowerCase()) : null);
    switch (command) {
      case 'add': {
        const role = values.role as StaffRole | undefined;
        if (!values.name || !role || !(STAFF_ROLES as readonly string[]).includes(role))
          return { out: '', err: `--name and --role (${STAFF_ROLES.join('|')}) are required\n`, code: 2 };
        const scope = role === 'committee' ? list(values.committees ?? values.categories) : list(values.categories);
        const known =
          role === 'committee'
            ? new Set(profile.committees.map((c) => c.id))
            : new Set(profile.officers.flatMap((o) => o.categories));
        const unknown = scope.filter((s) => !known.has(s));
        if (unknown.length)
          return {
            out: '',
            err: `unknown ${role === 'committee' ? 'committee' : 'category'}: ${unknown.join(', ')} (the profile has: ${[...known].join(', ')})\n`,
            code: 1,
          };
        const r = await accounts.create(
          { name: values.name, role, scope, ...(values.login ? { login: values.login } : {}) },
          now,
        );
        if (!r.ok) return { out: '', err: `${r.code}\n`, code: 1 };
        return {
          out: `account created: ${describe(r.account)}\nlogin: ${r.account.login}\none-time sign-in link (valid 72 hours): ${link(r.token)}\n`,
          err: '',
          code: 0,
        };
      }
      case 'list':
        return { out: `${(await accounts.repo.list()).map(describe).join('\n')}\n`, err: '', code: 0 };
      case 'reset': {
        const a = await byLogin(positionals[0]);
        if (!a) return { out: '', err: 'unknown login\n', code: 1 };
        const token = await accounts.reset(a.id, now);
        return { out: `one-time sign-in link for ${a.login} (valid 72 hours): ${link(token ?? '')}\n`, err: '', code: 0 };
      }
      case 'disable':
      case 'enable': {
        const a = await byLogin(positionals[0]);
        if (!a) return { out: '', err: 'unknown login\n', code: 1 };
        await accounts.repo.setDisabled(a.id, command === 'disable', now);
        return { out: `${a.login}: ${command}d\n`, err: '', code: 0 };
      }
      case 'link-telegram':
      case 'unlink-telegram': {
        const a = await byLogin(positionals[0]);
        if (!a) return { out: '', err: 'unknown login\n', code: 1 };
        const userId = command === 'link-telegram' ? (positionals[1] ?? '') : null;
        if (userId !== null && !/^\d{1,20}$/.test(userId))
          return { out: '', err: 'a numeric Telegram user id is required\n', code: 2 };
        await accounts.repo.setTelegramUser(a.id, userId, now);
        return { out: `${a.login}: telegram ${userId ? 'linked' : 'unlinked'}\n`, err: '', code: 0 };
      }
      default:
        return { out: '', err: STAFF_USAGE, code: 2 };
    }
  } finally {
    await db.close();
  }
}

const OPTIONS = {
  name: { type: 'string' },
  role: { type: 'string' },
  categories: { type: 'string' },
  committees: { type: 'string' },
  login: { type: 'string' },
  url: { type: 'string' },
} as const;
