/**
 * Watches unclaimed handoffs (R3c, R7): one still open `handoff.reAlertMinutes` after it could
 * first be answered is alerted again to its officer; one still open after `escalateMinutes` is
 * escalated to management (the officer of the category 'management', else the default staff
 * chat). Each happens once per handoff, also with several instances: the alert is written in the
 * same transaction as the stamp on the handoff, and only by the run whose stamp took.
 *
 * The wait counts from the next working time after the handoff (the time the person was told to
 * expect an answer), so a handoff raised at night is not escalated before the office opens.
 */
import type { Logger } from 'pino';
import { type Db, type Stmt, toDate } from '../db/database.js';
import { nextWorkingTime } from '../domain/calendar.js';
import type { Profile } from '../domain/profile.js';
import { type AlertSubject, alertParams, parseSummary, STAFF_LANG, type StaffAlertPayload } from '../engine/alert-text.js';
import { calendarOf } from '../engine/flow-registry.js';
import type { Translator } from '../i18n.js';

/** What the watcher needs. */
export interface HandoffWatcherDeps {
  db: Db;
  profile: Profile;
  translator: Translator;
  logger: Logger;
  clock?: () => Date;
  /** How often `start()` runs a check (default one minute). */
  intervalMs?: number;
  /** Called after a run that queued alerts (wakes the outbox dispatcher). */
  onAlert?: () => void;
}

/** The watcher: a timer around {@link HandoffWatcher.runOnce}. */
export interface HandoffWatcher {
  start(): void;
  /** Stops the timer and waits for a run in progress. */
  stop(): Promise<void>;
  /** Checks once at `now` (default the clock); resolves with what it queued. */
  runOnce(now?: Date): Promise<{ realerted: number; escalated: number }>;
}

interface WatchRow {
  id: string;
  reason: string;
  category: string;
  summary: string;
  created_at: unknown;
  realerted_at: unknown;
  escalated_at: unknown;
  channel: string;
}

/** The category whose officer receives escalations. */
export const MANAGEMENT_CATEGORY = 'management';

/** Creates the watcher. */
export function createHandoffWatcher(deps: HandoffWatcherDeps): HandoffWatcher {
  const { db, profile, translator: t, logger } = deps;
  const clock = deps.clock ?? (() => new Date());
  const cal = calendarOf(profile);
  const minute = 60_000;
  let timer: NodeJS.Timeout | null = null;
  let running: Promise<unknown> | null = null;

  const chatOf = (category: string): string =>
    profile.officers.find((o) => o.categories.includes(category))?.telegramChatId ?? 'default';

  /** Stamps the handoff and queues the alert, both only if the stamp was not there yet. */
  function alertStatements(h: WatchRow, column: 'realerted_at' | 'escalated_at', recipient: string, payload: object, now: Date) {
    const stmts: Stmt[] = [
      {
        sql: `UPDATE handoffs SET ${column} = ? WHERE id = ? AND ${column} IS NULL AND status = 'open'`,
        params: [now, h.id],
      },
      {
        sql: `INSERT INTO outbox (channel, recipient, payload, status, attempts, next_attempt_at, created_at)
              SELECT 'staff', ?, ?, 'pending', 0, ?, ? WHERE EXISTS (SELECT 1 FROM handoffs WHERE id = ? AND ${column} = ?)`,
        params: [recipient, JSON.stringify(payload), now, now, h.id, now],
      },
    ];
    return stmts;
  }

  async function runOnce(now: Date = clock()): Promise<{ realerted: number; escalated: number }> {
    const rows = await db.all<WatchRow>(
      `SELECT h.id, h.reason, h.category, h.summary, h.created_at, h.realerted_at, h.escalated_at, b.channel
         FROM handoffs h JOIN beneficiaries b ON b.id = h.beneficiary_id
        WHERE h.status = 'open' AND (h.realerted_at IS NULL OR h.escalated_at IS NULL)
        ORDER BY h.created_at LIMIT 500`,
    );
    let realerted = 0;
    let escalated = 0;
    for (const h of rows) {
      const from = nextWorkingTime(toDate(h.created_at), cal, profile.workingHours);
      const waited = Math.floor((now.getTime() - from.getTime()) / minute);
      const subject: AlertSubject = { ...h, summary: parseSummary(h.summary) };
      const params = alertParams(t, subject, STAFF_LANG, profile);
      const stmts: Stmt[] = [];
      let kind: 'escalated' | 'realerted' | null = null;
      if (!h.escalated_at && waited >= profile.handoff.escalateMinutes) {
        const payload: StaffAlertPayload = {
          text: t.t('staff:escalate', STAFF_LANG, { ...params, count: waited }),
          handoffId: h.id,
        };
        stmts.push(...alertStatements(h, 'escalated_at', chatOf(MANAGEMENT_CATEGORY), payload, now));
        // An escalation supersedes a re-alert not yet sent (e.g. after the service was down).
        if (!h.realerted_at)
          stmts.push({ sql: 'UPDATE handoffs SET realerted_at = ? WHERE id = ? AND realerted_at IS NULL', params: [now, h.id] });
        kind = 'escalated';
      } else if (!h.realerted_at && waited >= profile.handoff.reAlertMinutes) {
        const payload: StaffAlertPayload = {
          text: t.t('staff:realert', STAFF_LANG, { ...params, count: waited }),
          handoffId: h.id,
        };
        stmts.push(...alertStatements(h, 'realerted_at', chatOf(h.category), payload, now));
        kind = 'realerted';
      }
      if (!kind) continue;
      await db.batch(stmts);
      // Another instance may have stamped it first: then its alert, not ours, was queued.
      const column = kind === 'escalated' ? 'escalated_at' : 'realerted_at';
      const stamp = await db.get<{ at: unknown }>(`SELECT ${column} AS at FROM handoffs WHERE id = ?`, [h.id]);
      if (!stamp?.at || toDate(stamp.at).getTime() !== now.getTime()) continue;
      if (kind === 'escalated') escalated++;
      else realerted++;
      logger.info({ handoff: h.id, kind, waitedMinutes: waited }, 'handoff unclaimed');
    }
    if (realerted + escalated > 0) deps.onAlert?.();
    return { realerted, escalated };
  }

  return {
    start() {
      if (timer) return;
      timer = setInterval(() => {
        if (running) return;
        running = runOnce(clock())
          .catch((e: unknown) => logger.error({ err: e instanceof Error ? e.name : 'unknown' }, 'handoff watch failed'))
          .finally(() => {
            running = null;
          });
      }, deps.intervalMs ?? minute);
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
