/**
 * The Telegram channel (grammY). Inbound, in both modes, every update goes first into the durable
 * inbox (de-duplicated by `update_id`) and is processed from there in order per chat:
 * - webhook: `POST /telegram/webhook`, refused with 401 unless `X-Telegram-Bot-Api-Secret-Token`
 *   matches (compared in constant time); the update is stored and acknowledged at once, so a slow
 *   database never makes Telegram retry;
 * - long polling: grammY's runner, with `sequentialize` per chat so that the updates of one chat
 *   reach the inbox in their order.
 * The inbox decoder answers button presses, downloads photos and documents into the attachment
 * store, and hands the messages to the engine. Updates from the staff group (and officers' chats)
 * go to the staff-group handler instead: claim button, `/claim`, `/reply`, `/done`, replies to
 * alerts (telegram.staff.ts). Outbound, the sender turns an outbox row into
 * `sendMessage` calls with an inline keyboard, within Telegram's rate limits, and classifies a
 * refusal for the dispatcher. The bot token never leaves this module: every text logged or thrown
 * has it replaced with `<token>`.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { type AutoRetryOptions, autoRetry } from '@grammyjs/auto-retry';
import { type RunnerHandle, run, sequentialize } from '@grammyjs/runner';
import express, {
  type Request as ExpressRequest,
  type Response as ExpressResponse,
  type NextFunction,
  type Router,
} from 'express';
import { Bot, GrammyError, HttpError, type Transformer } from 'grammy';
import type { Update } from 'grammy/types';
import { ACCEPTED_MIME, MAX_ATTACHMENT_BYTES } from '../../attachments/attachment-store.js';
import { STAFF_LANG } from '../../engine/alert-text.js';
import type { InboundMessage, OutboundMessage } from '../../engine/messages.js';
import { Translator } from '../../i18n.js';
import { HandoffService } from '../../staff/handoff.service.js';
import { type ChannelSender, SendError } from '../channel.js';
import type { ChannelDeps, ChannelModule } from '../module.js';
import { SendLimiter } from './telegram.limiter.js';
import {
  chatKeyOf,
  isRelevant,
  isUpdate,
  mapStaffUpdate,
  mapUpdate,
  type OutboundWithContact,
  TELEGRAM,
  type TelegramFileRef,
  toTelegramOutbound,
} from './telegram.mapper.js';
import { createStaffGroupHandler, withClaimButton } from './telegram.staff.js';

/** Tuning of the Telegram channel; the defaults follow Telegram's published limits. */
export interface TelegramChannelOptions {
  /** Time between two messages to one chat, in ms, once its burst is used (default 1000; 0 turns it off). */
  perChatIntervalMs?: number;
  /**
   * Messages a chat may receive at once before the interval applies (default 3, so the two or three
   * replies of one turn leave together; 1 makes the interval a strict minimum). Kept small because
   * the dispatcher sends one batch at a time: a chat being paced holds up that batch.
   */
  perChatBurst?: number;
  /** Messages per second over all chats (default 30). */
  perSecond?: number;
  /**
   * In-process retries by grammY's auto-retry plugin. Default: a 429 whose `retry_after` is at most
   * 2 s is waited out and retried once; 5xx and network errors are rethrown at once, because the
   * plugin would retry network errors without limit and pauses 3 s (then 6 s) on a 5xx even after
   * its last attempt. What it does not absorb becomes a {@link SendError}, and the outbox
   * dispatcher retries it durably with its own backoff (a 429 no sooner than `retry_after`).
   */
  autoRetry?: Partial<AutoRetryOptions>;
  /**
   * Timeout of the calls not listed below (getMe, deleteWebhook) and of the long poll, in seconds
   * (default: the long-polling timeout plus 10 s, so a hung getUpdates is noticed that soon).
   */
  timeoutSeconds?: number;
  /** Timeout of one sendMessage, in ms (default 10 s): a hung send fails and is retried by the outbox. */
  sendTimeoutMs?: number;
  /** Timeout of answerCallbackQuery and getFile, in ms (default 5 s). */
  shortCallTimeoutMs?: number;
  /** Slowest download accepted, in bytes per second (default 100 KB/s): a file's timeout grows with its size. */
  minDownloadBytesPerSecond?: number;
  /** Long-polling timeout of getUpdates in seconds (default 30). */
  pollTimeoutSeconds?: number;
  /** Wait between two failed getUpdates calls in ms (default 2000). */
  pollRetryMs?: number;
  /** Largest file downloaded, in bytes (default the attachment store's 10 MB). */
  maxDownloadBytes?: number;
  /** Renders the staff-group texts (default: one read from locales/). */
  translator?: Translator;
}

/** A failure of the Telegram API or of a file download, with the token removed from its message. */
export class TelegramError extends Error {
  override name = 'TelegramError';
}

const DEFAULT_AUTO_RETRY: Partial<AutoRetryOptions> = {
  maxRetryAttempts: 1,
  maxDelaySeconds: 2,
  rethrowInternalServerErrors: true,
  rethrowHttpErrors: true,
};

/** Replaces the bot token (and anything shaped like one in a Bot API URL) with `<token>`. */
export function redactToken(text: string, token: string): string {
  const out = token ? text.split(token).join('<token>') : text;
  return out.replace(/bot\d+:[A-Za-z0-9_-]{20,}/g, 'bot<token>');
}

/** A short, token-free description of an error for logs. */
function describe(e: unknown, token: string): string {
  if (e instanceof GrammyError) return redactToken(`${e.method}: ${e.error_code} ${e.description}`, token);
  // HttpError's own message names only the method; its `error` may hold the URL, so it is not used.
  if (e instanceof HttpError) return redactToken(e.message, token);
  if (e instanceof Error) return redactToken(`${e.name}: ${e.message}`, token).slice(0, 300);
  return 'unknown error';
}

/**
 * Classifies a failed send for the dispatcher: blocked / deactivated / unknown chat → 'unreachable'
 * (never retried); 429 → 'retry' after Telegram's `retry_after`; 5xx, network failures and a
 * rejected token (a configuration to fix, not a bad message) → 'retry'; any other 4xx → 'fatal'.
 */
export function toSendError(e: unknown, token: string): SendError {
  if (e instanceof SendError) return e;
  const text = describe(e, token);
  if (e instanceof GrammyError) {
    const code = e.error_code;
    if (code === 429) return new SendError(text, 'retry', (e.parameters.retry_after ?? 1) * 1000);
    if (code === 403) return new SendError(text, 'unreachable');
    if (code === 400 && /chat not found|user is deactivated|bot was blocked|peer_id_invalid|user not found/i.test(e.description))
      return new SendError(text, 'unreachable');
    if (code >= 500 || code === 401 || code === 404) return new SendError(text, 'retry');
    return new SendError(text, 'fatal');
  }
  return new SendError(text, 'retry');
}

/** SHA-256 of a secret, so two secrets are compared in constant time whatever their lengths. */
function digest(s: string): Buffer {
  return createHash('sha256').update(s, 'utf8').digest();
}

/** The signal type grammY's methods take (its own AbortSignal shim's declaration). */
type ApiSignal = NonNullable<Parameters<Bot['api']['getFile']>[1]>;

/** A signal that aborts a platform call after `ms` (Node's signal; grammY declares a shim's type). */
function deadline(ms: number): ApiSignal {
  return AbortSignal.timeout(ms) as unknown as ApiSignal;
}

/** Creates the Telegram channel; requires `config.telegram`. Registers its inbox decoder. */
export function createTelegramChannel(deps: ChannelDeps, options: TelegramChannelOptions = {}): ChannelModule {
  const tg = deps.config.telegram;
  if (!tg) throw new Error('the Telegram channel needs TELEGRAM_BOT_TOKEN');
  const { token, mode } = tg;
  const apiRoot = tg.apiRoot.replace(/\/+$/, '');
  const { logger } = deps;
  const maxBytes = options.maxDownloadBytes ?? MAX_ATTACHMENT_BYTES;
  const pollTimeoutSeconds = options.pollTimeoutSeconds ?? 30;
  // Every platform call has its own timeout: a long poll its poll time plus a margin, a send a few
  // seconds, a download one that grows with the file's size.
  const timeoutSeconds = options.timeoutSeconds ?? pollTimeoutSeconds + 10;
  const sendTimeoutMs = options.sendTimeoutMs ?? 10_000;
  const shortCallMs = options.shortCallTimeoutMs ?? 5_000;
  const downloadTimeoutMs = (bytes: number) =>
    Math.ceil(10_000 + (bytes / (options.minDownloadBytesPerSecond ?? 100 * 1024)) * 1000);

  let state: { state: string; detail?: string } = { state: 'starting' };
  const setState = (s: string, detail?: string) => {
    if (state.state !== s || state.detail !== detail) {
      if (s === 'down') logger.warn({ channel: TELEGRAM, detail }, 'telegram is down');
      else if (state.state === 'down') logger.info({ channel: TELEGRAM }, 'telegram is up again');
    }
    state = detail ? { state: s, detail } : { state: s };
  };

  const bot = new Bot(token, { client: { apiRoot, timeoutSeconds } });
  bot.api.config.use(autoRetry({ ...DEFAULT_AUTO_RETRY, ...options.autoRetry }));
  // Outermost: every call's final outcome tells the channel's health.
  const watch: Transformer = async (prev, method, payload, signal) => {
    try {
      const res = await prev(method, payload, signal);
      if (res.ok) setState('up');
      else if (res.error_code === 401 || res.error_code === 404) setState('down', 'token rejected');
      else if (res.error_code >= 500) setState('down', `api error ${res.error_code}`);
      else setState('up'); // the API answered: a refused message is not an outage
      return res;
    } catch (e) {
      if (!signal?.aborted) setState('down', 'unreachable');
      throw e;
    }
  };
  bot.api.config.use(watch);
  bot.catch((err) => logger.error({ channel: TELEGRAM, err: describe(err.error, token) }, 'telegram update intake failed'));

  const limiter = new SendLimiter({
    perSecond: options.perSecond ?? 30,
    perChatIntervalMs: options.perChatIntervalMs ?? 1000,
    perChatBurst: options.perChatBurst ?? 3,
  });

  async function sendTo(chatId: string, message: OutboundMessage): Promise<{ platformMessageId?: string }> {
    const out = toTelegramOutbound(message as OutboundWithContact);
    let last: number | undefined;
    for (const [i, chunk] of out.chunks.entries()) {
      await limiter.acquire(chatId);
      const markup = i === out.chunks.length - 1 && out.replyMarkup ? { reply_markup: out.replyMarkup } : {};
      try {
        last = (await bot.api.sendMessage(chatId, chunk, markup, deadline(sendTimeoutMs))).message_id;
      } catch (e) {
        throw toSendError(e, token);
      }
    }
    return last === undefined ? {} : { platformMessageId: String(last) };
  }

  const sender: ChannelSender = { channel: TELEGRAM, send: sendTo };

  // ---- the staff group ------------------------------------------------------------------------
  // The staff group, and officers' own chats where the profile names them (R7): commands there are
  // staff actions, never a beneficiary's conversation.
  const staffChats: ReadonlySet<string> = new Set(
    [deps.config.staffTelegramChatId, ...deps.profile.officers.map((o) => o.telegramChatId)].filter(
      (c): c is string => typeof c === 'string' && c !== '',
    ),
  );
  const translator = options.translator ?? new Translator();
  const claimLabel = translator.t('staff:claimButton', STAFF_LANG);
  const staffGroup = createStaffGroupHandler({
    service: new HandoffService({ db: deps.db, engine: deps.engine, clock: deps.clock }),
    outbox: deps.outbox,
    translator,
    logger,
    clock: deps.clock,
    staffChatId: deps.config.staffTelegramChatId,
    answerCallback: (id, text) => answerCallback(id, text),
    botId: () => (bot.isInited() ? String(bot.botInfo.id) : undefined),
  });

  /** Sends a staff alert; one about a handoff gets the claim button. */
  function sendStaff(chatId: string, message: OutboundMessage): Promise<{ platformMessageId?: string }> {
    return sendTo(chatId, withClaimButton(message, claimLabel));
  }

  // ---- inbound: the inbox decoder ---------------------------------------------------------------

  async function answerCallback(id: string, text?: string): Promise<void> {
    try {
      await bot.api.answerCallbackQuery(id, text ? { text: text.slice(0, 200) } : undefined, deadline(shortCallMs));
    } catch (e) {
      // Too old (an update processed late) or Telegram unreachable: the press is handled anyway.
      logger.debug({ channel: TELEGRAM, err: describe(e, token) }, 'callback query not answered');
    }
  }

  /** Downloads the bytes of a file path, or reports the size when it is over the limit. */
  async function download(filePath: string, expectedBytes: number): Promise<{ bytes: Uint8Array } | { tooLarge: number }> {
    const url = `${apiRoot}/file/bot${token}/${filePath.split('/').map(encodeURIComponent).join('/')}`;
    let res: Response;
    try {
      res = await fetch(url, { signal: AbortSignal.timeout(downloadTimeoutMs(expectedBytes)) });
    } catch (e) {
      // fetch's error may carry the URL, hence the token: only its name leaves.
      throw new TelegramError(`file download failed (${e instanceof Error ? e.name : 'network'})`);
    }
    if (!res.ok || !res.body) {
      await res.body?.cancel().catch(() => {});
      throw new TelegramError(`file download failed (HTTP ${res.status})`);
    }
    const declared = Number(res.headers.get('content-length') ?? Number.NaN);
    if (declared > maxBytes) {
      await res.body.cancel().catch(() => {});
      return { tooLarge: declared };
    }
    const parts: Uint8Array[] = [];
    let total = 0;
    const reader = res.body.getReader();
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        total += value.byteLength;
        if (total > maxBytes) {
          await reader.cancel().catch(() => {});
          return { tooLarge: total };
        }
        parts.push(value);
      }
    } catch (e) {
      throw new TelegramError(`file download failed (${e instanceof Error ? e.name : 'network'})`);
    }
    return { bytes: Buffer.concat(parts, total) };
  }

  /**
   * Fetches a photo or document into the attachment store. Files of a type or size the service
   * does not take are not downloaded: the attachment goes on with its type and size, and the
   * dialogue's validator refuses it politely. A failure to download throws, so the inbox retries.
   */
  async function fetchFile(f: TelegramFileRef): Promise<{ storageKey?: string; size?: number }> {
    const mime = f.mimeType?.toLowerCase();
    if (!mime || !ACCEPTED_MIME.has(mime)) return {};
    if (f.size !== undefined && f.size > maxBytes) return {};
    let path: string | undefined;
    let size: number | undefined;
    try {
      const file = await bot.api.getFile(f.fileId, deadline(shortCallMs));
      path = file.file_path;
      size = file.file_size;
    } catch (e) {
      // 400: Telegram will not serve it (e.g. over its own 20 MB limit); retrying will not help.
      if (e instanceof GrammyError && e.error_code === 400) return {};
      throw new TelegramError(`getFile failed (${describe(e, token)})`);
    }
    if (!path) return {};
    if (size !== undefined && size > maxBytes) return { size };
    const got = await download(path, size ?? f.size ?? maxBytes);
    if ('tooLarge' in got) return { size: got.tooLarge };
    const storageKey = await deps.attachments.save(got.bytes, mime);
    return { storageKey, size: got.bytes.byteLength };
  }

  /** Turns a stored update back into messages for the engine (the inbox calls it in chat order). */
  async function decode(payload: unknown): Promise<InboundMessage[]> {
    if (!isUpdate(payload)) return [];
    const staff = staffChats.size ? mapStaffUpdate(payload, staffChats) : null;
    if (staff) {
      await staffGroup(staff.chatId, staff.action);
      return [];
    }
    let mapped: ReturnType<typeof mapUpdate>;
    try {
      mapped = mapUpdate(payload, deps.clock());
    } catch {
      // A shape the mapper cannot read will not read better later: ignored, not retried.
      logger.warn({ channel: TELEGRAM, update: payload.update_id }, 'malformed update ignored');
      return [];
    }
    if (mapped.callbackQueryId) await answerCallback(mapped.callbackQueryId);
    const msg = mapped.messages[0];
    if (msg && mapped.file && msg.input.kind === 'attachment') {
      const got = await fetchFile(mapped.file);
      msg.input = { ...msg.input, attachment: { ...msg.input.attachment, ...got } };
    }
    return mapped.messages;
  }

  deps.inbox.register(TELEGRAM, decode);

  /** Stores an update in the inbox; updates the bot ignores are not stored. */
  async function intake(update: Update): Promise<'stored' | 'duplicate' | 'ignored'> {
    if (!isRelevant(update, staffChats)) return 'ignored';
    return deps.inbox.accept(TELEGRAM, String(update.update_id), chatKeyOf(update) ?? `${TELEGRAM}:-`, update);
  }

  // ---- webhook mode ------------------------------------------------------------------------------

  function webhookRouter(secret: string): Router {
    const expected = digest(secret);
    const router = express.Router();
    router.post(
      '/telegram/webhook',
      (req, res, next) => {
        const given = req.get('X-Telegram-Bot-Api-Secret-Token');
        if (given === undefined || !timingSafeEqual(digest(given), expected)) {
          res.status(401).json({ error: 'invalid or missing X-Telegram-Bot-Api-Secret-Token' });
          return;
        }
        next();
      },
      express.json({ limit: '1mb' }),
      async (req, res) => {
        const update: unknown = req.body;
        // With the right secret, Telegram sent it: a body we cannot use is acknowledged (Telegram
        // would otherwise resend it for a day) and ignored, with a log line; never a 500.
        if (!isUpdate(update)) {
          logger.warn({ channel: TELEGRAM }, 'malformed update acknowledged and ignored');
          res.sendStatus(200);
          return;
        }
        try {
          // The mapping is pure: a shape it cannot read throws here, before anything is stored.
          isRelevant(update, staffChats);
          chatKeyOf(update);
        } catch {
          logger.warn({ channel: TELEGRAM, update: update.update_id }, 'malformed update acknowledged and ignored');
          res.sendStatus(200);
          return;
        }
        // Stored before the 200: Telegram never needs to resend it; a resend is a duplicate. A
        // database failure is a 500, so Telegram tries again later.
        await intake(update);
        res.sendStatus(200);
      },
    );
    // JSON that does not parse, behind a valid secret: acknowledged and ignored too.
    router.use('/telegram/webhook', (err: { type?: string }, _req: ExpressRequest, res: ExpressResponse, next: NextFunction) => {
      if (err.type !== 'entity.parse.failed') return next(err);
      logger.warn({ channel: TELEGRAM }, 'malformed update acknowledged and ignored');
      res.sendStatus(200);
    });
    return router;
  }

  // ---- polling mode ------------------------------------------------------------------------------

  let stopped = true;
  let runner: RunnerHandle | null = null;
  let loop: Promise<void> | null = null;
  let wake: (() => void) | null = null;
  const pause = (ms: number) =>
    new Promise<void>((resolve) => {
      const t = setTimeout(resolve, ms);
      wake = () => {
        clearTimeout(t);
        resolve();
      };
    });

  if (mode === 'polling') {
    // The updates of one chat enter the inbox in their order; other chats concurrently.
    bot.use(sequentialize((ctx) => chatKeyOf(ctx.update) ?? undefined));
    bot.use(async (ctx) => {
      await intake(ctx.update);
    });
  }

  async function pollLoop(): Promise<void> {
    let delay = 1000;
    while (!stopped) {
      try {
        if (!bot.isInited()) await bot.init();
        // Long polling and a webhook exclude each other.
        await bot.api.deleteWebhook();
        if (stopped) break;
        runner = run(bot, {
          runner: {
            silent: true, // its own logging prints raw errors, which may hold the token
            retryInterval: options.pollRetryMs ?? 2000,
            fetch: { timeout: pollTimeoutSeconds, allowed_updates: ['message', 'callback_query'] },
          },
        });
        delay = 1000;
        await runner.task();
      } catch (e) {
        if (stopped) break;
        const conflict = e instanceof GrammyError && e.error_code === 409;
        setState('down', conflict ? 'another instance is polling' : state.detail);
        logger.error({ channel: TELEGRAM, err: describe(e, token) }, 'telegram polling stopped, restarting');
      }
      runner = null;
      if (!stopped) await pause(delay);
      delay = Math.min(delay * 2, 60_000);
    }
  }

  return {
    name: TELEGRAM,
    sender,
    ...(mode === 'webhook' && tg.webhookSecret ? { router: webhookRouter(tg.webhookSecret) } : {}),
    sendStaff,
    async start() {
      stopped = false;
      if (mode === 'polling') loop = pollLoop();
      else {
        setState('up');
        // Checks the token early; the outcome shows in health().
        void bot
          .init()
          .catch((e: unknown) => logger.error({ channel: TELEGRAM, err: describe(e, token) }, 'telegram getMe failed'));
      }
    },
    async stop() {
      stopped = true;
      wake?.();
      await runner?.stop();
      await loop;
      loop = null;
    },
    health() {
      return state;
    },
  };
}
