/**
 * Durable intake for webhooks: a delivery is stored (de-duplicated by its platform id) before the
 * platform gets its 200, then processed through the engine chat by chat: each chat is a lane that
 * works its deliveries one at a time, in order, independently of the other chats (a slow download
 * or a long backlog in one chat delays no other). A crash between the two loses nothing: pending
 * rows are processed after the restart. A delivery that keeps failing is retried with backoff,
 * then given up with a staff alert (visible in the console).
 */
import type { Logger } from 'pino';
import type { Db } from '../db/database.js';
import { errorFacts } from '../db/db-errors.js';
import { InboxRepository, type InboxRow } from '../db/inbox.repository.js';
import { type Leases, leasesFor } from '../db/lease.repository.js';
import { outboxStatement } from '../db/outbox.repository.js';
import type { Engine } from '../engine/engine.js';
import type { InboundMessage } from '../engine/messages.js';
import { type LaneHold, Lanes } from '../lanes/lanes.js';
import { sanitizeInbound, stripRefused } from './sanitize.js';

/** Turns a stored delivery back into messages (none when it is a kind the bot ignores). */
export type InboxDecoder = (payload: unknown) => Promise<InboundMessage[]>;

/** Tuning of the {@link Inbox}. */
export interface InboxOptions {
  db: Db;
  engine: Engine;
  logger: Logger;
  clock?: () => Date;
  /** Lane claims (default: shared leases on PostgreSQL, in-process on SQLite). */
  leases?: Leases;
  /** Attempts before a delivery is given up (default 8: about two minutes with the backoff). */
  maxAttempts?: number;
  /** First wait after a failure (default 1 s), doubled each time up to 30 s. */
  baseDelayMs?: number;
  /** How often to look for due chats when nobody kicks (default 1 s). */
  pollMs?: number;
  /** Chats worked at once (default 32). */
  concurrency?: number;
  /** Called after a delivery failed for good (its staff alert is in the outbox: wake the dispatcher). */
  onAlert?: () => void;
}

/** The webhook inbox and its workers. */
export class Inbox {
  private readonly decoders = new Map<string, InboxDecoder>();
  private readonly repo: InboxRepository;
  private readonly lanes: Lanes;
  private readonly clock: () => Date;
  private timer: NodeJS.Timeout | null = null;
  private scanning: Promise<void> | null = null;
  private stopped = true;
  private doneCount = 0;

  constructor(private readonly o: InboxOptions) {
    this.repo = new InboxRepository(o.db);
    this.clock = o.clock ?? (() => new Date());
    this.lanes = new Lanes({
      leases: o.leases ?? leasesFor(o.db),
      logger: o.logger,
      name: 'inbox',
      maxActive: o.concurrency ?? 32,
    });
  }

  /** Registers how a channel's deliveries are decoded. */
  register(channel: string, decoder: InboxDecoder): void {
    this.decoders.set(channel, decoder);
  }

  /** Stores a delivery; 'duplicate' when the same platform id was stored before. */
  async accept(channel: string, externalId: string, chatKey: string, payload: unknown): Promise<'stored' | 'duplicate'> {
    const key = stripRefused(chatKey);
    const r = await this.repo.accept(channel, stripRefused(externalId), key, payload, this.clock());
    if (r === 'stored') this.wake(key);
    return r;
  }

  start(): void {
    this.stopped = false;
    this.schedule(0);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.scanning;
    await this.lanes.stop();
  }

  /** Looks for due chats now. */
  kick(): void {
    if (!this.stopped && !this.scanning) this.schedule(0);
  }

  /** Processes what is due and waits for those chats; resolves with how many deliveries were done. */
  async runOnce(): Promise<number> {
    const before = this.doneCount;
    await this.scan();
    await this.lanes.idle();
    return this.doneCount - before;
  }

  private wake(chatKey: string): void {
    if (!this.stopped) this.lanes.wake(chatKey, (hold) => this.work(chatKey, hold));
  }

  private schedule(ms: number): void {
    if (this.stopped) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = null;
      this.scanning = this.scan()
        .catch((e: unknown) => this.o.logger.error(errorFacts(e), 'inbox scan failed'))
        .finally(() => {
          this.scanning = null;
          this.schedule(this.o.pollMs ?? 1000);
        });
    }, ms);
  }

  private async scan(): Promise<void> {
    for (const chatKey of await this.repo.dueChats(this.clock())) this.lanes.wake(chatKey, (hold) => this.work(chatKey, hold));
  }

  /**
   * Works one chat's deliveries in order until none is due. They are read a page at a time; each
   * is marked done without holding up the next (a turn is idempotent by its message id, so one
   * processed again after a crash changes nothing), and the page's marks are awaited before the
   * next page is read.
   */
  private async work(chatKey: string, hold: LaneHold): Promise<void> {
    while (!hold.released) {
      const page = await this.repo.pending(chatKey);
      if (page.length === 0) return;
      const marks: Promise<void>[] = [];
      try {
        for (const row of page) {
          if (hold.released) return;
          if (row.nextAttemptAt && row.nextAttemptAt.getTime() > this.clock().getTime()) return;
          const done = await this.process(row);
          if (done === false) return;
          marks.push(done.mark);
        }
      } finally {
        await Promise.all(marks);
      }
    }
  }

  /**
   * Processes one delivery; resolves with the pending mark of a delivery done (or given up) when
   * the chat may go on with its next one, false when it waits for a retry.
   */
  private async process(row: InboxRow): Promise<{ mark: Promise<void> } | false> {
    const { engine, logger } = this.o;
    const decoder = this.decoders.get(row.channel);
    try {
      if (!decoder) throw new Error(`no decoder for ${row.channel}`);
      let payload: unknown;
      try {
        payload = JSON.parse(row.payload);
      } catch {
        payload = null; // unreadable: the decoder ignores it
      }
      for (const msg of await decoder(payload)) await engine.handle(sanitizeInbound(msg));
      this.doneCount++;
      const mark = this.repo.markDone(row.id); // not awaited here: see work()
      mark.catch(() => {}); // observed by work(); never an unhandled rejection meanwhile
      return { mark };
    } catch (e) {
      const attempts = row.attempts + 1;
      const err = e instanceof Error ? e.name : 'unknown';
      if (attempts >= (this.o.maxAttempts ?? 8)) {
        const text = `⚠️ تعذّرت معالجة رسالة واردة (${row.channel} #${row.id}) بعد ${attempts} محاولات.`;
        await this.repo.markFailed(row.id, attempts, err, outboxStatement('staff', 'default', { text }, this.clock()));
        logger.error({ inbox: row.id, channel: row.channel, attempts, err }, 'inbox delivery failed');
        this.o.onAlert?.();
        return { mark: Promise.resolve() }; // a failed delivery no longer holds the chat
      }
      const delay = Math.min(30_000, (this.o.baseDelayMs ?? 1000) * 2 ** (attempts - 1));
      await this.repo.retryLater(row.id, attempts, new Date(this.clock().getTime() + delay), err);
      logger.warn({ inbox: row.id, channel: row.channel, attempts, err }, 'inbox delivery will be retried');
      return false;
    }
  }
}
