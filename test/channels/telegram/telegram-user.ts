/**
 * Real Telegram update payloads as a person's client causes them (text, contact, photo, document,
 * sticker, voice, edited message, button presses, a channel post), for the tests that drive the
 * bot through a fake Bot API.
 */
import type { FakeBotApi, SentMessage } from './fake-bot-api.js';

let nextUpdateId = 731_000_000;

/** A fresh update id (for re-delivering a message inside another update). */
export function newUpdateId(): number {
  return ++nextUpdateId;
}

/** The callback data of the inline buttons of a message the bot sent. */
export function buttons(m: SentMessage | undefined): string[] {
  return m?.reply_markup?.inline_keyboard?.flat().map((b) => b.callback_data) ?? [];
}

/** A person in a private chat with the bot, building the updates their client would cause. */
export class TelegramUser {
  private messageId = 0;
  constructor(
    private readonly api: FakeBotApi,
    readonly id: number,
    private readonly languageCode = 'ar',
  ) {}

  get from() {
    return { id: this.id, is_bot: false, first_name: 'محمد', last_name: 'العتيبي', language_code: this.languageCode };
  }

  get chat() {
    return { id: this.id, first_name: 'محمد', last_name: 'العتيبي', type: 'private' as const };
  }

  private message(content: object) {
    return {
      update_id: ++nextUpdateId,
      message: {
        message_id: ++this.messageId,
        from: this.from,
        chat: this.chat,
        date: Math.floor(Date.now() / 1000),
        ...content,
      },
    };
  }

  text(text: string) {
    return this.message({ text });
  }

  contact(phone: string) {
    return this.message({ contact: { phone_number: phone, first_name: 'محمد', user_id: this.id } });
  }

  photo(fileId: string, size: number) {
    return this.message({
      photo: [
        { file_id: `${fileId}-s`, file_unique_id: `${fileId}s`, file_size: 1200, width: 90, height: 120 },
        { file_id: fileId, file_unique_id: `${fileId}x`, file_size: size, width: 960, height: 1280 },
      ],
    });
  }

  document(fileId: string, fileName: string, mimeType: string, size: number) {
    return this.message({
      document: { file_id: fileId, file_unique_id: `${fileId}u`, file_name: fileName, mime_type: mimeType, file_size: size },
    });
  }

  sticker() {
    return this.message({
      sticker: {
        file_id: 'CAACAgIAAxkBAAIBRmdsticker',
        file_unique_id: 'AgADsticker',
        type: 'regular',
        width: 512,
        height: 512,
        is_animated: true,
        is_video: false,
        emoji: '👍',
        set_name: 'HotCherry',
        file_size: 27334,
      },
    });
  }

  voice() {
    return this.message({
      voice: {
        file_id: 'AwACAgQAAxkBAAIBR2dvoice',
        file_unique_id: 'AgADvoice',
        duration: 3,
        mime_type: 'audio/ogg',
        file_size: 9120,
      },
    });
  }

  edited(text: string) {
    return {
      update_id: ++nextUpdateId,
      edited_message: {
        message_id: this.messageId,
        from: this.from,
        chat: this.chat,
        date: Math.floor(Date.now() / 1000) - 5,
        edit_date: Math.floor(Date.now() / 1000),
        text,
      },
    };
  }

  /** Presses the button `data` on the latest bot message that shows it (as the client would). */
  press(data: string) {
    const message = [...this.api.sent(this.id)].reverse().find((m) => buttons(m).includes(data));
    if (!message) throw new Error(`no message of the bot shows the button ${data}`);
    return {
      update_id: ++nextUpdateId,
      callback_query: { id: `${this.id}${nextUpdateId}`, from: this.from, message, chat_instance: '-4387421099334722113', data },
    };
  }
}

/** A post in a channel the bot is a member of (the bot ignores it). */
export function channelPost() {
  const chat = { id: -1001987654321, title: 'أخبار الجمعية', type: 'channel' };
  return {
    update_id: ++nextUpdateId,
    channel_post: { message_id: 77, sender_chat: chat, chat, date: Math.floor(Date.now() / 1000), text: 'إعلان' },
  };
}
