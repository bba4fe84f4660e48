/**
 * The one dispatcher for every outbound message. It sends committed outbox rows, in order per
 * recipient, different recipients concurrently; retries with exponential backoff and jitter;
 * dead-letters after a bounded number of attempts with a staff alert; marks a person who blocked
 * the bot unreachable; and picks up after a restart where it stopped.
 */
import type { Logger } from 'pino';
import { type ChannelSender, SendError } from '../channels/channel.js';
import { type Db, type Stmt, toDate } from '../db/database.js';
import { outboxStatement } from '../db/turn-store.js';
import type { OutboundMessage } from '../engine/messages.js';
import type { Metrics } from '../metrics.js';

interface OutboxRow {
  id: number;
  channel: string;
  recipient: string;
  payload: string;
  attempts: number;
  next_attempt_at: unknown;
}

export interface DispatcherOptions {
  db: Db;
  senders: ChannelSender[];
  logger: Logger;
  metrics?: Metrics;
  clock?: () => Date;
  /** Attempts before a message is dead-lettered. */
  maxAttempts?: number;
  /** Base delay of the exponential backoff. */
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** How often to look for due rows when nobody kicks. */
  pollMs?: number;
  /** How long a claimed row is leased to this process before another may retry it. */
  leaseMs?: number;
  concurrency?: number;
}

/** Sends the outbox. */
export class OutboxDispatcher {
  private readonly senders = new Map<string, ChannelSender>();
  private readonly clock: () => Date;
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private again = false;
  private stopped = true;

  constructor(private readonly o: DispatcherOptions) {
    for (const s of o.senders) this.senders.set(s.channel, s);
    this.clock = o.clock ?? (() => new Date());
  }

  /** Starts polling. */
  start(): void {
    this.stopped = false;
    this.schedule(0);
  }

  /** Asks for a run now (after a commit). */
  kick(): void {
    if (this.stopped) return;
    if (this.running) this.again = true;
    else this.schedule(0);
  }

  /** Stops polling and waits for the run in progress. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.running;
  }

  private schedule(ms: number): void {
    if (this.stopped) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = null;
      this.running = this.runOnce()
        .then(() => undefined)
        .catch((e: unknown) => this.o.logger.error({ err: errorName(e) }, 'outbox run failed'))
        .finally(() => {
          this.running = null;
          const again = this.again;
          this.again = false;
          this.schedule(again ? 0 : (this.o.pollMs ?? 1000));
        });
    }, ms);
  }

  private recovered = false;

  /** Sends what is due now; resolves when every group is done. Exposed for tests and tools. */
  async runOnce(): Promise<number> {
    const now = this.clock();
    if (!this.recovered && this.o.db.kind === 'sqlite') {
      // SQLite has one process: rows it left 'sending' when it died are nobody's now. (A send that
      // reached the platform just before the crash may be repeated: at least once, never lost.)
      await this.o.db.run("UPDATE outbox SET status = 'pending', next_attempt_at = ? WHERE status = 'sending'", [now]);
    }
    this.recovered = true;
    // A row left 'sending' by an instance that died is retried once its lease ran out.
    await this.o.db.run("UPDATE outbox SET status = 'pending' WHERE status = 'sending' AND next_attempt_at <= ?", [now]);
    const rows = await this.o.db.all<OutboxRow>(
      "SELECT id, channel, recipient, payload, attempts, next_attempt_at FROM outbox WHERE status = 'pending' ORDER BY id LIMIT 1000",
    );
    const groups = new Map<string, OutboxRow[]>();
    for (const r of rows) {
      const k = `${r.channel}\u0000${r.recipient}`;
      const g = groups.get(k);
      if (g) g.push(r);
      else groups.set(k, [r]);
    }
    // The due rows: per recipient, the rows before the first one that waits for a retry.
    const due: OutboxRow[][] = [];
    for (const g of groups.values()) {
      const prefix: OutboxRow[] = [];
      for (const row of g) {
        if (toDate(row.next_attempt_at).getTime() > now.getTime()) break;
        prefix.push(row);
      }
      if (prefix.length) due.push(prefix);
    }
    if (due.length === 0) return 0;
    // Claim them in one statement; rows another dispatcher holds are not returned.
    const lease = new Date(now.getTime() + (this.o.leaseMs ?? 60_000));
    const ids = due.flat().map((r) => r.id);
    const claimed = new Set<number>();
    for (let i = 0; i < ids.length; i += 500) {
      const chunk = ids.slice(i, i + 500);
      const rows = await this.o.db.all<{ id: number }>(
        `UPDATE outbox SET status = 'sending', attempts = attempts + 1, next_attempt_at = ?
          WHERE status = 'pending' AND id IN (${chunk.map(() => '?').join(', ')}) RETURNING id`,
        [lease, ...chunk],
      );
      for (const r of rows) claimed.add(Number(r.id));
    }
    let sent = 0;
    const done: Stmt[] = [];
    const queue = [...due];
    const workers = Array.from({ length: Math.min(this.o.concurrency ?? 16, queue.length) }, async () => {
      for (let g = queue.shift(); g; g = queue.shift()) sent += await this.sendGroup(g, claimed, now, done);
    });
    await Promise.all(workers);
    if (done.length) await this.o.db.batch(done);
    return sent;
  }

  /** Sends one recipient's claimed rows in order, stopping at the first failure. */
  private async sendGroup(rows: OutboxRow[], claimed: Set<number>, now: Date, done: Stmt[]): Promise<number> {
    let sent = 0;
    const mine = rows.filter((r) => claimed.has(Number(r.id)));
    for (const row of mine) {
      const result = await this.sendRow(row);
      if (result === null) break;
      done.push(result);
      sent++;
    }
    // Rows not tried after a failure go back to pending, in order, for the next run.
    const left = mine.slice(sent + 1);
    if (left.length)
      done.push({
        sql: `UPDATE outbox SET status = 'pending', attempts = attempts - 1, next_attempt_at = ? WHERE status = 'sending' AND id IN (${left.map(() => '?').join(', ')})`,
        params: [now, ...left.map((r) => r.id)],
      });
    return sent;
  }

  /** Sends a row; resolves with the statement that marks it sent, or null when it was not sent. */
  private async sendRow(row: OutboxRow): Promise<Stmt | null> {
    const { db, logger, metrics } = this.o;
    const sender = this.senders.get(row.channel);
    const attempts = row.attempts + 1;
    try {
      if (!sender) throw new SendError(`no sender for channel ${row.channel}`, 'retry');
      const res = await sender.send(row.recipient, JSON.parse(row.payload) as OutboundMessage);
      metrics?.messagesOut.inc({ channel: row.channel });
      return {
        sql: "UPDATE outbox SET status = 'sent', sent_at = ?, platform_message_id = ?, last_error = NULL WHERE id = ?",
        params: [this.clock(), res.platformMessageId ?? null, row.id],
      };
    } catch (e) {
      metrics?.sendFailures.inc({ channel: row.channel });
      const err = e instanceof SendError ? e : new SendError(errorName(e), 'retry');
      // Error texts from platforms can echo the message; keep only the class of failure.
      const lastError = `${err.kind}: ${err.message.slice(0, 200)}`;
      if (err.kind === 'unreachable') {
        await db.batch([
          { sql: "UPDATE outbox SET status = 'failed', last_error = ? WHERE id = ?", params: [lastError, row.id] },
          {
            sql: 'UPDATE beneficiaries SET unreachable = ? WHERE channel = ? AND platform_user_id = ?',
            params: [true, row.channel, row.recipient],
          },
          // No retry storm: the person's other queued messages will not get through either.
          {
            sql: "UPDATE outbox SET status = 'failed', last_error = 'unreachable' WHERE channel = ? AND recipient = ? AND status IN ('pending', 'sending') AND id > ?",
            params: [row.channel, row.recipient, row.id],
          },
        ]);
        logger.warn({ outbox: row.id, channel: row.channel }, 'recipient unreachable');
        return null;
      }
      if (err.kind === 'fatal' || attempts >= (this.o.maxAttempts ?? 8)) {
        const stmts: Stmt[] = [
          { sql: "UPDATE outbox SET status = 'dead', last_error = ? WHERE id = ?", params: [lastError, row.id] },
        ];
        if (row.channel !== 'staff')
          stmts.push(
            outboxStatement(
              'staff',
              'default',
              { text: `⚠️ تعذّر إرسال رسالة (${row.channel} #${row.id}) بعد ${attempts} محاولات.` },
              this.clock(),
            ),
          );
        await db.batch(stmts);
        logger.error({ outbox: row.id, channel: row.channel, attempts }, 'outbox message dead-lettered');
        return null;
      }
      const base = this.o.baseDelayMs ?? 1000;
      const backoff = Math.min(this.o.maxDelayMs ?? 300_000, base * 2 ** (attempts - 1));
      const delay = Math.max(err.retryAfterMs ?? 0, backoff / 2 + Math.random() * (backoff / 2)); // jitter
      await db.run("UPDATE outbox SET status = 'pending', next_attempt_at = ?, last_error = ? WHERE id = ?", [
        new Date(this.clock().getTime() + delay),
        lastError,
        row.id,
      ]);
      logger.warn({ outbox: row.id, channel: row.channel, attempts, retryInMs: Math.round(delay) }, 'send failed, will retry');
      return null;
    }
  }
}

function errorName(e: unknown): string {
  return e instanceof Error ? `${e.name}: ${e.message}`.slice(0, 200) : 'unknown error';
}
