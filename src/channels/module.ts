/** What a channel plugs into the service: its sender, its HTTP routes, its lifecycle and health. */
import type { Router } from 'express';
import type { Logger } from 'pino';
import type { AttachmentStore } from '../attachments/attachment-store.js';
import type { Config } from '../config.js';
import type { Db } from '../db/database.js';
import type { Profile } from '../domain/profile.js';
import type { Engine } from '../engine/engine.js';
import type { OutboundMessage } from '../engine/messages.js';
import type { PeoplePort } from '../engine/ports.js';
import type { Inbox } from '../inbox/inbox.js';
import type { Metrics } from '../metrics.js';
import type { ChannelSender } from './channel.js';

/**
 * What a channel may ask of the outbox; the one writer (src/db/outbox.repository.ts) implements it.
 * Adapters report delivery back through it and never touch the table themselves.
 */
export interface OutboxPort {
  /** Queues a message (sent after the commit, retried, in order per recipient). */
  enqueue(channel: string, recipient: string, payload: object, at: Date): Promise<void>;
  /** The newest message sent with this platform id (to one of `recipients` when given). */
  findSent(
    channel: string,
    platformMessageId: string,
    recipients?: string[],
  ): Promise<{ recipient: string; payload: string } | undefined>;
  /** Records a delivery report unless a later one is there (`after`: the statuses it may replace). */
  recordDelivery(
    channel: string,
    platformMessageId: string,
    status: string,
    after: string[],
    lastError?: string,
  ): Promise<'recorded' | 'stale' | 'unknown'>;
}

/** What the service gives a channel. */
export interface ChannelDeps {
  config: Config;
  profile: Profile;
  engine: Engine;
  /** Durable webhook intake: `inbox.register(channel, decoder)` then `inbox.accept(...)` in the route. */
  inbox: Inbox;
  /** Outbox writes and delivery reports (until they move behind a port of the outbox). */
  db: Db;
  /** What a channel may know about people (language, last message, history). */
  people: PeoplePort;
  /** The outbox, for notices and delivery reports. */
  outbox: OutboxPort;
  logger: Logger;
  metrics: Metrics;
  attachments: AttachmentStore;
  clock: () => Date;
  /** Raises a staff alert (goes through the outbox to the staff chat). */
  alertStaff: (text: string) => Promise<void>;
}

/** A channel as the service runs it. */
export interface ChannelModule {
  /** Outbox channel name ('telegram', 'whatsapp_web', 'whatsapp_cloud'). */
  readonly name: string;
  readonly sender: ChannelSender;
  /** Routes to mount at the root of the HTTP app (webhooks). */
  readonly router?: Router;
  /** Sends a staff alert to a chat of this platform (Telegram's staff group). */
  sendStaff?: (chatId: string, message: OutboundMessage) => Promise<{ platformMessageId?: string }>;
  start(): Promise<void>;
  stop(): Promise<void>;
  /** 'up', 'starting', 'down', or 'needs_scan' (WhatsApp Web waiting for a QR scan). */
  health(): { state: string; detail?: string };
}
