/**
 * Pure translation between whatsapp-web.js messages and our channel-free messages. Only 1:1 chats
 * reach the engine: group messages, status updates, channel posts and the phone's own messages are
 * ignored. Choices go out as a numbered list ("1. …"), answered with 1 or ١ or the option's words.
 */
import type { InboundMessage, OutboundMessage, UserInput } from '../../engine/messages.js';

/** The fields of a whatsapp-web.js `Message` this channel reads (the library's class has them all). */
export interface WaWebMessage {
  id: { _serialized: string };
  from: string;
  fromMe: boolean;
  isStatus?: boolean;
  type: string;
  /** Text, or the caption of a photo or document. */
  body: string;
  /** Unix seconds. */
  timestamp: number;
  hasMedia: boolean;
  location?: { latitude: number | string; longitude: number | string } | null;
  vCards?: string[];
  downloadMedia(): Promise<WaWebMedia | undefined | null>;
}

/** What `Message.downloadMedia()` resolves with (the library's `MessageMedia`). */
export interface WaWebMedia {
  mimetype: string;
  /** Base64. */
  data: string;
  filename?: string | null;
  filesize?: number | null;
}

/** Message types that carry nothing for the dialogue (notices, reactions, deleted messages...). */
const IGNORED_TYPES = new Set([
  'e2e_notification',
  'notification',
  'notification_template',
  'gp2',
  'group_notification',
  'broadcast_notification',
  'call_log',
  'protocol',
  'revoked',
  'reaction',
  'ciphertext',
  'debug',
]);

/** True for a message the bot must not answer: a group, a status or channel post, or the phone's own. */
export function isIgnored(m: Pick<WaWebMessage, 'from' | 'fromMe' | 'isStatus' | 'type'>): boolean {
  if (m.fromMe || m.isStatus) return true;
  const from = m.from ?? '';
  if (from.endsWith('@g.us') || from.endsWith('@broadcast') || from.endsWith('@newsletter')) return true;
  return IGNORED_TYPES.has(m.type);
}

/** Media of a message to download before the engine sees it. */
export interface WebPendingMedia {
  kind: 'image' | 'document';
}

/** An inbound message, and whether its photo or document still has to be downloaded. */
export interface WebMappedInbound {
  message: InboundMessage;
  media?: WebPendingMedia;
}

/** Reads the first phone number of a vCard ("TEL;waid=9665...:+966 5..."). */
export function phoneOfVCard(vcard: string): string | null {
  const line = vcard.split(/\r?\n/).find((l) => /^(item\d+\.)?TEL/i.test(l));
  if (!line) return null;
  const waid = /waid=(\d+)/i.exec(line)?.[1];
  if (waid) return waid;
  const value = line.slice(line.indexOf(':') + 1).trim();
  return value || null;
}

/**
 * Maps a whatsapp-web.js message to an {@link InboundMessage}; null when it is ignored. The user id
 * is the chat id (`9665...@c.us` or `...@lid`), which is also where replies go.
 */
export function toInbound(m: WaWebMessage, now: Date): WebMappedInbound | null {
  if (isIgnored(m)) return null;
  const at = Number.isFinite(m.timestamp) && m.timestamp > 0 ? new Date(m.timestamp * 1000) : now;
  const message = (input: UserInput): InboundMessage => ({
    channel: 'whatsapp_web',
    userId: m.from,
    messageId: m.id._serialized,
    at,
    input,
  });
  const caption = m.body ? { caption: m.body } : {};
  switch (m.type) {
    case 'chat':
      return { message: message({ kind: 'text', text: m.body }) };
    case 'image':
    case 'document':
      return { message: message({ kind: 'attachment', attachment: { kind: m.type }, ...caption }), media: { kind: m.type } };
    case 'audio':
    case 'ptt':
      return { message: message({ kind: 'attachment', attachment: { kind: 'audio' } }) };
    case 'video':
    case 'sticker':
      return { message: message({ kind: 'attachment', attachment: { kind: m.type } }) };
    case 'location': {
      const lat = Number(m.location?.latitude);
      const lng = Number(m.location?.longitude);
      if (!Number.isFinite(lat) || !Number.isFinite(lng)) return null;
      return { message: message({ kind: 'location', latitude: lat, longitude: lng }) };
    }
    case 'vcard':
    case 'multi_vcard': {
      const phone = m.vCards?.map(phoneOfVCard).find((p) => p !== null);
      return phone ? { message: message({ kind: 'contact', phone }) } : null;
    }
    default:
      // Polls, products, view-once and future kinds: the dialogue says it cannot read them.
      return { message: message({ kind: 'attachment', attachment: { kind: 'other' } }) };
  }
}

/** Largest text of one WhatsApp message we send in one piece. */
export const MAX_TEXT = 4096;

/**
 * Renders a message as the texts to send: the choices as a numbered list with ASCII digits (the
 * engine maps a typed "2", "٢" or the option's words back to its id), split if very long.
 */
export function renderOutbound(m: OutboundMessage): string[] {
  const choices = m.choices ?? [];
  const lines = choices.map((c, i) => `${i + 1}. ${c.label}`);
  const text = lines.length ? (m.text ? `${m.text}\n\n${lines.join('\n')}` : lines.join('\n')) : m.text;
  const out: string[] = [];
  let rest = text;
  while (rest.length > MAX_TEXT) {
    let cut = rest.lastIndexOf('\n', MAX_TEXT);
    if (cut < MAX_TEXT / 2) cut = MAX_TEXT;
    // Never split a surrogate pair (emoji).
    const code = rest.charCodeAt(cut - 1);
    if (code >= 0xd800 && code <= 0xdbff) cut--;
    out.push(rest.slice(0, cut).trimEnd());
    rest = rest.slice(cut).trimStart();
  }
  out.push(rest);
  return out;
}
