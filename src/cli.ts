/**
 * The command line: `npm run cli -- route "<text>"` prints, as one JSON line on stdout, how the bot
 * would route a first message with the association profile of `ORG_PROFILE` (default: the shipped
 * one). Errors and usage go to stderr; stdout carries only the JSON. `npm run cli -- staff …`
 * manages staff accounts (src/staff/staff.cli.ts).
 *
 * `npm run cli -- profile check <file>` validates an association profile (issue 12): exit 0 when
 * usable, with the content the association must still supply listed in Arabic; exit 1 with each
 * wrong field and its reason otherwise.
 */
import { ConfigError, loadConfig } from './config.js';
import { routeIntent } from './domain/intent.js';
import { loadProfile, type Profile, ProfileError } from './domain/profile.js';
import { createFaqIndex, POLICY_ID_PREFIX } from './domain/search.js';
import type { LocalText } from './domain/text.js';
import { profileCheckReport } from './profile-check.js';
import { staffCommand } from './staff/staff.cli.js';

const USAGE = `usage: npm run cli -- route "<text>" | profile check <file> | staff …
  route <text>          print how a first message is routed: {"intent","confidence","faq"?}
  profile check <file>  validate an association profile; list what the association must still supply
  staff …               staff accounts: add, list, reset, disable, link-telegram (npm run cli -- staff --help)
environment: ORG_PROFILE = path of the association profile (default: src/profiles/002-safwa-cooperative.json)
`;

/** The question of a FAQ entry or the title of a policy text, by search id. */
function questionOf(profile: Profile, id: string): LocalText | undefined {
  if (id.startsWith(POLICY_ID_PREFIX)) return profile.policies.find((p) => POLICY_ID_PREFIX + p.id === id)?.title;
  return profile.faq.find((f) => f.id === id)?.question;
}

/** Routes `text` and returns the JSON line the `route` command prints. */
function routeCommand(profile: Profile, text: string): string {
  const r = routeIntent(text, createFaqIndex(profile));
  const lang = /[\u0621-\u064A]/.test(text) ? 'ar' : 'en';
  const faq = r.faq && { id: r.faq.id, question: questionOf(profile, r.faq.id)?.[lang] ?? '', confidence: r.faq.confidence };
  return JSON.stringify({ intent: r.intent, confidence: r.confidence, ...(faq ? { faq } : {}) });
}

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === 'profile') {
    const [sub, file, ...extra] = rest;
    if (sub !== 'check' || !file || extra.length > 0) {
      process.stderr.write(USAGE);
      return 2;
    }
    try {
      const r = profileCheckReport(file);
      process.stdout.write(r.text);
      return r.code;
    } catch (e) {
      if (e instanceof ProfileError) {
        process.stdout.write(`الملف غير صالح: ${e.message}\n`);
        return 1;
      }
      throw e;
    }
  }
  if (command === 'staff') {
    try {
      const config = loadConfig(process.env);
      const r = await staffCommand(rest, config, loadProfile(config.profilePath));
      process.stdout.write(r.out);
      process.stderr.write(r.err);
      return r.code;
    } catch (e) {
      if (e instanceof ConfigError || e instanceof ProfileError) {
        process.stderr.write(`${e.message}\n`);
        return 1;
      }
      throw e;
    }
  }
  const text = rest.join(' ').trim();
  if (command !== 'route' || !text) {
    process.stderr.write(USAGE);
    return 2;
  }
  try {
    const profile = loadProfile(loadConfig(process.env).profilePath);
    process.stdout.write(`${routeCommand(profile, text)}\n`);
    return 0;
  } catch (e) {
    if (e instanceof ConfigError || e instanceof ProfileError) {
      process.stderr.write(`${e.message}\n`);
      return 1;
    }
    throw e;
  }
}

process.exitCode = await main(process.argv.slice(2));
