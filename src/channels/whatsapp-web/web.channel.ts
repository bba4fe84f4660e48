/**
 * The WhatsApp Web channel (whatsapp-web.js): a phone linked by QR code, driven through a headless
 * Chromium. The session is kept with LocalAuth so that a restart needs no new scan. While a scan is
 * needed the QR code is printed in the terminal and shown by `health()` (`needs_scan`). When the
 * link breaks (`disconnected`, `auth_failure`, or no `ready` in time) the client is destroyed and
 * re-initialised with exponential backoff, and the staff are alerted at once; the other channels
 * are not affected. Inbound messages go through the durable inbox, in order per chat.
 */
import qrcode from 'qrcode-terminal';
import { z } from 'zod';
import { ACCEPTED_MIME, MAX_ATTACHMENT_BYTES } from '../../attachments/attachment-store.js';
import { KeyedQueue } from '../../engine/engine.js';
import type { InboundMessage, OutboundMessage, UserInput } from '../../engine/messages.js';
import { Translator } from '../../i18n.js';
import { type ChannelSender, SendError } from '../channel.js';
import type { ChannelDeps, ChannelModule } from '../module.js';
import { renderOutbound, toInbound, type WaWebMessage, type WebMappedInbound } from './web.mapper.js';

const CHANNEL = 'whatsapp_web';

/** The surface of a whatsapp-web.js `Client` this channel uses (tests inject a fake with the same). */
export interface WaWebClient {
  on(event: 'qr', listener: (qr: string) => void): unknown;
  on(event: 'ready', listener: () => void): unknown;
  on(event: 'message', listener: (message: WaWebMessage) => void): unknown;
  on(event: 'disconnected' | 'auth_failure', listener: (reason: string) => void): unknown;
  initialize(): Promise<void>;
  destroy(): Promise<void>;
  sendMessage(chatId: string, content: string): Promise<{ id: { _serialized: string } }>;
}

/** Where the session and the browser are. */
export interface WaWebSettings {
  sessionDir: string;
  chromiumPath: string;
}

/** Creates a new client; called again for every re-initialisation. */
export type WaWebClientFactory = (settings: WaWebSettings) => WaWebClient | Promise<WaWebClient>;

/** Tuning of the WhatsApp Web channel. */
export interface WhatsappWebOptions {
  /** A client that shows neither a QR code nor `ready` within this time is restarted (default 90 s). */
  readyTimeoutMs?: number;
  /** First wait before a re-initialisation (default 5 s); doubles up to `backoffMaxMs` (default 5 min). */
  backoffBaseMs?: number;
  backoffMaxMs?: number;
  /** A send that takes longer fails (default 15 s) and is retried by the outbox. */
  sendTimeoutMs?: number;
  /** A media download that takes longer fails (default 60 s; the browser gives no size before it). */
  mediaTimeoutMs?: number;
  /** Largest file kept (default the attachment store's 10 MB). */
  maxMediaBytes?: number;
  /** Shows a QR code to the operator (default: printed in the terminal). */
  printQr?: (qr: string) => void;
  /** Renders the staff alerts; the app's translator when given. */
  translator?: Translator;
}

/** The real client: whatsapp-web.js with LocalAuth and Debian's Chromium (never downloaded). */
export const defaultClientFactory: WaWebClientFactory = async (settings) => {
  // Loaded on demand: puppeteer is heavy and not needed when the channel is off.
  const { default: wweb } = await import('whatsapp-web.js');
  return new wweb.Client({
    authStrategy: new wweb.LocalAuth({ dataPath: settings.sessionDir }),
    puppeteer: {
      executablePath: settings.chromiumPath,
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    },
  });
};

function printInTerminal(qr: string): void {
  qrcode.generate(qr, { small: true }, (rendered) => process.stdout.write(`${rendered}\n`));
}

/** An inbound message as stored in the inbox (its date as ISO text). */
const storedSchema = z.object({
  message: z.object({
    channel: z.literal(CHANNEL),
    userId: z.string().min(1),
    messageId: z.string().min(1),
    at: z.string(),
    input: z.looseObject({ kind: z.enum(['text', 'choice', 'attachment', 'location', 'contact']) }),
  }),
});

/** Reads an inbox row back into the message it holds (none when the row is not one of ours). */
function decode(payload: unknown, now: Date): InboundMessage[] {
  const r = storedSchema.safeParse(payload);
  if (!r.success) return [];
  const m = r.data.message;
  const at = new Date(m.at);
  return [
    {
      channel: CHANNEL,
      userId: m.userId,
      messageId: m.messageId,
      at: Number.isNaN(at.getTime()) ? now : at,
      input: m.input as UserInput,
    },
  ];
}

type Reason = 'qr' | 'disconnected' | 'auth_failure' | 'ready_timeout' | 'initialize_failed';

function errName(e: unknown): string {
  return e instanceof Error ? e.name : 'unknown';
}

/**
 * Builds the WhatsApp Web channel. Throws when `config.whatsappWeb` is not set (WHATSAPP_WEB=on).
 * `clientFactory` defaults to the real whatsapp-web.js client.
 */
export function createWhatsappWebChannel(
  deps: ChannelDeps,
  clientFactory: WaWebClientFactory = defaultClientFactory,
  options: WhatsappWebOptions = {},
): ChannelModule {
  const configured = deps.config.whatsappWeb;
  if (!configured) throw new Error('WhatsApp Web is not enabled (WHATSAPP_WEB=on)');
  const settings: WaWebSettings = configured;
  const { clock, logger } = deps;
  const translator = options.translator ?? new Translator();
  const readyTimeoutMs = options.readyTimeoutMs ?? 90_000;
  const backoffBaseMs = options.backoffBaseMs ?? 5_000;
  const backoffMaxMs = options.backoffMaxMs ?? 300_000;
  const sendTimeoutMs = options.sendTimeoutMs ?? 15_000;
  const mediaTimeoutMs = options.mediaTimeoutMs ?? 60_000;
  const maxBytes = options.maxMediaBytes ?? MAX_ATTACHMENT_BYTES;
  const printQr = options.printQr ?? printInTerminal;

  let client: WaWebClient | null = null;
  /** Bumped whenever a client is given up: events of an older client are ignored. */
  let generation = 0;
  let stopped = true;
  let attempt = 0;
  let alerted = false;
  let state: { state: string; detail?: string } = { state: 'down', detail: 'not started' };
  let readyTimer: NodeJS.Timeout | null = null;
  let restartTimer: NodeJS.Timeout | null = null;
  let destroying: Promise<void> = Promise.resolve();
  const queue = new KeyedQueue();

  deps.inbox.register(CHANNEL, async (payload) => decode(payload, clock()));

  function alertStaff(key: string, params?: Record<string, string>): void {
    deps
      .alertStaff(translator.t(key, 'ar', params))
      .catch((e: unknown) => logger.error({ channel: CHANNEL, err: errName(e) }, 'staff alert failed'));
  }

  /** Tells the staff once per outage that the link is down and a scan may be needed. */
  function alertOnce(reason: Reason): void {
    if (alerted) return;
    alerted = true;
    alertStaff('whatsapp:web.scanNeeded', { reason: translator.t(`whatsapp:web.reason.${reason}`, 'ar') });
  }

  function clearReadyTimer(): void {
    if (readyTimer) clearTimeout(readyTimer);
    readyTimer = null;
  }

  function armReadyTimer(gen: number): void {
    clearReadyTimer();
    readyTimer = setTimeout(() => fail(gen, 'ready_timeout'), readyTimeoutMs);
  }

  /** Gives up the current client: destroy it, alert, and re-initialise after the backoff. */
  function fail(gen: number, reason: Exclude<Reason, 'qr'>): void {
    if (stopped || gen !== generation) return;
    generation++;
    clearReadyTimer();
    const old = client;
    client = null;
    if (old) destroying = old.destroy().catch(() => {});
    state = { state: 'down', detail: reason };
    alertOnce(reason);
    const delay = Math.min(backoffMaxMs, backoffBaseMs * 2 ** attempt);
    attempt++;
    logger.warn({ channel: CHANNEL, reason, retryInMs: delay }, 'whatsapp web link lost, re-initialising');
    if (restartTimer) clearTimeout(restartTimer);
    restartTimer = setTimeout(() => {
      restartTimer = null;
      void boot();
    }, delay);
  }

  async function boot(): Promise<void> {
    if (stopped) return;
    const gen = ++generation;
    state = { state: 'starting' };
    await destroying; // two browsers must not share the session folder
    let c: WaWebClient;
    try {
      c = await clientFactory(settings);
    } catch (e) {
      logger.error({ channel: CHANNEL, err: errName(e) }, 'whatsapp web client could not be created');
      fail(gen, 'initialize_failed');
      return;
    }
    if (stopped || gen !== generation) {
      destroying = c.destroy().catch(() => {});
      return;
    }
    client = c;
    c.on('qr', (qr: string) => {
      if (gen !== generation) return;
      state = { state: 'needs_scan', detail: qr };
      printQr(qr);
      logger.warn({ channel: CHANNEL }, 'whatsapp web needs a QR scan');
      alertOnce('qr');
      // A client that keeps showing QR codes is alive: the bound is for one that shows nothing.
      armReadyTimer(gen);
    });
    c.on('ready', () => {
      if (gen !== generation) return;
      clearReadyTimer();
      attempt = 0;
      state = { state: 'up' };
      logger.info({ channel: CHANNEL }, 'whatsapp web ready');
      if (alerted) {
        alerted = false;
        alertStaff('whatsapp:web.reconnected');
      }
    });
    c.on('auth_failure', () => fail(gen, 'auth_failure'));
    c.on('disconnected', () => fail(gen, 'disconnected'));
    c.on('message', (m: WaWebMessage) => {
      if (gen !== generation) return;
      const mapped = safeMap(m);
      if (!mapped) return;
      // One chat's messages reach the inbox in their order, even when one waits for a download.
      queue
        .run(mapped.message.userId, () => intake(m, mapped))
        .catch((e: unknown) => logger.error({ channel: CHANNEL, err: errName(e) }, 'whatsapp web message not stored'));
    });
    armReadyTimer(gen);
    c.initialize().catch((e: unknown) => {
      logger.error({ channel: CHANNEL, err: errName(e) }, 'whatsapp web initialize failed');
      fail(gen, 'initialize_failed');
    });
  }

  function safeMap(m: WaWebMessage): WebMappedInbound | null {
    try {
      return toInbound(m, clock());
    } catch {
      return null;
    }
  }

  /** Downloads a photo or document (within the limits) into the attachment store. */
  async function withMedia(m: WaWebMessage, mapped: WebMappedInbound): Promise<InboundMessage> {
    const { message } = mapped;
    if (!mapped.media || message.input.kind !== 'attachment') return message;
    const input = message.input;
    const kind = input.attachment.kind;
    const attach = (attachment: typeof input.attachment): InboundMessage => ({ ...message, input: { ...input, attachment } });
    let media: Awaited<ReturnType<WaWebMessage['downloadMedia']>>;
    try {
      media = m.hasMedia ? await within(m.downloadMedia(), mediaTimeoutMs, () => new Error('download timed out')) : null;
    } catch {
      media = null;
    }
    // Gone from the phone or not downloadable: the dialogue asks for the file again.
    if (!media?.data) return attach({ kind: 'other' });
    const mime = media.mimetype.split(';')[0]?.trim().toLowerCase() ?? '';
    const size = media.filesize ?? Math.floor((media.data.length * 3) / 4);
    const fileName = media.filename ? { fileName: media.filename } : {};
    // Too large or not a photo/PDF: not kept; the dialogue's validator explains the limit.
    if (size > maxBytes || !ACCEPTED_MIME.has(mime)) return attach({ kind, mimeType: mime, size, ...fileName });
    const bytes = Buffer.from(media.data, 'base64');
    if (bytes.byteLength > maxBytes) return attach({ kind, mimeType: mime, size: bytes.byteLength, ...fileName });
    const storageKey = await deps.attachments.save(bytes, mime);
    return attach({ kind, mimeType: mime, size: bytes.byteLength, storageKey, ...fileName });
  }

  async function intake(m: WaWebMessage, mapped: WebMappedInbound): Promise<void> {
    const message = await withMedia(m, mapped);
    await deps.inbox.accept(CHANNEL, message.messageId, message.userId, {
      message: { ...message, at: message.at.toISOString() },
    });
  }

  /** Settles with `p`, or rejects with `error()` after `ms` (the browser can hang). */
  async function within<T>(p: Promise<T>, ms: number, error: () => Error): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(error()), ms);
    });
    try {
      return await Promise.race([p, timeout]);
    } finally {
      if (timer) clearTimeout(timer);
    }
  }

  const sender: ChannelSender = {
    channel: CHANNEL,
    async send(recipient: string, message: OutboundMessage): Promise<{ platformMessageId?: string }> {
      const c = client;
      if (!c || state.state !== 'up') throw new SendError('whatsapp web is not connected', 'retry', 30_000);
      // An unofficial client must not start conversations: only people who wrote get answers.
      const wrote = (await deps.people.contact(CHANNEL, recipient))?.lastInboundAt;
      if (!wrote) throw new SendError('whatsapp web only answers people who wrote first', 'fatal');
      let id: string | undefined;
      try {
        for (const text of renderOutbound(message))
          id = (
            await within(
              c.sendMessage(recipient, text),
              sendTimeoutMs,
              () => new SendError('whatsapp web send timed out', 'retry'),
            )
          ).id._serialized;
      } catch (e) {
        if (e instanceof SendError) throw e;
        throw new SendError(`whatsapp web send failed (${errName(e)})`, 'retry', 10_000);
      }
      return id ? { platformMessageId: id } : {};
    },
  };

  return {
    name: CHANNEL,
    sender,
    async start() {
      if (!stopped) return;
      stopped = false;
      attempt = 0;
      void boot();
    },
    async stop() {
      stopped = true;
      generation++;
      clearReadyTimer();
      if (restartTimer) clearTimeout(restartTimer);
      restartTimer = null;
      const c = client;
      client = null;
      if (c) destroying = c.destroy().catch(() => {});
      await destroying;
      await queue.drain();
      state = { state: 'down', detail: 'stopped' };
    },
    health() {
      return state;
    },
  };
}
