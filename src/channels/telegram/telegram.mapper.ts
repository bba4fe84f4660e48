/**
 * Pure translation between Telegram and the engine: a Bot API `Update` becomes our
 * {@link InboundMessage}s, and an {@link OutboundMessage} becomes the parameters of `sendMessage`
 * (text chunks and an inline keyboard). No I/O here: downloads and API calls are the channel's.
 *
 * Identity and de-duplication (two levels):
 * - the inbox stores a delivery under `String(update_id)`, so the same update delivered again
 *   (a webhook retry, a repeated getUpdates batch) is dropped before it is processed;
 * - the engine drops a repeated {@link InboundMessage.messageId}, which names the message itself:
 *   `m<chat_id>:<message_id>` for a message (message ids are unique within a chat) and
 *   `cb<callback_query.id>` for a button press (callback query ids are globally unique). So the same
 *   message reaching us in two different updates is still handled once.
 *
 * Only private chats are beneficiary conversations: messages in groups (the staff group included)
 * and channels, edited messages, channel posts and membership updates map to nothing. The staff
 * group's commands and button presses map separately, to a {@link StaffGroupAction}
 * ({@link mapStaffUpdate}).
 */
import type { CallbackQuery, Message, Update, User } from 'grammy/types';
import type { InboundMessage, OutboundMessage, UserInput } from '../../engine/messages.js';

/** The channel name of Telegram in the outbox and the inbox. */
export const TELEGRAM = 'telegram';

/** Telegram's limit of `callback_data`, in bytes. */
export const CALLBACK_DATA_MAX_BYTES = 64;

/** Telegram's limit of a message text, in UTF-16 code units. */
export const TEXT_MAX_LENGTH = 4096;

/** Longest button label we show, in characters; longer labels end with an ellipsis. */
export const LABEL_MAX_CHARS = 40;

/** Labels up to this many characters share a row of two buttons. */
export const SHORT_LABEL_CHARS = 16;

/** A file to fetch with getFile before the message goes to the engine. */
export interface TelegramFileRef {
  fileId: string;
  /** Size Telegram reported, when it did. */
  size?: number;
  /** MIME type (photos are always JPEG). */
  mimeType?: string;
}

/** What one update means to the bot. */
export interface MappedUpdate {
  /** Messages for the engine (none for what the bot ignores). */
  messages: InboundMessage[];
  /** The callback query to answer, for any button press (also one the bot then ignores). */
  callbackQueryId?: string;
  /** The photo or document of the message, to download into the attachment store. */
  file?: TelegramFileRef;
}

/** Bot commands, translated into the words the engine already knows in every dialogue. */
const COMMANDS: Record<string, string> = {
  start: 'القائمة',
  menu: 'القائمة',
  cancel: 'إلغاء',
  agent: 'موظف',
  human: 'موظف',
  language: 'language',
};

/** True when a value looks like a Bot API update (the webhook body, a stored inbox row). */
export function isUpdate(value: unknown): value is Update {
  return typeof value === 'object' && value !== null && Number.isSafeInteger((value as { update_id?: unknown }).update_id);
}

/** The chat an update belongs to, as the inbox orders deliveries (`telegram:<chat_id>`); null when none. */
export function chatKeyOf(update: Update): string | null {
  const chat = update.message?.chat ?? update.callback_query?.message?.chat;
  if (chat) return `${TELEGRAM}:${chat.id}`;
  if (update.callback_query) return `${TELEGRAM}:${update.callback_query.from.id}`;
  return null;
}

/**
 * True when the bot acts on the update: a private message, a button press it must answer, or a
 * message in one of the staff chats (`staffChats`: the staff group and officers' chats).
 */
export function isRelevant(update: Update, staffChats: ReadonlySet<string> = NO_CHATS): boolean {
  if (update.callback_query !== undefined) return true;
  const m = update.message;
  if (!m) return false;
  return isPrivateMessage(m) || staffChats.has(String(m.chat.id));
}

const NO_CHATS: ReadonlySet<string> = new Set();

/** Maps an update to its messages; `now` stamps button presses (they carry no date). */
export function toInboundMessages(update: Update, now: Date): InboundMessage[] {
  return mapUpdate(update, now).messages;
}

/** Maps an update to its messages, the callback query to answer and the file to download. */
export function mapUpdate(update: Update, now: Date): MappedUpdate {
  if (update.callback_query) return mapCallback(update.callback_query, now);
  const m = update.message;
  if (!m || !isPrivateMessage(m)) return { messages: [] };
  const content = messageInput(m);
  if (!content) return { messages: [] };
  // A date slightly ahead of our clock would hold the replies back (outbox rows are due at `at`).
  const at = new Date(Math.min(m.date * 1000, now.getTime()));
  const msg: InboundMessage = {
    channel: TELEGRAM,
    userId: String(m.chat.id),
    messageId: `m${m.chat.id}:${m.message_id}`,
    at,
    input: content.input,
    ...languageOf(m.from),
  };
  return { messages: [msg], ...(content.file ? { file: content.file } : {}) };
}

function isPrivateMessage(m: Message): boolean {
  return m.chat.type === 'private' && m.from?.is_bot !== true;
}

/** 'en' for an English Telegram interface, Arabic otherwise (used at first contact only). */
function languageOf(from: User | undefined): Pick<InboundMessage, 'languageHint'> {
  if (!from) return {};
  return { languageHint: from.language_code?.toLowerCase().startsWith('en') ? 'en' : 'ar' };
}

function mapCallback(q: CallbackQuery, now: Date): MappedUpdate {
  const base: MappedUpdate = { messages: [], callbackQueryId: q.id };
  const chat = q.message?.chat;
  // Presses on inline-mode messages (no chat) and in groups are not beneficiary conversations.
  if (chat?.type !== 'private' || typeof q.data !== 'string' || q.data === '') return base;
  const label = q.message?.reply_markup?.inline_keyboard
    .flat()
    .find((b) => 'callback_data' in b && b.callback_data === q.data)?.text;
  const input: UserInput = { kind: 'choice', id: q.data, ...(label ? { text: label } : {}) };
  base.messages.push({
    channel: TELEGRAM,
    userId: String(chat.id),
    messageId: `cb${q.id}`,
    at: now,
    input,
    ...languageOf(q.from),
  });
  return base;
}

function commandText(text: string): string {
  const match = /^\/([A-Za-z_]+)(@\w+)?(\s|$)/.exec(text.trim());
  const word = match?.[1]?.toLowerCase();
  return (word && COMMANDS[word]) ?? text;
}

/** The input of a message, and its file to download; null for what the bot ignores (service messages). */
function messageInput(m: Message): { input: UserInput; file?: TelegramFileRef } | null {
  const caption = m.caption ? { caption: m.caption } : {};
  if (typeof m.text === 'string') return { input: { kind: 'text', text: commandText(m.text) } };
  if (m.contact) return { input: { kind: 'contact', phone: m.contact.phone_number } };
  if (m.location) return { input: { kind: 'location', latitude: m.location.latitude, longitude: m.location.longitude } };
  if (m.photo && m.photo.length > 0) {
    // Telegram sends several sizes of the same photo; the largest is the readable one.
    const largest = m.photo.reduce((a, b) => (area(b) > area(a) ? b : a));
    const size = largest.file_size;
    return {
      input: {
        kind: 'attachment',
        attachment: { kind: 'image', mimeType: 'image/jpeg', ...(size !== undefined ? { size } : {}) },
        ...caption,
      },
      file: { fileId: largest.file_id, mimeType: 'image/jpeg', ...(size !== undefined ? { size } : {}) },
    };
  }
  // An animation (GIF) also carries a `document`; it is a video to us.
  if (m.animation || m.video || m.video_note) return attachmentOnly('video', m.animation ?? m.video ?? m.video_note, caption);
  if (m.voice || m.audio) return attachmentOnly('audio', m.voice ?? m.audio, caption);
  if (m.sticker) return attachmentOnly('sticker', m.sticker, caption);
  if (m.document) {
    const d = m.document;
    const attachment = {
      kind: 'document' as const,
      ...(d.mime_type ? { mimeType: d.mime_type } : {}),
      ...(d.file_size !== undefined ? { size: d.file_size } : {}),
      ...(d.file_name ? { fileName: d.file_name } : {}),
    };
    return {
      input: { kind: 'attachment', attachment, ...caption },
      file: {
        fileId: d.file_id,
        ...(d.mime_type ? { mimeType: d.mime_type } : {}),
        ...(d.file_size !== undefined ? { size: d.file_size } : {}),
      },
    };
  }
  // Content the bot cannot read: answered politely as an unsupported attachment.
  if (m.poll || m.dice || m.game || m.story || m.venue) return attachmentOnly('other', undefined, caption);
  return null;
}

function attachmentOnly(
  kind: 'video' | 'audio' | 'sticker' | 'other',
  file: { mime_type?: string; file_size?: number } | undefined,
  caption: { caption?: string },
): { input: UserInput } {
  return {
    input: {
      kind: 'attachment',
      attachment: {
        kind,
        ...(file?.mime_type ? { mimeType: file.mime_type } : {}),
        ...(file?.file_size !== undefined ? { size: file.file_size } : {}),
      },
      ...caption,
    },
  };
}

function area(p: { width: number; height: number; file_size?: number }): number {
  return p.file_size ?? p.width * p.height;
}

// ---------------------------------------------------------------------------------------------
// The staff group (R3c): claim a handoff, answer the person, hand the conversation back

/** Callback data of the claim button on a handoff alert, followed by the handoff id. */
export const STAFF_CLAIM_PREFIX = 'staff:claim:';

/**
 * What a staff member did in a staff chat. `staff` is their Telegram user id (never a name);
 * `ref` is a handoff id or its 8-character case id, as typed.
 */
export type StaffGroupAction =
  | { kind: 'claim'; ref: string; staff: string; callbackQueryId?: string }
  | { kind: 'reply'; ref: string; text: string; staff: string }
  /** A reply to one of the bot's messages in the staff chat (an alert): the alert names the handoff. */
  | { kind: 'replyTo'; messageId: string; botId: string; text: string; staff: string }
  | { kind: 'done'; ref: string; staff: string }
  | { kind: 'help' }
  /** Staff talking among themselves, another bot, a button the bot does not know. */
  | { kind: 'ignore'; callbackQueryId?: string };

/**
 * Maps an update from a staff chat (the staff group, an officer's chat) to what the staff member
 * did: the claim button (`staff:claim:<handoffId>`), the commands `/claim <case>`,
 * `/reply <case> <text>`, `/done <case>` and `/help`, or a reply to an alert. Null when the
 * update is not from a staff chat (it is then a beneficiary's, or nothing).
 */
export function mapStaffUpdate(
  update: Update,
  staffChats: ReadonlySet<string>,
): { chatId: string; action: StaffGroupAction } | null {
  const q = update.callback_query;
  if (q) {
    const chat = q.message?.chat;
    if (!chat || !staffChats.has(String(chat.id))) return null;
    const data = typeof q.data === 'string' ? q.data : '';
    const ref = data.startsWith(STAFF_CLAIM_PREFIX) ? data.slice(STAFF_CLAIM_PREFIX.length) : '';
    const action: StaffGroupAction =
      ref && !q.from.is_bot
        ? { kind: 'claim', ref, staff: String(q.from.id), callbackQueryId: q.id }
        : { kind: 'ignore', callbackQueryId: q.id };
    return { chatId: String(chat.id), action };
  }
  const m = update.message;
  if (!m || !staffChats.has(String(m.chat.id))) return null;
  const chatId = String(m.chat.id);
  if (!m.from || m.from.is_bot || typeof m.text !== 'string') return { chatId, action: { kind: 'ignore' } };
  const staff = String(m.from.id);
  const command = /^\/([A-Za-z]+)(?:@\w+)?(?:\s+([\s\S]*))?$/.exec(m.text.trim());
  if (command) {
    const name = (command[1] ?? '').toLowerCase();
    const args = (command[2] ?? '').trim();
    const [ref = '', ...rest] = args.split(/\s+/);
    const text = args.slice(ref.length).trim();
    if (name === 'help' || name === 'start' || ref === '') return { chatId, action: { kind: 'help' } };
    if (name === 'claim') return { chatId, action: { kind: 'claim', ref, staff } };
    if (name === 'done') return { chatId, action: { kind: 'done', ref, staff } };
    if (name === 'reply') return { chatId, action: { kind: 'reply', ref, text: rest.length ? text : '', staff } };
    return { chatId, action: { kind: 'help' } };
  }
  const repliedTo = m.reply_to_message;
  if (repliedTo?.from?.is_bot)
    return {
      chatId,
      action: { kind: 'replyTo', messageId: String(repliedTo.message_id), botId: String(repliedTo.from.id), text: m.text, staff },
    };
  return { chatId, action: { kind: 'ignore' } };
}

// ---------------------------------------------------------------------------------------------
// Outbound

/** An inline keyboard button as `sendMessage` takes it. */
export interface CallbackButton {
  text: string;
  callback_data: string;
}

/** A reply keyboard asking for the person's phone number. */
export interface ContactKeyboard {
  keyboard: { text: string; request_contact: true }[][];
  one_time_keyboard: true;
  resize_keyboard: true;
}

/** What `sendMessage` calls one outbound message takes: text chunks, the markup on the last one. */
export interface TelegramOutbound {
  chunks: string[];
  replyMarkup?: { inline_keyboard: CallbackButton[][] } | ContactKeyboard;
}

/**
 * An outbound message with the optional "share my phone number" label. The field is not in
 * {@link OutboundMessage} yet; when the engine renders it for a phone question, Telegram shows the
 * button (see the report of issue 4).
 */
export type OutboundWithContact = OutboundMessage & { requestContact?: string };

/**
 * Renders an outbound message for Telegram: choices as an inline keyboard (callback data = the
 * choice id), short labels two per row and long ones alone, labels truncated; texts longer than
 * Telegram's limit split at line ends. When a choice id does not fit in callback data, the choices
 * become a numbered list in the text instead (the engine maps a typed number to the choice).
 */
export function toTelegramOutbound(message: OutboundWithContact): TelegramOutbound {
  const choices = message.choices ?? [];
  let text = message.text;
  let replyMarkup: TelegramOutbound['replyMarkup'];
  if (choices.length > 0) {
    if (choices.every((c) => c.id !== '' && Buffer.byteLength(c.id, 'utf8') <= CALLBACK_DATA_MAX_BYTES))
      replyMarkup = { inline_keyboard: keyboardRows(choices) };
    else text = `${text}\n\n${choices.map((c, i) => `${i + 1}. ${c.label}`).join('\n')}`;
  } else if (message.requestContact) {
    replyMarkup = {
      keyboard: [[{ text: truncateLabel(message.requestContact), request_contact: true }]],
      one_time_keyboard: true,
      resize_keyboard: true,
    };
  }
  return { chunks: splitText(text), ...(replyMarkup ? { replyMarkup } : {}) };
}

function keyboardRows(choices: { id: string; label: string }[]): CallbackButton[][] {
  const rows: CallbackButton[][] = [];
  const isShort = (c: { label: string }) => [...c.label].length <= SHORT_LABEL_CHARS;
  for (let i = 0; i < choices.length; i++) {
    const c = choices[i];
    const next = choices[i + 1];
    if (!c) continue;
    const button = { text: truncateLabel(c.label), callback_data: c.id };
    if (next && isShort(c) && isShort(next)) {
      rows.push([button, { text: truncateLabel(next.label), callback_data: next.id }]);
      i++;
    } else rows.push([button]);
  }
  return rows;
}

/** A label of at most {@link LABEL_MAX_CHARS} characters (whole code points), never empty. */
export function truncateLabel(label: string): string {
  const chars = [...label.replace(/\s+/g, ' ').trim()];
  if (chars.length === 0) return '•';
  if (chars.length <= LABEL_MAX_CHARS) return chars.join('');
  return `${chars
    .slice(0, LABEL_MAX_CHARS - 1)
    .join('')
    .trimEnd()}…`;
}

/** Splits a text into chunks Telegram accepts, at line ends (or spaces) when it can. */
export function splitText(text: string, max = TEXT_MAX_LENGTH): string[] {
  const body = text.length > 0 ? text : '…';
  const chunks: string[] = [];
  let rest = body;
  while (rest.length > max) {
    let cut = rest.lastIndexOf('\n', max);
    if (cut < max / 2) cut = rest.lastIndexOf(' ', max);
    if (cut < max / 2) cut = max;
    // Never cut a surrogate pair in half.
    const code = rest.charCodeAt(cut - 1);
    if (code >= 0xd800 && code <= 0xdbff) cut--;
    chunks.push(rest.slice(0, cut).trimEnd());
    rest = rest.slice(cut).replace(/^\s+/, '');
  }
  if (rest.length > 0) chunks.push(rest);
  return chunks;
}
