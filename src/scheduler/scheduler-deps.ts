/**
 * What the scheduler's jobs receive (apart from the scheduler itself, so that the jobs and the
 * scheduler that runs them do not import each other).
 */
import type { Logger } from 'pino';
import type { Db } from '../db/database.js';
import type { Profile } from '../domain/profile.js';
import type { Engine } from '../engine/engine.js';
import type { Translator } from '../i18n.js';

/** What the scheduler needs, and its tuning. */
export interface SchedulerDeps {
  db: Db;
  profile: Profile;
  engine: Pick<Engine, 'interrupt'>;
  translator: Translator;
  logger: Logger;
  clock?: () => Date;
  /** Wakes the outbox dispatcher after a commit that wrote staff alerts. */
  onCommitted?: () => void;
  /** How often `start()` runs the jobs (default one minute). */
  intervalMs?: number;
  /** The one reminder goes this long after an unanswered prompt (default 24 hours). */
  reminderAfterHours?: number;
  /** A case this many working days from its answer date alerts its officer (default 2). */
  nearDueWorkingDays?: number;
  /** Most items of each kind handled per run (default 200); the rest wait for the next run. */
  batchSize?: number;
}

/** What one run did. */
export interface SchedulerReport {
  /** Rating prompts sent (first time). */
  prompted: number;
  /** Reminders sent. */
  reminded: number;
  /** Prompts not sent: the person opted out or cannot be reached. */
  skipped: number;
  /** Prompts closed because the service was rated. */
  answered: number;
  lowRatingAlerts: number;
  slaAlerts: number;
  slaEscalations: number;
  /** R3e: officers reminded of a case waiting as long as its committee's reminder setting says. */
  officerReminders: number;
}
