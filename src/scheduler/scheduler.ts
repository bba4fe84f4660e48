/**
 * The one scheduler of the bot's own initiatives: rating prompts and their reminder (R8), alerts on
 * low ratings (R8), and the SLA watch (R3e). Time is injected: `runOnce(now)` does what is due at
 * `now`, so tests run days of schedule without waiting; `start()` runs it periodically with the clock.
 */
import { alertLowRatings } from './low-ratings.js';
import { sendRatingPrompts } from './rating-prompts.js';
import type { SchedulerDeps, SchedulerReport } from './scheduler-deps.js';
import { watchSla } from './sla-watch.js';

export type { SchedulerDeps, SchedulerReport } from './scheduler-deps.js';

/** Runs the jobs. */
export class Scheduler {
  private readonly clock: () => Date;
  private timer: NodeJS.Timeout | null = null;
  private tail: Promise<unknown> = Promise.resolve();
  private stopped = true;

  constructor(private readonly d: SchedulerDeps) {
    this.clock = d.clock ?? (() => new Date());
  }

  /** Starts running the jobs periodically (the first run at once). */
  start(): void {
    this.stopped = false;
    this.schedule(0);
  }

  /** Stops; resolves when the run in progress has finished. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.tail.catch(() => {});
  }

  /**
   * Does what is due at `now`. Runs never overlap: in this process they queue, across instances
   * (PostgreSQL) a lock lets one run at a time, so an alert or a prompt is never sent twice.
   */
  runOnce(now: Date = this.clock()): Promise<SchedulerReport> {
    const run = this.tail.catch(() => {}).then(() => this.d.db.locked('scheduler', () => this.run(now)));
    this.tail = run;
    return run;
  }

  private async run(now: Date): Promise<SchedulerReport> {
    const prompts = await sendRatingPrompts(this.d, now);
    const lowRatingAlerts = await alertLowRatings(this.d, now);
    const sla = await watchSla(this.d, now);
    if (lowRatingAlerts + sla.alerts + sla.escalations + sla.reminders > 0) this.d.onCommitted?.();
    return {
      ...prompts,
      lowRatingAlerts,
      slaAlerts: sla.alerts,
      slaEscalations: sla.escalations,
      officerReminders: sla.reminders,
    };
  }

  private schedule(ms: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.runOnce()
        .catch((e: unknown) => this.d.logger.error({ err: e instanceof Error ? e.name : 'unknown' }, 'scheduler run failed'))
        .finally(() => this.schedule(this.d.intervalMs ?? 60_000));
    }, ms);
  }
}

/** The scheduler of an app (see the wiring in src/app.ts). */
export function createScheduler(deps: SchedulerDeps): Scheduler {
  return new Scheduler(deps);
}
