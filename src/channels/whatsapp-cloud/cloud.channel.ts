/**
 * The WhatsApp Cloud API channel (Meta's official business platform): the webhook routes
 * (`GET /whatsapp/webhook` verification, `POST /whatsapp/webhook` deliveries checked against
 * `X-Hub-Signature-256` on the raw body), the inbox decoder that downloads media from the Graph API,
 * delivery reports recorded against the outbox, and the sender that respects the 24-hour
 * customer-service window (a template outside it).
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import express from 'express';
import { ACCEPTED_MIME, MAX_ATTACHMENT_BYTES } from '../../attachments/attachment-store.js';
import type { InboundMessage, OutboundMessage } from '../../engine/messages.js';
import { Translator } from '../../i18n.js';
import { type ChannelSender, SendError } from '../channel.js';
import type { ChannelDeps, ChannelModule } from '../module.js';
import { classifyGraphError, GraphClient, GraphError, MediaError, REENGAGEMENT } from './cloud.graph.js';
import {
  cloudMessageSchema,
  type MappedInbound,
  parseWebhook,
  renderOutbound,
  templatePayload,
  toInbound,
} from './cloud.mapper.js';
import { createStatusRecorder } from './cloud.status.js';

const CHANNEL = 'whatsapp_cloud';

/** The customer-service window: free-form messages within 24 hours of the person's last message. */
export const SERVICE_WINDOW_MS = 24 * 3_600_000;
/** Sent as a template a little before the window closes, so that a queued message is not refused. */
const WINDOW_MARGIN_MS = 2 * 60_000;

/** An outbox payload for this channel: `viaTemplate` forces the approved template (set after a 131047). */
export type CloudOutbound = OutboundMessage & { viaTemplate?: boolean };

/** Options of {@link createWhatsappCloudChannel}. */
export interface WhatsappCloudOptions {
  /** Renders the channel's own words (the list button); the app's translator when given. */
  translator?: Translator;
  /** Largest inbound file kept (default: the attachment store's limit, 10 MB). */
  maxMediaBytes?: number;
}

/** Checks `X-Hub-Signature-256: sha256=<hex HMAC-SHA256(appSecret, raw body)>` in constant time. */
export function verifySignature(raw: Buffer, header: string | undefined, appSecret: string): boolean {
  if (!header) return false;
  const m = /^sha256=([0-9a-fA-F]{64})$/.exec(header.trim());
  if (!m?.[1]) return false;
  const given = Buffer.from(m[1], 'hex');
  const expected = createHmac('sha256', appSecret).update(raw).digest();
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** Compares two secrets in constant time (whatever their lengths). */
function sameSecret(a: string, b: string): boolean {
  const h = (s: string) => createHash('sha256').update(s).digest();
  return timingSafeEqual(h(a), h(b));
}

/** Builds the WhatsApp Cloud API channel. Throws when `config.whatsappCloud` is not set. */
export function createWhatsappCloudChannel(deps: ChannelDeps, options: WhatsappCloudOptions = {}): ChannelModule {
  const cfg = deps.config.whatsappCloud;
  if (!cfg) throw new Error('WhatsApp Cloud API is not configured (WHATSAPP_CLOUD_* variables)');
  const { logger, clock } = deps;
  const graph = new GraphClient({ apiRoot: cfg.apiRoot, token: cfg.token, phoneNumberId: cfg.phoneNumberId });
  const translator = options.translator ?? new Translator();
  const maxBytes = options.maxMediaBytes ?? MAX_ATTACHMENT_BYTES;
  let state: { state: string; detail?: string } = { state: 'starting' };

  /** Fetches a photo or document from the Graph API into the attachment store. */
  async function withMedia(mapped: MappedInbound): Promise<InboundMessage> {
    const { message, media } = mapped;
    if (!media || message.input.kind !== 'attachment') return message;
    const input = message.input;
    const degraded = (attachment: typeof input.attachment): InboundMessage => ({ ...message, input: { ...input, attachment } });
    try {
      const info = await graph.mediaInfo(media.id);
      const mime = (info.mimeType ?? media.mimeType ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
      // Too large or not a photo/PDF: not downloaded; the dialogue explains the limit with these facts.
      if (info.size !== undefined && info.size > maxBytes) return degraded({ ...input.attachment, size: info.size });
      if (!ACCEPTED_MIME.has(mime)) return degraded({ ...input.attachment, ...(mime ? { mimeType: mime } : {}) });
      const bytes = await graph.download(info.url, maxBytes);
      const storageKey = await deps.attachments.save(bytes, mime);
      return degraded({ ...input.attachment, mimeType: mime, size: bytes.byteLength, storageKey });
    } catch (e) {
      if (e instanceof MediaError && e.permanent) {
        logger.warn({ channel: CHANNEL, reason: e.reason }, 'inbound media refused');
        if (e.reason === 'size') return degraded({ ...input.attachment, size: maxBytes + 1 });
        return degraded({ kind: 'other' });
      }
      throw e; // transient: the inbox tries again
    }
  }

  deps.inbox.register(CHANNEL, async (payload) => {
    const parsed = cloudMessageSchema.safeParse((payload as { message?: unknown } | null)?.message);
    if (!parsed.success) return [];
    const mapped = toInbound(parsed.data, clock());
    return mapped ? [await withMedia(mapped)] : [];
  });

  const statuses = createStatusRecorder({ outbox: deps.outbox, people: deps.people, logger, clock });

  const router = express.Router();
  router.get('/whatsapp/webhook', (req, res) => {
    const q = req.query as Record<string, unknown>;
    const challenge = q['hub.challenge'];
    const token = q['hub.verify_token'];
    if (
      q['hub.mode'] === 'subscribe' &&
      typeof token === 'string' &&
      sameSecret(token, cfg.verifyToken) &&
      typeof challenge === 'string'
    ) {
      res.type('text/plain').send(challenge);
      return;
    }
    res.sendStatus(403);
  });
  router.post('/whatsapp/webhook', express.raw({ type: '*/*', limit: '2mb' }), async (req, res) => {
    const raw = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    if (!verifySignature(raw, req.get('x-hub-signature-256'), cfg.appSecret)) {
      logger.warn({ channel: CHANNEL }, 'webhook signature rejected');
      res.sendStatus(401);
      return;
    }
    let body: unknown;
    try {
      body = JSON.parse(raw.toString('utf8'));
    } catch {
      // Signed by Meta but unreadable: acknowledged (Meta would resend it) and ignored, with a log line.
      logger.warn({ channel: CHANNEL }, 'malformed webhook acknowledged and ignored');
      res.sendStatus(200);
      return;
    }
    const parsed = parseWebhook(body, cfg.phoneNumberId);
    if (parsed.malformed)
      logger.warn({ channel: CHANNEL, items: parsed.malformed }, 'webhook items with an unknown shape skipped');
    // Stored before the 200 (durable); processed by the inbox worker, in order per person.
    for (const m of parsed.messages) await deps.inbox.accept(CHANNEL, m.id, m.from, { message: m });
    for (const s of parsed.statuses)
      await statuses
        .record(s)
        .catch((e: unknown) =>
          logger.error({ channel: CHANNEL, err: e instanceof Error ? e.name : 'unknown' }, 'status not recorded'),
        );
    res.sendStatus(200);
  });

  /** Sends the approved template with the text as its body parameter. */
  async function sendTemplate(recipient: string, message: OutboundMessage): Promise<string> {
    const template = deps.profile.whatsappTemplates?.notification;
    if (!template)
      throw new SendError(
        'outside the 24-hour window and no approved template in the profile (whatsappTemplates.notification)',
        'fatal',
      );
    return graph.send(templatePayload(recipient, message, template));
  }

  const sender: ChannelSender = {
    channel: CHANNEL,
    async send(recipient: string, message: CloudOutbound): Promise<{ platformMessageId?: string }> {
      try {
        const person = await deps.people.contact(CHANNEL, recipient);
        const last = person?.lastInboundAt ?? null;
        const open = last !== null && clock().getTime() - last.getTime() < SERVICE_WINDOW_MS - WINDOW_MARGIN_MS;
        let id = '';
        if (message.viaTemplate || !open) id = await sendTemplate(recipient, message);
        else {
          const lang = person?.language === 'en' ? 'en' : 'ar';
          const payloads = renderOutbound(recipient, message, translator.t('whatsapp:cloud.listButton', lang));
          try {
            for (const p of payloads) id = await graph.send(p);
          } catch (e) {
            if (!(e instanceof GraphError && e.code === REENGAGEMENT)) throw e;
            id = await sendTemplate(recipient, message);
          }
        }
        state = { state: 'up' };
        return { platformMessageId: id };
      } catch (e) {
        const err = classifyGraphError(e);
        if (e instanceof GraphError && e.code === 190)
          state = { state: 'down', detail: 'access token rejected (Graph API error 190)' };
        throw err;
      }
    },
  };

  return {
    name: CHANNEL,
    sender,
    router,
    async start() {
      if (state.state === 'starting') state = { state: 'up' };
    },
    async stop() {
      statuses.stop();
    },
    health() {
      return state;
    },
  };
}
