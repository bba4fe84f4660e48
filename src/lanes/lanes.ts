/**
 * Lanes: one worker per key (a recipient of the outbox, a chat of the inbox), each working through
 * its own rows one at a time, independently of every other lane. A lane's backlog, pacing,
 * `retry_after` or a hung call delays only that lane. Before it works, a lane claims its lease
 * (on PostgreSQL shared by every instance, so one instance at a time works a lane, in order); the
 * lease is renewed while the work goes on, and the work is told when it was lost.
 */
import type { Logger } from 'pino';
import { errorFacts } from '../db/db-errors.js';
import type { Leases } from '../db/lease.repository.js';

/** What a lane's work may ask while it runs. */
export interface LaneHold {
  /** True once the lease was lost or the service is stopping: finish the current item and return. */
  readonly released: boolean;
}

/** Works through one lane; resolves when the lane has nothing due (or the hold was released). */
export type LaneWork = (hold: LaneHold) => Promise<void>;

/** Options of {@link Lanes}. */
export interface LanesOptions {
  leases: Leases;
  logger: Logger;
  /** What the lanes are (in log lines): 'outbox', 'inbox'. */
  name: string;
  /** Lanes worked at once in this process; more wait for a free slot, in the order woken. */
  maxActive?: number;
  /** Lease time; renewed every third of it while the lane works (default 20 s). */
  leaseMs?: number;
}

interface Running {
  again: boolean;
  work: LaneWork;
}

/** Runs lanes. */
export class Lanes {
  private readonly running = new Map<string, Running>();
  private readonly waiting = new Map<string, LaneWork>();
  private readonly done = new Set<Promise<void>>();
  private active = 0;
  private stopped = false;

  constructor(private readonly o: LanesOptions) {}

  /** Lanes running or waiting for a slot now. */
  get busy(): number {
    return this.running.size + this.waiting.size;
  }

  /** True while the lane of `key` runs (or waits for a slot) in this process. */
  has(key: string): boolean {
    return this.running.has(key) || this.waiting.has(key);
  }

  /**
   * Works the lane of `key` unless it runs already; when it runs, it runs once more after it
   * finished (rows committed while it was finishing are not left behind).
   */
  wake(key: string, work: LaneWork): void {
    if (this.stopped) return;
    const r = this.running.get(key);
    if (r) {
      r.again = true;
      r.work = work;
      return;
    }
    if (this.waiting.has(key)) return;
    if (this.active >= (this.o.maxActive ?? 64)) {
      this.waiting.set(key, work);
      return;
    }
    this.launch(key, work);
  }

  /** Stops taking lanes and waits for the running ones to finish their current item. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.waiting.clear();
    while (this.done.size) await Promise.all([...this.done]);
  }

  /** Resolves when no lane runs (tests and tools). */
  async idle(): Promise<void> {
    while (this.done.size) await Promise.all([...this.done]);
  }

  private launch(key: string, work: LaneWork): void {
    this.active++;
    const entry: Running = { again: false, work };
    this.running.set(key, entry);
    const p = this.runLane(key, entry)
      .catch((e: unknown) => this.o.logger.error({ lane: this.o.name, ...errorFacts(e) }, 'lane failed'))
      .finally(() => {
        this.done.delete(p);
        this.running.delete(key);
        this.active--;
        if (entry.again && !this.stopped) this.wake(key, entry.work);
        const next = this.waiting.entries().next();
        if (!next.done && this.active < (this.o.maxActive ?? 64)) {
          this.waiting.delete(next.value[0]);
          this.launch(next.value[0], next.value[1]);
        }
      });
    this.done.add(p);
  }

  private async runLane(key: string, entry: Running): Promise<void> {
    const { leases } = this.o;
    const leaseMs = this.o.leaseMs ?? 20_000;
    const leaseKey = `${this.o.name}:${key}`;
    if (!(await leases.claim(leaseKey, leaseMs))) return; // another instance works it; it will finish it
    let lost = false;
    const hold: LaneHold = {
      get released() {
        return lost || stopped();
      },
    };
    const stopped = () => this.stopped;
    const renew = setInterval(() => {
      leases.renew(leaseKey, leaseMs).then(
        (ok) => {
          if (!ok) lost = true;
        },
        () => {
          // The database is unreachable: another instance may take the lane once the lease expires.
          lost = true;
        },
      );
    }, leaseMs / 3);
    try {
      for (;;) {
        entry.again = false;
        await entry.work(hold);
        if (!entry.again || hold.released) break;
      }
    } finally {
      clearInterval(renew);
      await leases.release(leaseKey).catch(() => {});
    }
  }
}
