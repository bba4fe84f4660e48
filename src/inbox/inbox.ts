/**
 * Durable intake for webhooks: a delivery is stored (de-duplicated by its platform id) before the
 * platform gets its 200, then processed through the engine in order per chat. A crash between the
 * two loses nothing: pending rows are processed after the restart.
 */
import type { Logger } from 'pino';
import { type Db, UniqueViolation } from '../db/database.js';
import type { Engine } from '../engine/engine.js';
import type { InboundMessage } from '../engine/messages.js';

interface InboxRow {
  id: number;
  channel: string;
  chat_key: string;
  payload: string;
  attempts: number;
}

/** Turns a stored delivery back into messages (none when it is a kind the bot ignores). */
export type InboxDecoder = (payload: unknown) => Promise<InboundMessage[]>;

export interface InboxOptions {
  db: Db;
  engine: Engine;
  logger: Logger;
  clock?: () => Date;
  maxAttempts?: number;
  pollMs?: number;
}

/** The webhook inbox and its worker. */
export class Inbox {
  private readonly decoders = new Map<string, InboxDecoder>();
  private running: Promise<void> | null = null;
  private again = false;
  private timer: NodeJS.Timeout | null = null;
  private stopped = true;

  constructor(private readonly o: InboxOptions) {}

  /** Registers how a channel's deliveries are decoded. */
  register(channel: string, decoder: InboxDecoder): void {
    this.decoders.set(channel, decoder);
  }

  /** Stores a delivery; 'duplicate' when the same platform id was stored before. */
  async accept(channel: string, externalId: string, chatKey: string, payload: unknown): Promise<'stored' | 'duplicate'> {
    try {
      await this.o.db.run(
        "INSERT INTO inbox (channel, external_id, chat_key, payload, status, attempts, created_at) VALUES (?, ?, ?, ?, 'pending', 0, ?)",
        [channel, externalId, chatKey, JSON.stringify(payload), (this.o.clock ?? (() => new Date()))()],
      );
    } catch (e) {
      if (e instanceof UniqueViolation) return 'duplicate';
      throw e;
    }
    this.kick();
    return 'stored';
  }

  start(): void {
    this.stopped = false;
    this.kick();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running;
  }

  /** Processes now (after an accept). */
  kick(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.running = this.runOnce()
      .then(() => undefined)
      .catch((e: unknown) => this.o.logger.error({ err: e instanceof Error ? e.name : 'unknown' }, 'inbox run failed'))
      .finally(() => {
        this.running = null;
        if (this.again) {
          this.again = false;
          this.kick();
        } else if (!this.stopped) this.timer = setTimeout(() => this.kick(), this.o.pollMs ?? 2000);
      });
  }

  /** Processes pending deliveries; resolves with how many were done. */
  async runOnce(): Promise<number> {
    const rows = await this.o.db.all<InboxRow>(
      "SELECT id, channel, chat_key, payload, attempts FROM inbox WHERE status = 'pending' ORDER BY id LIMIT 1000",
    );
    const chats = new Map<string, InboxRow[]>();
    for (const r of rows) {
      const g = chats.get(r.chat_key);
      if (g) g.push(r);
      else chats.set(r.chat_key, [r]);
    }
    let done = 0;
    await Promise.all(
      [...chats.values()].map(async (group) => {
        for (const row of group) {
          if (!(await this.process(row))) break; // keep the chat's order: retry this one first
          done++;
        }
      }),
    );
    return done;
  }

  private async process(row: InboxRow): Promise<boolean> {
    const { db, engine, logger } = this.o;
    const decoder = this.decoders.get(row.channel);
    try {
      if (!decoder) throw new Error(`no decoder for ${row.channel}`);
      for (const msg of await decoder(JSON.parse(row.payload))) await engine.handle(msg);
      await db.run("UPDATE inbox SET status = 'done', payload = '{}' WHERE id = ?", [row.id]);
      return true;
    } catch (e) {
      const attempts = row.attempts + 1;
      const failed = attempts >= (this.o.maxAttempts ?? 5);
      await db.run('UPDATE inbox SET attempts = ?, status = ?, last_error = ? WHERE id = ?', [
        attempts,
        failed ? 'failed' : 'pending',
        e instanceof Error ? e.name : 'unknown',
        row.id,
      ]);
      logger.error(
        { inbox: row.id, channel: row.channel, attempts },
        failed ? 'inbox delivery failed' : 'inbox delivery will be retried',
      );
      return failed; // a failed row no longer blocks the chat
    }
  }
}
