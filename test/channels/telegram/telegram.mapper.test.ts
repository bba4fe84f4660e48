/**
 * The Telegram mapper with real Bot API update payloads (as Telegram sends them to a webhook or in
 * getUpdates): what becomes an engine message, what is ignored, and how outbound messages render.
 */
import type { Update } from 'grammy/types';
import { describe, expect, it } from 'vitest';
import {
  CALLBACK_DATA_MAX_BYTES,
  chatKeyOf,
  isRelevant,
  isUpdate,
  LABEL_MAX_CHARS,
  mapUpdate,
  splitText,
  TEXT_MAX_LENGTH,
  toInboundMessages,
  toTelegramOutbound,
  truncateLabel,
} from '../../../src/channels/telegram/telegram.mapper.js';

const NOW = new Date('2026-11-25T09:00:00.000Z');
const DATE = 1795597190; // 2026-11-25T08:59:50Z, a little before NOW

const from = {
  id: 501234567,
  is_bot: false,
  first_name: 'محمد',
  last_name: 'العتيبي',
  username: 'm_otaibi',
  language_code: 'ar',
};
const chat = { id: 501234567, first_name: 'محمد', last_name: 'العتيبي', username: 'm_otaibi', type: 'private' as const };

/** Real payloads, trimmed of nothing but personal values. */
const samples = {
  text: { update_id: 861234001, message: { message_id: 17, from, chat, date: DATE, text: 'السلام عليكم' } },
  start: {
    update_id: 861234002,
    message: { message_id: 1, from, chat, date: DATE, text: '/start', entities: [{ offset: 0, length: 6, type: 'bot_command' }] },
  },
  callback: {
    update_id: 861234003,
    callback_query: {
      id: '2153297312893476123',
      from,
      message: {
        message_id: 18,
        from: { id: 123456, is_bot: true, first_name: 'بوت الجمعية', username: 'association_test_bot' },
        chat,
        date: DATE,
        text: 'كيف أستطيع مساعدتك؟',
        reply_markup: {
          inline_keyboard: [
            [
              { text: 'استفسار', callback_data: 'inquiry' },
              { text: 'تقديم طلب جديد', callback_data: 'request' },
            ],
          ],
        },
      },
      chat_instance: '-4387421099334722113',
      data: 'request',
    },
  },
  contact: {
    update_id: 861234004,
    message: {
      message_id: 19,
      from,
      chat,
      date: DATE,
      contact: { phone_number: '966501234567', first_name: 'محمد', last_name: 'العتيبي', user_id: 501234567 },
    },
  },
  photo: {
    update_id: 861234005,
    message: {
      message_id: 20,
      from,
      chat,
      date: DATE,
      photo: [
        { file_id: 'AgACAgQAAxkBAAIBQ2_small', file_unique_id: 'AQADs1', file_size: 1361, width: 90, height: 67 },
        { file_id: 'AgACAgQAAxkBAAIBQ2_large', file_unique_id: 'AQADs3', file_size: 184631, width: 1280, height: 960 },
        { file_id: 'AgACAgQAAxkBAAIBQ2_medium', file_unique_id: 'AQADs2', file_size: 22315, width: 320, height: 240 },
      ],
      caption: 'صورة الهوية',
    },
  },
  document: {
    update_id: 861234006,
    message: {
      message_id: 21,
      from,
      chat,
      date: DATE,
      document: {
        file_name: 'تعريف بالراتب.pdf',
        mime_type: 'application/pdf',
        file_id: 'BQACAgQAAxkBAAIBRGdoc',
        file_unique_id: 'AgADdoc',
        file_size: 245120,
      },
    },
  },
  editedMessage: {
    update_id: 861234007,
    edited_message: { message_id: 17, from, chat, date: DATE, edit_date: DATE + 30, text: 'السلام عليكم ورحمة الله' },
  },
  sticker: {
    update_id: 861234008,
    message: {
      message_id: 22,
      from,
      chat,
      date: DATE,
      sticker: {
        width: 512,
        height: 512,
        emoji: '👍',
        set_name: 'HotCherry',
        is_animated: true,
        is_video: false,
        type: 'regular',
        thumbnail: { file_id: 'AAMCAgADGQEAAthumb', file_unique_id: 'AQADthumb', file_size: 4924, width: 128, height: 128 },
        file_id: 'CAACAgIAAxkBAAIBRmdsticker',
        file_unique_id: 'AgADsticker',
        file_size: 27334,
      },
    },
  },
  voice: {
    update_id: 861234009,
    message: {
      message_id: 23,
      from,
      chat,
      date: DATE,
      voice: {
        duration: 4,
        mime_type: 'audio/ogg',
        file_id: 'AwACAgQAAxkBAAIBR2dvoice',
        file_unique_id: 'AgADvoice',
        file_size: 15432,
      },
    },
  },
  channelPost: {
    update_id: 861234010,
    channel_post: {
      message_id: 77,
      sender_chat: { id: -1001987654321, title: 'أخبار الجمعية', type: 'channel' },
      chat: { id: -1001987654321, title: 'أخبار الجمعية', type: 'channel' },
      date: DATE,
      text: 'إعلان: بدء التسجيل في البرنامج التدريبي',
    },
  },
  myChatMember: {
    update_id: 861234011,
    my_chat_member: {
      chat,
      from,
      date: DATE,
      old_chat_member: { user: { id: 123456, is_bot: true, first_name: 'بوت' }, status: 'member' },
      new_chat_member: { user: { id: 123456, is_bot: true, first_name: 'بوت' }, status: 'kicked', until_date: 0 },
    },
  },
  groupText: {
    update_id: 861234012,
    message: {
      message_id: 301,
      from,
      chat: { id: -1001122334455, title: 'فريق الخدمة', type: 'supergroup' },
      date: DATE,
      text: 'تم التواصل مع المستفيد',
    },
  },
  location: {
    update_id: 861234013,
    message: { message_id: 24, from, chat, date: DATE, location: { latitude: 24.713552, longitude: 46.675296 } },
  },
} satisfies Record<string, Update>;

describe('telegram mapper: inbound', () => {
  it('maps a text message, keyed by chat and message id, with the Arabic language hint and Telegram date', () => {
    const [m] = toInboundMessages(samples.text, NOW);
    expect(m).toEqual({
      channel: 'telegram',
      userId: '501234567',
      messageId: 'm501234567:17',
      at: new Date(DATE * 1000),
      input: { kind: 'text', text: 'السلام عليكم' },
      languageHint: 'ar',
    });
  });

  it('gives the same message id when the same message arrives in two different updates', () => {
    const again = { ...samples.text, update_id: samples.text.update_id + 500 };
    expect(toInboundMessages(again, NOW)[0]?.messageId).toBe(toInboundMessages(samples.text, NOW)[0]?.messageId);
  });

  it('takes English from an en-* language_code and Arabic from anything else', () => {
    const en = { ...samples.text, message: { ...samples.text.message, from: { ...from, language_code: 'en-GB' } } };
    const fr = { ...samples.text, message: { ...samples.text.message, from: { ...from, language_code: 'fr' } } };
    const none = { ...samples.text, message: { ...samples.text.message, from: { ...from, language_code: undefined } } };
    expect(toInboundMessages(en, NOW)[0]?.languageHint).toBe('en');
    expect(toInboundMessages(fr, NOW)[0]?.languageHint).toBe('ar');
    expect(toInboundMessages(none, NOW)[0]?.languageHint).toBe('ar');
  });

  it('never dates a message after now (a clock ahead of ours would hold the replies back)', () => {
    const ahead = { ...samples.text, message: { ...samples.text.message, date: DATE + 3600 } };
    expect(toInboundMessages(ahead, NOW)[0]?.at).toEqual(NOW);
  });

  it('turns /start into the menu command the engine knows', () => {
    expect(toInboundMessages(samples.start, NOW)[0]?.input).toEqual({ kind: 'text', text: 'القائمة' });
  });

  it('maps a button press to a choice with its label, keyed by the callback query id, and asks for an answer', () => {
    const mapped = mapUpdate(samples.callback, NOW);
    expect(mapped.callbackQueryId).toBe('2153297312893476123');
    expect(mapped.messages).toEqual([
      {
        channel: 'telegram',
        userId: '501234567',
        messageId: 'cb2153297312893476123',
        at: NOW,
        input: { kind: 'choice', id: 'request', text: 'تقديم طلب جديد' },
        languageHint: 'ar',
      },
    ]);
  });

  it('answers but ignores a button press without data or outside a private chat', () => {
    const noData = { ...samples.callback, callback_query: { ...samples.callback.callback_query, data: undefined } };
    const inline = {
      update_id: 1,
      callback_query: { id: '77', from, inline_message_id: 'BAAAAB', chat_instance: '1', data: 'x' },
    } satisfies Update;
    for (const u of [noData, inline]) {
      const mapped = mapUpdate(u, NOW);
      expect(mapped.messages).toEqual([]);
      expect(mapped.callbackQueryId).toBeDefined();
      expect(isRelevant(u)).toBe(true);
    }
  });

  it('maps a shared contact to a phone', () => {
    expect(toInboundMessages(samples.contact, NOW)[0]?.input).toEqual({ kind: 'contact', phone: '966501234567' });
  });

  it('maps a photo to its largest size as a JPEG attachment to download', () => {
    const mapped = mapUpdate(samples.photo, NOW);
    expect(mapped.messages[0]?.input).toEqual({
      kind: 'attachment',
      attachment: { kind: 'image', mimeType: 'image/jpeg', size: 184631 },
      caption: 'صورة الهوية',
    });
    expect(mapped.file).toEqual({ fileId: 'AgACAgQAAxkBAAIBQ2_large', mimeType: 'image/jpeg', size: 184631 });
  });

  it('maps a document with its type, size and name, to download', () => {
    const mapped = mapUpdate(samples.document, NOW);
    expect(mapped.messages[0]?.input).toEqual({
      kind: 'attachment',
      attachment: { kind: 'document', mimeType: 'application/pdf', size: 245120, fileName: 'تعريف بالراتب.pdf' },
    });
    expect(mapped.file).toEqual({ fileId: 'BQACAgQAAxkBAAIBRGdoc', mimeType: 'application/pdf', size: 245120 });
  });

  it('passes a sticker and a voice note as attachments the dialogue answers politely, without a download', () => {
    const sticker = mapUpdate(samples.sticker, NOW);
    const voice = mapUpdate(samples.voice, NOW);
    expect(sticker.messages[0]?.input).toEqual({ kind: 'attachment', attachment: { kind: 'sticker', size: 27334 } });
    expect(voice.messages[0]?.input).toEqual({
      kind: 'attachment',
      attachment: { kind: 'audio', mimeType: 'audio/ogg', size: 15432 },
    });
    expect(sticker.file).toBeUndefined();
    expect(voice.file).toBeUndefined();
  });

  it('maps a location', () => {
    expect(toInboundMessages(samples.location, NOW)[0]?.input).toEqual({
      kind: 'location',
      latitude: 24.713552,
      longitude: 46.675296,
    });
  });

  it('ignores edited messages, channel posts, membership updates and group messages', () => {
    for (const u of [samples.editedMessage, samples.channelPost, samples.myChatMember, samples.groupText]) {
      expect(mapUpdate(u, NOW)).toEqual({ messages: [] });
      expect(isRelevant(u)).toBe(false);
    }
  });

  it('orders deliveries per chat: a message and a press in the same chat share a chat key', () => {
    expect(chatKeyOf(samples.text)).toBe('telegram:501234567');
    expect(chatKeyOf(samples.callback)).toBe('telegram:501234567');
    expect(chatKeyOf(samples.channelPost)).toBeNull();
  });

  it('recognises an update by its update_id', () => {
    expect(isUpdate(samples.text)).toBe(true);
    expect(isUpdate({ message: samples.text.message })).toBe(false);
    expect(isUpdate(null)).toBe(false);
    expect(isUpdate({ update_id: '5' })).toBe(false);
  });
});

describe('telegram mapper: outbound', () => {
  it('renders choices as an inline keyboard: short labels two per row, long ones alone', () => {
    const out = toTelegramOutbound({
      text: 'كيف أستطيع مساعدتك؟',
      choices: [
        { id: 'inquiry', label: 'استفسار' },
        { id: 'request', label: 'تقديم طلب جديد' },
        { id: 'status', label: 'طلباتي' },
        { id: 'edit:situation', label: 'تعديل: ماذا حدث؟ وما الذي تحتاجه الآن؟' },
        { id: 'language', label: 'English' },
      ],
    });
    expect(out.chunks).toEqual(['كيف أستطيع مساعدتك؟']);
    expect(out.replyMarkup).toEqual({
      inline_keyboard: [
        [
          { text: 'استفسار', callback_data: 'inquiry' },
          { text: 'تقديم طلب جديد', callback_data: 'request' },
        ],
        [{ text: 'طلباتي', callback_data: 'status' }],
        [{ text: 'تعديل: ماذا حدث؟ وما الذي تحتاجه الآن؟', callback_data: 'edit:situation' }],
        [{ text: 'English', callback_data: 'language' }],
      ],
    });
  });

  it('truncates a long label on a character boundary with an ellipsis', () => {
    const long = 'أسرة متضررة (حريق، سيول، ظرف طارئ) تحتاج إلى مساعدة عاجلة في السكن والغذاء 🏠';
    const t = truncateLabel(long);
    expect([...t].length).toBe(LABEL_MAX_CHARS);
    expect(t.endsWith('…')).toBe(true);
    expect(truncateLabel('  ')).toBe('•');
  });

  it('falls back to a numbered list when a choice id does not fit in callback data', () => {
    const longId = `opt:${'x'.repeat(CALLBACK_DATA_MAX_BYTES)}`;
    const out = toTelegramOutbound({
      text: 'اختر:',
      choices: [
        { id: 'a', label: 'الأول' },
        { id: longId, label: 'الثاني' },
      ],
    });
    expect(out.replyMarkup).toBeUndefined();
    expect(out.chunks).toEqual(['اختر:\n\n1. الأول\n2. الثاني']);
  });

  it('measures callback data in bytes: a 40-character Arabic id is too long', () => {
    const out = toTelegramOutbound({ text: 'x', choices: [{ id: 'ع'.repeat(40), label: 'ع' }] });
    expect(out.replyMarkup).toBeUndefined();
  });

  it('offers the share-contact button when the message asks for it and has no choices', () => {
    const out = toTelegramOutbound({ text: 'رقم الجوال؟', requestContact: '📱 مشاركة رقم جوالي' });
    expect(out.replyMarkup).toEqual({
      keyboard: [[{ text: '📱 مشاركة رقم جوالي', request_contact: true }]],
      one_time_keyboard: true,
      resize_keyboard: true,
    });
  });

  it('splits a text over Telegram’s limit at line ends, keeping every character', () => {
    const line = 'سطر من نص سياسة الخصوصية الطويل 📄';
    const text = Array.from({ length: 300 }, (_, i) => `${i}. ${line}`).join('\n');
    const chunks = splitText(text);
    expect(chunks.length).toBeGreaterThan(1);
    expect(chunks.every((c) => c.length <= TEXT_MAX_LENGTH)).toBe(true);
    expect(chunks.join('\n')).toBe(text);
  });

  it('never splits a surrogate pair', () => {
    const text = '😀'.repeat(3000); // 6000 UTF-16 units, no spaces
    const chunks = splitText(text);
    expect(chunks.join('')).toBe(text);
    for (const c of chunks) {
      const last = c.charCodeAt(c.length - 1);
      expect(last >= 0xd800 && last <= 0xdbff).toBe(false);
    }
  });
});
