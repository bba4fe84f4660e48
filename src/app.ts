/**
 * The composition root: configuration in, a running service out. Opens and migrates the database,
 * loads the profile, builds the engine and the dispatcher, mounts the HTTP routes and the channels.
 * Tests start it in-process on a free port with their own database.
 */

import { timingSafeEqual } from 'node:crypto';
import type { Server } from 'node:http';
import path from 'node:path';
import express from 'express';
import pino, { type Logger } from 'pino';
import { mountBackOffice } from './api/back-office.js';
import { AttachmentStore } from './attachments/attachment-store.js';
import { attemptLimiter } from './attempt-limiter.js';
import type { ChannelSender } from './channels/channel.js';
import type { ChannelDeps, ChannelModule } from './channels/module.js';
import { StaffSender } from './channels/staff.sender.js';
import { createTelegramChannel } from './channels/telegram/telegram.channel.js';
import { webChatRouter } from './channels/web/web.routes.js';
import { WebSender } from './channels/web/web.sender.js';
import { createWhatsappCloudChannel } from './channels/whatsapp-cloud/cloud.channel.js';
import { createWhatsappWebChannel } from './channels/whatsapp-web/web.channel.js';
import type { Config } from './config.js';
import { referencedAttachments } from './db/attachments.repository.js';
import { type Db, openDatabase, ping } from './db/database.js';
import { errorFacts } from './db/db-errors.js';
import { migrate } from './db/migrate.js';
import { enqueueOutbox, OutboxRepository } from './db/outbox.repository.js';
import { type ReadSide, readSide } from './db/prisma.js';
import { loadProfile, type Profile } from './domain/profile.js';
import { Engine } from './engine/engine.js';
import { type EngineServices, FlowRegistry } from './engine/flow-registry.js';
import { peopleOf } from './engine/ports.js';
import { SessionRunner } from './engine/session.js';
import { Translator } from './i18n.js';
import { Inbox } from './inbox/inbox.js';
import { Metrics } from './metrics.js';
import { type DispatcherOptions, OutboxDispatcher } from './outbox/dispatcher.js';
import { createScheduler, type Scheduler, type SchedulerDeps } from './scheduler/scheduler.js';
import { createServices } from './services.js';
import { createComplaintWatcher } from './staff/complaint.watcher.js';
import { staffConsole } from './staff/console.js';
import { createHandoffWatcher } from './staff/handoff.watcher.js';

/** A running (or ready to run) service. */
export interface App {
  config: Config;
  /** The lean SQL path: turns, outbox, inbox and the repositories in src/db. */
  db: Db;
  /** The read side: Prisma Client for lists and details (back-office API, console), opened on first use. */
  read: ReadSide;
  profile: Profile;
  engine: Engine;
  dispatcher: OutboxDispatcher;
  inbox: Inbox;
  channels: ChannelModule[];
  translator: Translator;
  metrics: Metrics;
  logger: Logger;
  http: express.Express;
  /** Rating prompts and reminders, low-rating alerts and the SLA watch (runs while started). */
  scheduler: Scheduler;
  /** Starts listening and sending; resolves with the bound port. */
  start(): Promise<number>;
  /** Graceful stop: no new messages, in-flight turns finish, the outbox run finishes, then close. */
  stop(): Promise<void>;
}

export interface AppOptions {
  logger?: Logger;
  clock?: () => Date;
  /** Extra senders (tests). */
  senders?: ChannelSender[];
  /** Channel modules to run; default: those the configuration enables. */
  channels?: (deps: ChannelDeps) => ChannelModule[];
  /** Wraps the read services (tests slow one down to prove conversations run concurrently). */
  services?: (base: EngineServices) => EngineServices;
  /** Scheduler tuning (tests drive it with runOnce(now)). */
  scheduler?: Partial<Pick<SchedulerDeps, 'intervalMs' | 'reminderAfterHours' | 'nearDueWorkingDays' | 'batchSize'>>;
  /** Dispatcher tuning (tests use short backoffs). */
  dispatcher?: Partial<
    Pick<DispatcherOptions, 'maxAttempts' | 'retryWindowMs' | 'baseDelayMs' | 'maxDelayMs' | 'pollMs' | 'leaseMs' | 'sendGuardMs'>
  >;
}

/** Builds the service from a configuration. */
export async function createApp(config: Config, options: AppOptions = {}): Promise<App> {
  const logger = options.logger ?? pino({ level: config.logLevel });
  const profile = loadProfile(config.profilePath);
  // Issue 12: what the association must still supply (its policy does not say it); `profile check` lists it in Arabic.
  if (profile.missing.length)
    logger.warn({ profile: profile.id, missing: profile.missing.map((m) => m.path) }, 'profile: content to supply');
  const db = openDatabase(config.databaseUrl);
  const applied = await migrate(db);
  const read = readSide(config.databaseUrl);
  if (applied.length) logger.info({ migrations: applied }, 'database migrated');
  const translator = new Translator();
  const outboxRows = new OutboxRepository(db);
  const metrics = new Metrics(() => outboxRows.backlog(), true);
  const clock = options.clock ?? (() => new Date());
  const baseServices = createServices(db, profile);
  const registry = new FlowRegistry(options.services ? options.services(baseServices) : baseServices);
  const sessions = new SessionRunner(registry, profile, translator);
  // The dispatcher is created after the channels (it needs their senders); commits kick it.
  let dispatcher: OutboxDispatcher | null = null;
  const engine = new Engine({ db, profile, translator, sessions, logger, metrics, onCommitted: () => dispatcher?.kick() });
  const inbox = new Inbox({ db, engine, logger, clock, onAlert: () => dispatcher?.kick() });
  const attachments = new AttachmentStore(attachmentDir(config.databaseUrl));
  const people = peopleOf(db);
  const deps: ChannelDeps = {
    config,
    profile,
    engine,
    inbox,
    db,
    people,
    outbox: outboxRows,
    logger,
    metrics,
    attachments,
    clock,
    alertStaff: async (text) => {
      await enqueueOutbox(db, 'staff', 'default', { text }, clock());
      dispatcher?.kick();
    },
  };
  const channels = options.channels ? options.channels(deps) : defaultChannels(deps, translator);
  const staffTelegram = channels.find((c) => c.sendStaff);
  const staffSender = new StaffSender(
    logger,
    staffTelegram?.sendStaff && config.staffTelegramChatId
      ? { send: staffTelegram.sendStaff, chatId: config.staffTelegramChatId }
      : undefined,
  );
  const senders: ChannelSender[] = [new WebSender(), staffSender, ...channels.map((c) => c.sender), ...(options.senders ?? [])];
  dispatcher = new OutboxDispatcher({ db, senders, logger, metrics, clock, ...options.dispatcher });
  const outbox = dispatcher;
  // The bot's own initiatives and the back office share the engine, the clock and the outbox kick.
  const initiative = { db, profile, engine, translator, logger, clock, onCommitted: () => outbox.kick() };
  const scheduler = createScheduler({ ...initiative, ...options.scheduler });
  const handoffWatcher = createHandoffWatcher({ db, profile, translator, logger, clock, onAlert: () => outbox.kick() });
  // Complaints are alerted to staff at submission (issue 13), within seconds.
  const complaintWatcher = createComplaintWatcher({ db, profile, translator, logger, clock, onAlert: () => outbox.kick() });

  const http = express();
  http.disable('x-powered-by');
  // TRUST_PROXY: behind a TLS proxy, req.secure and req.ip are the real client's (Secure cookies,
  // limits per client address); otherwise X-Forwarded-* is not believed.
  http.set('trust proxy', config.trustProxy);
  // Guesses of API_TOKEN (and of the decisions signature) are limited per client address.
  http.use('/api', attemptLimiter());
  http.get('/', (_req, res) => res.redirect('/chat'));
  http.use(webChatRouter({ engine, people, translator, attachments, clock }));
  for (const c of channels) if (c.router) http.use(c.router);
  // The back office's decisions service is shared with the staff console: a decision from either
  // takes the same path (issue 13).
  const decisions = mountBackOffice(http, {
    ...initiative,
    read: () => read.client(),
    decisionsSecret: config.decisionsSecret,
    apiToken: config.apiToken,
  });
  // The staff console: named accounts (created with `npm run cli -- staff add`).
  http.use(
    staffConsole({
      db,
      profile,
      translator,
      engine,
      logger,
      clock,
      decisions,
      onCommitted: () => outbox.kick(),
      readAttachment: (key) => attachments.read(key),
    }),
  );
  http.get('/healthz', async (req, res) => {
    let database = 'up';
    try {
      await ping(db);
    } catch {
      database = 'down';
    }
    const ok = database === 'up';
    const states: Record<string, { state: string; detail?: string }> = { web: { state: 'up' } };
    // A WhatsApp Web QR code links a phone to the association's number: only staff may see it.
    const staff = isStaff(req.headers.authorization, config);
    for (const c of channels) {
      const h = c.health();
      states[c.name] = h.state === 'needs_scan' && !staff ? { state: h.state } : h;
    }
    res.status(ok ? 200 : 503).json({ status: ok ? 'ok' : 'degraded', database, channels: states });
  });
  http.get('/metrics', async (_req, res) => {
    res.type(metrics.registry.contentType).send(await metrics.registry.metrics());
  });
  // One place for unexpected errors: a plain answer, details (no personal data) in the log.
  http.use((err: unknown, _req: express.Request, res: express.Response, _next: express.NextFunction) => {
    const status = (err as { status?: number }).status;
    if (status && status >= 400 && status < 500) {
      res.status(status).json({ error: 'invalid request' });
      return;
    }
    // The class and the database code, never the message: it can quote the values (issue 10).
    logger.error(errorFacts(err), 'request failed');
    res.status(500).json({ error: 'internal error' });
  });

  let server: Server | null = null;
  let sweepTimer: NodeJS.Timeout | null = null;
  return {
    config,
    db,
    read,
    profile,
    engine,
    dispatcher: outbox,
    inbox,
    channels,
    translator,
    metrics,
    logger,
    http,
    scheduler,
    async start() {
      // Files no message refers to (an upload whose turn never committed) go after a day.
      sweepTimer = setInterval(() => {
        attachments
          .sweep((keys) => referencedAttachments(db, keys))
          .catch((e: unknown) => logger.warn(errorFacts(e), 'attachment sweep failed'));
      }, 3600_000);
      sweepTimer.unref();
      outbox.start();
      inbox.start();
      handoffWatcher.start();
      complaintWatcher.start();
      scheduler.start();
      for (const c of channels) await c.start();
      await new Promise<void>((resolve, reject) => {
        server = http.listen(config.port, () => resolve());
        server.once('error', reject);
      });
      const addr = server?.address();
      const port = typeof addr === 'object' && addr ? addr.port : config.port;
      logger.info({ port, database: db.kind, profile: profile.id }, 'listening');
      return port;
    },
    async stop() {
      if (sweepTimer) clearInterval(sweepTimer);
      await scheduler.stop();
      const closing = server ? new Promise<void>((r) => server?.close(() => r())) : Promise.resolve();
      server?.closeIdleConnections?.();
      for (const c of channels) await c.stop().catch(() => {});
      await inbox.stop();
      await handoffWatcher.stop();
      await complaintWatcher.stop();
      await engine.close();
      await outbox.stop();
      await closing;
      await read.close();
      await db.close();
    },
  };
}

/** Attachments live beside the SQLite file, or under ./data for PostgreSQL. */
function attachmentDir(databaseUrl: string): string {
  if (databaseUrl.startsWith('file:')) return path.join(path.dirname(path.resolve(databaseUrl.slice(5))), 'attachments');
  return path.resolve('data', 'attachments');
}

/** The channels the configuration enables (Telegram, WhatsApp Web, WhatsApp Cloud). */
function defaultChannels(deps: ChannelDeps, translator: Translator): ChannelModule[] {
  const out: ChannelModule[] = [];
  if (deps.config.telegram) out.push(createTelegramChannel(deps, { translator }));
  if (deps.config.whatsappWeb) out.push(createWhatsappWebChannel(deps, undefined, { translator }));
  if (deps.config.whatsappCloud) out.push(createWhatsappCloudChannel(deps, { translator }));
  return out;
}

/** True when a request carries the staff token or the back-office token as a bearer token. */
function isStaff(authorization: string | undefined, config: Config): boolean {
  const token = authorization?.match(/^Bearer (.+)$/)?.[1];
  if (!token) return false;
  return [config.staffToken, config.apiToken].some((t) => t !== undefined && safeEqual(t, token));
}

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
