/**
 * The staff group's updates as Telegram sends them, mapped to staff actions (pure): the claim
 * button, /claim, /reply, /done, /help, replies to the bot's messages, and what is ignored.
 */
import type { Update } from 'grammy/types';
import { describe, expect, it } from 'vitest';
import { isRelevant, mapStaffUpdate, mapUpdate } from '../../src/channels/telegram/telegram.mapper.js';
import { withClaimButton } from '../../src/channels/telegram/telegram.staff.js';

const GROUP = -1001122334455;
const chats = new Set([String(GROUP)]);
const group = { id: GROUP, title: 'فريق الخدمة', type: 'supergroup' as const };
const sara = { id: 700100, is_bot: false, first_name: 'سارة' };
const bot = { id: 123456, is_bot: true, first_name: 'بوت الجمعية', username: 'association_test_bot' };
const alert = { message_id: 41, date: 1764400000, chat: group, from: bot, text: '🔔 حالة جديدة (ad7163f0)' };

function say(text: string, extra: object = {}): Update {
  return { update_id: 1, message: { message_id: 50, date: 1764400100, chat: group, from: sara, text, ...extra } } as Update;
}

describe('staff group mapping', () => {
  it('maps the claim button to a claim by the Telegram user id', () => {
    const u = {
      update_id: 2,
      callback_query: {
        id: 'q1',
        from: sara,
        message: alert,
        chat_instance: '-7',
        data: 'staff:claim:ad7163f0-1111-4222-8333-944445555666',
      },
    } as Update;
    expect(mapStaffUpdate(u, chats)).toEqual({
      chatId: String(GROUP),
      action: { kind: 'claim', ref: 'ad7163f0-1111-4222-8333-944445555666', staff: '700100', callbackQueryId: 'q1' },
    });
    // The same update is never a beneficiary's message
    expect(isRelevant(u, chats)).toBe(true);
    expect(mapUpdate(u, new Date()).messages).toEqual([]);
  });

  it('maps /claim, /reply (multi-line text), /done, /help and commands addressed to the bot', () => {
    expect(mapStaffUpdate(say('/claim ad7163f0'), chats)?.action).toEqual({ kind: 'claim', ref: 'ad7163f0', staff: '700100' });
    expect(mapStaffUpdate(say('/reply@association_test_bot ad7163f0 حياك الله\nكيف أخدمك؟'), chats)?.action).toEqual({
      kind: 'reply',
      ref: 'ad7163f0',
      text: 'حياك الله\nكيف أخدمك؟',
      staff: '700100',
    });
    expect(mapStaffUpdate(say('/reply ad7163f0'), chats)?.action).toEqual({
      kind: 'reply',
      ref: 'ad7163f0',
      text: '',
      staff: '700100',
    });
    expect(mapStaffUpdate(say('/done ad7163f0'), chats)?.action).toEqual({ kind: 'done', ref: 'ad7163f0', staff: '700100' });
    expect(mapStaffUpdate(say('/help'), chats)?.action).toEqual({ kind: 'help' });
    expect(mapStaffUpdate(say('/reply'), chats)?.action).toEqual({ kind: 'help' });
    expect(mapStaffUpdate(say('/whatever x'), chats)?.action).toEqual({ kind: 'help' });
  });

  it('maps a reply to the bot’s message, and ignores chatter, other bots and other chats', () => {
    expect(mapStaffUpdate(say('أبشر، نتابع طلبك', { reply_to_message: alert }), chats)?.action).toEqual({
      kind: 'replyTo',
      messageId: '41',
      botId: '123456',
      text: 'أبشر، نتابع طلبك',
      staff: '700100',
    });
    expect(mapStaffUpdate(say('صباح الخير'), chats)?.action).toEqual({ kind: 'ignore' });
    const fromBot = { update_id: 3, message: { ...alert, text: '/done ad7163f0' } } as Update;
    expect(mapStaffUpdate(fromBot, chats)?.action).toEqual({ kind: 'ignore' });
    expect(mapStaffUpdate(say('/done ad7163f0'), new Set(['-100999']))).toBeNull();
    const privateChat = {
      update_id: 4,
      message: {
        message_id: 1,
        date: 1,
        chat: { id: 501, type: 'private', first_name: 'محمد' },
        from: { id: 501, is_bot: false, first_name: 'محمد' },
        text: '/done x',
      },
    } as Update;
    expect(mapStaffUpdate(privateChat, chats)).toBeNull();
    expect(isRelevant(say('صباح الخير'))).toBe(false); // without staff chats, groups are ignored
  });

  it('renders a staff alert about a handoff with the claim button, and nothing else with one', () => {
    expect(withClaimButton({ text: 'تنبيه', handoffId: 'h1' }, 'استلام')).toEqual({
      text: 'تنبيه',
      choices: [{ id: 'staff:claim:h1', label: 'استلام' }],
    });
    expect(withClaimButton({ text: 'إشعار' }, 'استلام')).toEqual({ text: 'إشعار' });
  });
});
