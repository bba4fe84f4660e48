/**
 * Complaints alerted at submission (issue 13; R4, R5; 002: the follow-up committee handles
 * complaints quickly): every new complaint is announced to the complaints officer's chat (else the
 * staff group) within seconds, and listed as new in the console until someone opens it. The alert
 * carries the reference, category, committee, channel and the start of the description with
 * national IDs and phones masked. Each complaint is alerted once, also with several instances.
 */
import type { Logger } from 'pino';
import type { Db } from '../db/database.js';
import { ComplaintAlertsRepository } from '../db/staff-cases.repository.js';
import type { Profile } from '../domain/profile.js';
import { STAFF_LANG } from '../engine/alert-text.js';
import type { Translator } from '../i18n.js';
import { caseCategory } from './access.js';
import { maskPersonalData } from './redact.js';

/** What the watcher needs. */
export interface ComplaintWatcherDeps {
  db: Db;
  profile: Profile;
  translator: Translator;
  logger: Logger;
  clock?: () => Date;
  /** How often `start()` checks (default 5 seconds). */
  intervalMs?: number;
  /** Called after a run that queued alerts (wakes the outbox dispatcher). */
  onAlert?: () => void;
}

/** The watcher: a timer around {@link ComplaintWatcher.runOnce}. */
export interface ComplaintWatcher {
  start(): void;
  stop(): Promise<void>;
  /** Alerts the complaints not alerted yet; resolves with how many it alerted. */
  runOnce(now?: Date): Promise<number>;
}

/** Complaints older than this when first seen (e.g. before an upgrade) are not alerted again. */
const LOOKBACK_MS = 2 * 86_400_000;

/** Creates the watcher. */
export function createComplaintWatcher(deps: ComplaintWatcherDeps): ComplaintWatcher {
  const { profile, translator: t, logger } = deps;
  const clock = deps.clock ?? (() => new Date());
  const repo = new ComplaintAlertsRepository(deps.db);
  let timer: NodeJS.Timeout | null = null;
  let running: Promise<unknown> | null = null;

  // R7: the officer of the complaints category, when the profile gives them their own chat.
  const category = caseCategory(profile, 'complaint', '');
  const recipient = profile.officers.find((o) => o.categories.includes(category))?.telegramChatId ?? 'default';

  async function runOnce(now: Date = clock()): Promise<number> {
    let n = 0;
    for (const c of await repo.unalerted(new Date(now.getTime() - LOOKBACK_MS))) {
      const description = maskPersonalData(c.description).replace(/\s+/g, ' ').trim();
      const text = t.t('staff:complaintAlert', STAFF_LANG, {
        ref: `\u2068${c.ref}\u2069`,
        category: profile.complaintCategories.find((x) => x.id === c.category)?.name.ar ?? c.category,
        committee: profile.committees.find((x) => x.id === c.committee)?.name.ar ?? c.committee,
        channel: t.has(`console:channel.${c.channel}`, STAFF_LANG) ? t.t(`console:channel.${c.channel}`, STAFF_LANG) : c.channel,
        description: description.length > 200 ? `${description.slice(0, 200)}…` : description,
        link: `/staff/cases/${c.ref}`,
      });
      if (await repo.alert(c.id, recipient, { text }, now)) {
        n++;
        logger.info({ complaint: c.ref, category: c.category }, 'complaint alerted');
      }
    }
    if (n > 0) deps.onAlert?.();
    return n;
  }

  return {
    start() {
      if (timer) return;
      timer = setInterval(() => {
        if (running) return;
        running = runOnce(clock())
          .catch((e: unknown) => logger.error({ err: e instanceof Error ? e.name : 'unknown' }, 'complaint watch failed'))
          .finally(() => {
            running = null;
          });
      }, deps.intervalMs ?? 5000);
      timer.unref();
    },
    async stop() {
      if (timer) clearInterval(timer);
      timer = null;
      await running;
    },
    runOnce,
  };
}
