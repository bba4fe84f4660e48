/**
 * The one dispatcher for every outbound message. Each recipient has a lane: its rows are sent one
 * at a time, in order, each marked sent as soon as its platform call succeeded (before the next
 * send to that recipient), so a crash repeats at most the one message whose call was in flight.
 * Lanes run independently: one recipient's backlog, pacing, `retry_after` or hung call never
 * delays another. A failure is retried with capped exponential backoff for as long as the
 * platforms themselves retry (default 24 h), in order; only then the row is dead-lettered with a
 * staff alert, and the console offers to send it again. A person who blocked the bot is marked
 * unreachable. On PostgreSQL a lane is claimed by one instance at a time (a renewed lease).
 */
import type { Logger } from 'pino';
import { type ChannelSender, SendError } from '../channels/channel.js';
import type { Db } from '../db/database.js';
import { errorFacts } from '../db/db-errors.js';
import { type Leases, leasesFor } from '../db/lease.repository.js';
import { type OutboxLane, OutboxRepository, type OutboxRow, outboxStatement } from '../db/outbox.repository.js';
import type { OutboundMessage } from '../engine/messages.js';
import { type LaneHold, Lanes } from '../lanes/lanes.js';
import type { Metrics } from '../metrics.js';

/** Tuning of the {@link OutboxDispatcher}. */
export interface DispatcherOptions {
  db: Db;
  senders: ChannelSender[];
  logger: Logger;
  metrics?: Metrics;
  clock?: () => Date;
  /** Lane claims (default: shared leases on PostgreSQL, in-process on SQLite). */
  leases?: Leases;
  /** How long a message is retried before it is dead-lettered (default 24 h, as the platforms retry). */
  retryWindowMs?: number;
  /** Attempts before a message is dead-lettered, whatever the window (default: no limit). */
  maxAttempts?: number;
  /** Base delay of the exponential backoff (default 1 s). */
  baseDelayMs?: number;
  /** Longest wait between two attempts (default 30 s: an outage's end is noticed quickly). */
  maxDelayMs?: number;
  /** How often to look for due lanes when nobody kicks (default 1 s). */
  pollMs?: number;
  /** Lease of a lane on PostgreSQL, renewed while it works (default 20 s). */
  leaseMs?: number;
  /**
   * Longest one send may take before it counts as failed and is retried (default 60 s). Senders
   * bound each platform call much tighter themselves; this guards against one that does not.
   */
  sendGuardMs?: number;
  /** Lanes sent at once (default 64). */
  concurrency?: number;
}

/** Sends the outbox. */
export class OutboxDispatcher {
  private readonly senders = new Map<string, ChannelSender>();
  private readonly clock: () => Date;
  private readonly repo: OutboxRepository;
  private readonly lanes: Lanes;
  private timer: NodeJS.Timeout | null = null;
  private scanning: Promise<void> | null = null;
  private again = false;
  private stopped = true;
  private sentCount = 0;

  constructor(private readonly o: DispatcherOptions) {
    for (const s of o.senders) this.senders.set(s.channel, s);
    this.clock = o.clock ?? (() => new Date());
    this.repo = new OutboxRepository(o.db);
    this.lanes = new Lanes({
      leases: o.leases ?? leasesFor(o.db),
      logger: o.logger,
      name: 'outbox',
      maxActive: o.concurrency ?? 64,
      leaseMs: o.leaseMs ?? 20_000,
    });
  }

  /** Starts looking for due lanes. */
  start(): void {
    this.stopped = false;
    this.schedule(0);
  }

  /** Looks for due lanes now (after a commit). */
  kick(): void {
    if (this.stopped) return;
    if (this.scanning) this.again = true;
    else this.schedule(0);
  }

  /** Stops: no new lanes; the sends in flight finish and are recorded. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.scanning;
    await this.lanes.stop();
  }

  /**
   * Sends what is due now and waits until those lanes have nothing due; resolves with how many
   * messages were sent meanwhile. For tests and tools; the service runs lanes as they come.
   */
  async runOnce(): Promise<number> {
    const before = this.sentCount;
    await this.scan();
    await this.lanes.idle();
    return this.sentCount - before;
  }

  private schedule(ms: number): void {
    if (this.stopped) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = null;
      this.scanning = this.scan()
        .catch((e: unknown) => this.o.logger.error(errorFacts(e), 'outbox scan failed'))
        .finally(() => {
          this.scanning = null;
          const again = this.again;
          this.again = false;
          // Kicks that came during a scan make one more, shortly: a burst of commits is one scan, not hundreds.
          this.schedule(again ? 20 : (this.o.pollMs ?? 1000));
        });
    }, ms);
  }

  /** Wakes the lanes whose first row is due. */
  private async scan(): Promise<void> {
    for (const lane of await this.repo.dueLanes(this.clock())) {
      const key = `${lane.channel}:${lane.recipient}`; // channel names hold no colon
      this.lanes.wake(key, (hold) => this.work(lane, hold));
    }
  }

  /**
   * Sends a lane's rows one by one until it is empty, waits for a retry, or its hold ends. Each
   * row is marked sent as soon as its call succeeded, in the same commit that marks the next row
   * as in flight, and before that next row is sent.
   */
  private async work(lane: OutboxLane, hold: LaneHold): Promise<void> {
    let inFlightMarked: number | null = null;
    while (!hold.released) {
      const page = await this.repo.unsent(lane);
      if (page.length === 0) return;
      for (const [i, row] of page.entries()) {
        if (hold.released || !this.due(row)) return;
        if (inFlightMarked !== row.id) await this.repo.commit([this.repo.sendingStatement(row.id)]);
        inFlightMarked = null;
        const outcome = await this.sendRow(row);
        if (outcome === 'wait') return;
        if (outcome === 'next') continue; // given up: the lane goes on
        const next = page[i + 1];
        const carry = next && !hold.released && this.due(next) ? next : undefined;
        // Recorded before the lane's next send: after a crash only an in-flight send is repeated.
        await this.repo.commit([
          this.repo.sentStatement(row.id, this.clock(), outcome.platformMessageId),
          ...(carry ? [this.repo.sendingStatement(carry.id)] : []),
        ]);
        this.sentCount++;
        if (carry) inFlightMarked = carry.id;
      }
    }
  }

  private due(row: OutboxRow): boolean {
    return row.nextAttemptAt.getTime() <= this.clock().getTime();
  }

  /**
   * Sends one row (already marked in flight). Resolves with the platform's id when it was sent;
   * 'next' when it was given up (the lane goes on); 'wait' when the lane waits for a retry.
   */
  private async sendRow(row: OutboxRow): Promise<{ platformMessageId: string | null } | 'next' | 'wait'> {
    const { logger, metrics } = this.o;
    const sender = this.senders.get(row.channel);
    const attempts = row.attempts + 1;
    try {
      if (!sender) throw new SendError(`no sender for channel ${row.channel}`, 'retry');
      const res = await guarded(
        sender.send(row.recipient, JSON.parse(row.payload) as OutboundMessage),
        this.o.sendGuardMs ?? 60_000,
      );
      metrics?.messagesOut.inc({ channel: row.channel });
      return { platformMessageId: res.platformMessageId ?? null };
    } catch (e) {
      metrics?.sendFailures.inc({ channel: row.channel });
      const err = e instanceof SendError ? e : new SendError(errorName(e), 'retry');
      // Error texts from platforms can echo the message; keep only the class of failure.
      const lastError = `${err.kind}: ${err.message.slice(0, 200)}`;
      if (err.kind === 'unreachable') {
        await this.repo.markUnreachable(row, lastError);
        logger.warn({ outbox: row.id, channel: row.channel }, 'recipient unreachable');
        return 'wait';
      }
      const now = this.clock();
      const expired = now.getTime() - row.createdAt.getTime() >= (this.o.retryWindowMs ?? 24 * 3600_000);
      if (err.kind === 'fatal' || expired || attempts >= (this.o.maxAttempts ?? Number.POSITIVE_INFINITY)) {
        const alert =
          row.channel === 'staff'
            ? null // an alert about an alert would loop; the console lists it as dead anyway
            : outboxStatement(
                'staff',
                'default',
                { text: `⚠️ تعذّر إرسال رسالة (${row.channel} #${row.id}) بعد ${attempts} محاولات.`, deadLetter: row.id },
                now,
              );
        await this.repo.deadLetter(row.id, lastError, alert);
        logger.error({ outbox: row.id, channel: row.channel, attempts }, 'outbox message dead-lettered');
        return 'next'; // a message given up no longer holds the lane
      }
      const base = this.o.baseDelayMs ?? 1000;
      const backoff = Math.min(this.o.maxDelayMs ?? 30_000, base * 2 ** Math.min(attempts - 1, 30));
      const delay = Math.max(err.retryAfterMs ?? 0, backoff / 2 + Math.random() * (backoff / 2)); // jitter
      await this.repo.retryLater(row.id, new Date(now.getTime() + delay), lastError);
      logger.warn({ outbox: row.id, channel: row.channel, attempts, retryInMs: Math.round(delay) }, 'send failed, will retry');
      return 'wait';
    }
  }
}

/** Rejects with a retryable {@link SendError} when `p` has not settled within `ms`. */
function guarded<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new SendError(`send timed out after ${ms} ms`, 'retry')), ms);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}

function errorName(e: unknown): string {
  return e instanceof Error ? `${e.name}: ${e.message}`.slice(0, 200) : 'unknown error';
}
