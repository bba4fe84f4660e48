/**
 * Pure translation between the WhatsApp Cloud API and our channel-free messages: webhook payloads
 * → {@link InboundMessage}s (plus the media still to download), and {@link OutboundMessage}s →
 * Graph API message payloads (reply buttons, list messages, numbered text, templates). No I/O here.
 */
import { z } from 'zod';
import type { InboundMessage, OutboundMessage, UserInput } from '../../engine/messages.js';

// ---------------------------------------------------------------------------------------------
// Inbound: the webhook

const media = z.object({
  id: z.string().min(1).max(256),
  mime_type: z.string().max(200).optional(),
  caption: z.string().max(4096).optional(),
  filename: z.string().max(500).optional(),
});

/** One inbound message of a webhook, as we keep it (unknown fields dropped). */
export const cloudMessageSchema = z.object({
  from: z.string().min(1).max(64),
  id: z.string().min(1).max(256),
  timestamp: z
    .string()
    .regex(/^\d{1,12}$/)
    .optional(),
  type: z.string().max(64),
  text: z.object({ body: z.string() }).optional(),
  interactive: z
    .object({
      type: z.string(),
      button_reply: z.object({ id: z.string().min(1), title: z.string().optional() }).optional(),
      list_reply: z.object({ id: z.string().min(1), title: z.string().optional() }).optional(),
    })
    .optional(),
  /** A tap on a template's quick-reply button. */
  button: z.object({ payload: z.string().optional(), text: z.string().optional() }).optional(),
  image: media.optional(),
  document: media.optional(),
  audio: media.optional(),
  video: media.optional(),
  sticker: media.optional(),
  location: z.object({ latitude: z.number(), longitude: z.number() }).optional(),
  contacts: z
    .array(z.object({ phones: z.array(z.object({ phone: z.string().optional(), wa_id: z.string().optional() })).optional() }))
    .optional(),
});

/** One inbound message of a webhook. */
export type CloudMessage = z.infer<typeof cloudMessageSchema>;

/** A delivery report of a message we sent. */
export const cloudStatusSchema = z.object({
  id: z.string().min(1).max(256),
  status: z.string(),
  recipient_id: z.string().optional(),
  errors: z.array(z.object({ code: z.number().optional() })).optional(),
});

/** A delivery report of a message we sent. */
export type CloudStatus = z.infer<typeof cloudStatusSchema>;

const webhookSchema = z.object({
  object: z.string().optional(),
  entry: z
    .array(
      z.object({
        changes: z
          .array(
            z.object({
              field: z.string().optional(),
              value: z
                .object({
                  metadata: z.object({ phone_number_id: z.string() }).optional(),
                  messages: z.array(z.unknown()).optional(),
                  statuses: z.array(z.unknown()).optional(),
                })
                .optional(),
            }),
          )
          .optional(),
      }),
    )
    .optional(),
});

/** What a webhook delivery carries for one business phone number. */
export interface ParsedWebhook {
  messages: CloudMessage[];
  statuses: CloudStatus[];
  /** Items that did not have the documented shape (counted, not stored). */
  malformed: number;
}

/**
 * Reads a webhook body: the messages and statuses addressed to `phoneNumberId` (deliveries for
 * other numbers of the same WhatsApp Business Account are left alone).
 */
export function parseWebhook(body: unknown, phoneNumberId: string): ParsedWebhook {
  const out: ParsedWebhook = { messages: [], statuses: [], malformed: 0 };
  const parsed = webhookSchema.safeParse(body);
  if (!parsed.success) {
    out.malformed++;
    return out;
  }
  for (const entry of parsed.data.entry ?? [])
    for (const change of entry.changes ?? []) {
      const value = change.value;
      if (!value || (change.field !== undefined && change.field !== 'messages')) continue;
      if (value.metadata && value.metadata.phone_number_id !== phoneNumberId) continue;
      for (const m of value.messages ?? []) {
        const r = cloudMessageSchema.safeParse(m);
        if (r.success) out.messages.push(r.data);
        else out.malformed++;
      }
      for (const s of value.statuses ?? []) {
        const r = cloudStatusSchema.safeParse(s);
        if (r.success) out.statuses.push(r.data);
        else out.malformed++;
      }
    }
  return out;
}

/** Media of an inbound message that must be fetched from the Graph API before the engine sees it. */
export interface PendingMedia {
  id: string;
  kind: 'image' | 'document';
  mimeType?: string;
}

/** An inbound message, and the media to download for it, if any. */
export interface MappedInbound {
  message: InboundMessage;
  media?: PendingMedia;
}

/** Message types that carry nothing for the dialogue (a reaction, a system notice, the chat being opened). */
const IGNORED_TYPES = new Set(['reaction', 'system', 'request_welcome', 'ephemeral', 'order']);

/**
 * Maps one webhook message to an {@link InboundMessage}; null for kinds the bot ignores. Button and
 * list replies become `{ kind: 'choice', id }`; photos and documents become attachments whose
 * file is still to be downloaded (`media`). `now` dates a message that carries no timestamp.
 */
export function toInbound(m: CloudMessage, now: Date): MappedInbound | null {
  const at = m.timestamp ? new Date(Number(m.timestamp) * 1000) : now;
  const base = { channel: 'whatsapp_cloud' as const, userId: m.from, messageId: m.id, at };
  const message = (input: UserInput): InboundMessage => ({ ...base, input });
  switch (m.type) {
    case 'text':
      return m.text ? { message: message({ kind: 'text', text: m.text.body }) } : null;
    case 'interactive': {
      const reply = m.interactive?.button_reply ?? m.interactive?.list_reply;
      if (!reply) return { message: message({ kind: 'attachment', attachment: { kind: 'other' } }) };
      return { message: message({ kind: 'choice', id: reply.id, ...(reply.title ? { text: reply.title } : {}) }) };
    }
    case 'button': {
      // A template's quick reply: its words are what the person "said".
      const text = m.button?.text ?? m.button?.payload;
      return text ? { message: message({ kind: 'text', text }) } : null;
    }
    case 'image':
    case 'document': {
      const file = m.type === 'image' ? m.image : m.document;
      if (!file) return null;
      const attachment = {
        kind: m.type,
        ...(file.mime_type ? { mimeType: file.mime_type } : {}),
        ...(file.filename ? { fileName: file.filename } : {}),
      };
      return {
        message: message({ kind: 'attachment', attachment, ...(file.caption ? { caption: file.caption } : {}) }),
        media: { id: file.id, kind: m.type, ...(file.mime_type ? { mimeType: file.mime_type } : {}) },
      };
    }
    case 'audio':
    case 'video':
    case 'sticker': {
      // Not accepted as documents: the dialogue answers politely; nothing is downloaded.
      const file = m[m.type];
      return {
        message: message({
          kind: 'attachment',
          attachment: { kind: m.type, ...(file?.mime_type ? { mimeType: file.mime_type } : {}) },
        }),
      };
    }
    case 'location':
      return m.location
        ? { message: message({ kind: 'location', latitude: m.location.latitude, longitude: m.location.longitude }) }
        : null;
    case 'contacts': {
      const phone = m.contacts?.[0]?.phones?.[0];
      const number = phone?.wa_id ?? phone?.phone;
      return number ? { message: message({ kind: 'contact', phone: number }) } : null;
    }
    default:
      if (IGNORED_TYPES.has(m.type)) return null;
      // 'unsupported', 'unknown' and future kinds: the dialogue says it cannot read them.
      return { message: message({ kind: 'attachment', attachment: { kind: 'other' } }) };
  }
}

// ---------------------------------------------------------------------------------------------
// Outbound: Graph API payloads

/** WhatsApp's limits for interactive messages. */
export const LIMITS = {
  textBody: 4096,
  interactiveBody: 1024,
  buttons: 3,
  buttonTitle: 20,
  buttonId: 256,
  rows: 10,
  rowTitle: 24,
  rowDescription: 72,
  rowId: 200,
  listButton: 20,
  templateParam: 1024,
} as const;

/** A message payload for `POST /{phone-number-id}/messages`. */
export type CloudPayload = {
  messaging_product: 'whatsapp';
  recipient_type: 'individual';
  to: string;
} & (
  | { type: 'text'; text: { body: string; preview_url: false } }
  | {
      type: 'interactive';
      interactive:
        | {
            type: 'button';
            body: { text: string };
            action: { buttons: { type: 'reply'; reply: { id: string; title: string } }[] };
          }
        | {
            type: 'list';
            body: { text: string };
            action: { button: string; sections: { rows: { id: string; title: string; description?: string }[] }[] };
          };
    }
  | {
      type: 'template';
      template: {
        name: string;
        language: { code: string };
        components: { type: 'body'; parameters: { type: 'text'; text: string }[] }[];
      };
    }
);

/** An approved message template (name and language as registered with Meta). */
export interface CloudTemplate {
  name: string;
  language: string;
}

/** Cuts a string to `max` characters (not splitting a surrogate pair), ending with "…" when cut. */
export function truncate(s: string, max: number): string {
  const chars = Array.from(s.trim());
  if (chars.length <= max) return chars.join('');
  return `${chars
    .slice(0, max - 1)
    .join('')
    .trimEnd()}…`;
}

function length(s: string): number {
  return Array.from(s).length;
}

/** Splits a text into pieces of at most `max` characters, preferring paragraph and line breaks. */
export function chunkText(text: string, max: number): string[] {
  const out: string[] = [];
  let rest = text;
  while (length(rest) > max) {
    const head = Array.from(rest).slice(0, max).join('');
    let cut = head.lastIndexOf('\n\n');
    if (cut < max / 2) cut = head.lastIndexOf('\n');
    if (cut < max / 2) cut = head.lastIndexOf(' ');
    if (cut <= 0) cut = head.length;
    out.push(rest.slice(0, cut).trimEnd());
    rest = rest.slice(cut).trimStart();
  }
  if (rest.length > 0 || out.length === 0) out.push(rest);
  return out;
}

/**
 * Splits a text that goes with buttons or a list: the interactive body may hold 1024 characters,
 * so a longer text is sent first as plain text, and the last paragraph (the question) stays with
 * the choices.
 */
export function splitForInteractive(text: string): { lead: string[]; body: string } {
  if (length(text) <= LIMITS.interactiveBody) return { lead: [], body: text || '…' };
  const paragraphs = text.split(/\n{2,}/);
  let body = '';
  while (paragraphs.length > 1) {
    const last = paragraphs[paragraphs.length - 1] ?? '';
    const candidate = body ? `${last}\n\n${body}` : last;
    if (length(candidate) > LIMITS.interactiveBody) break;
    body = candidate;
    paragraphs.pop();
  }
  if (!body) {
    const pieces = chunkText(text, LIMITS.interactiveBody);
    return { lead: pieces.slice(0, -1), body: pieces[pieces.length - 1] ?? '…' };
  }
  return { lead: chunkText(paragraphs.join('\n\n'), LIMITS.textBody), body };
}

/** Text with the choices as a numbered list ("1. …"); the engine maps a typed "2" or "٢" back. */
export function numberedText(text: string, choices: { label: string }[]): string {
  const lines = choices.map((c, i) => `${i + 1}. ${c.label}`);
  return text ? `${text}\n\n${lines.join('\n')}` : lines.join('\n');
}

/** Makes titles unique once cut to `max`: numbers them when two would read the same. */
function titles(labels: string[], max: number): string[] {
  const cut = labels.map((l) => truncate(l, max) || '…');
  if (new Set(cut).size === cut.length) return cut;
  return labels.map((l, i) => truncate(`${i + 1}. ${l}`, max));
}

/**
 * Renders a message as Graph API payloads, in sending order. Up to 3 choices whose labels fit →
 * reply buttons; up to 10 → a list (a long label is cut in the row title and given whole, up to
 * 72 characters, in the row description; the ids are kept as they are); more → numbered text.
 * `listButton` is the list's button text in the person's language.
 */
export function renderOutbound(to: string, m: OutboundMessage, listButton: string): CloudPayload[] {
  const head = { messaging_product: 'whatsapp' as const, recipient_type: 'individual' as const, to };
  const text = (body: string): CloudPayload => ({ ...head, type: 'text', text: { body, preview_url: false } });
  const choices = m.choices ?? [];
  const fitsButtons =
    choices.length > 0 &&
    choices.length <= LIMITS.buttons &&
    choices.every((c) => length(c.label.trim()) <= LIMITS.buttonTitle && c.id.length <= LIMITS.buttonId);
  const fitsList = choices.length > 0 && choices.length <= LIMITS.rows && choices.every((c) => c.id.length <= LIMITS.rowId);
  if (fitsButtons || fitsList) {
    const { lead, body } = splitForInteractive(m.text);
    const leading = lead.map(text);
    if (fitsButtons) {
      const t = titles(
        choices.map((c) => c.label),
        LIMITS.buttonTitle,
      );
      const buttons = choices.map((c, i) => ({ type: 'reply' as const, reply: { id: c.id, title: t[i] ?? '…' } }));
      return [
        ...leading,
        { ...head, type: 'interactive', interactive: { type: 'button', body: { text: body }, action: { buttons } } },
      ];
    }
    const t = titles(
      choices.map((c) => c.label),
      LIMITS.rowTitle,
    );
    const rows = choices.map((c, i) => {
      const title = t[i] ?? '…';
      const whole = c.label.trim();
      // The description repeats a label that the title had to cut.
      return title === whole ? { id: c.id, title } : { id: c.id, title, description: truncate(whole, LIMITS.rowDescription) };
    });
    const button = truncate(listButton, LIMITS.listButton) || '☰';
    return [
      ...leading,
      {
        ...head,
        type: 'interactive',
        interactive: { type: 'list', body: { text: body }, action: { button, sections: [{ rows }] } },
      },
    ];
  }
  const full = choices.length > 0 ? numberedText(m.text, choices) : m.text;
  return chunkText(full, LIMITS.textBody).map(text);
}

/**
 * A template message carrying the text as its one body parameter (outside the 24-hour window).
 * Template parameters may not hold line breaks, tabs or more than four spaces in a row, so the
 * text is flattened; choices are appended as "1) … 2) …" so that a typed number still answers.
 */
export function templatePayload(to: string, m: OutboundMessage, template: CloudTemplate): CloudPayload {
  const choices = m.choices ?? [];
  const withChoices = choices.length ? `${m.text} ${choices.map((c, i) => `${i + 1}) ${c.label}`).join(' ')}` : m.text;
  const flat = withChoices
    .replace(/\s*\n+\s*/g, ' — ')
    .replace(/\s+/g, ' ')
    .trim();
  return {
    messaging_product: 'whatsapp',
    recipient_type: 'individual',
    to,
    type: 'template',
    template: {
      name: template.name,
      language: { code: template.language },
      components: [{ type: 'body', parameters: [{ type: 'text', text: truncate(flat, LIMITS.templateParam) || '…' }] }],
    },
  };
}
