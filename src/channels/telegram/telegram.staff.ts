/**
 * The staff side of Telegram (R3c, R7): in the staff group (and officers' chats) a staff member
 * claims a handoff with the alert's "استلام" button or `/claim <case>`, answers the person with
 * `/reply <case> <text>` or by replying to the alert, and hands the conversation back with
 * `/done <case>`. The work is done by the handoff service (audit included); this module only
 * translates and confirms in the chat. Only a Telegram user linked to a staff account (`npm run cli
 * -- staff link-telegram`) may act (issue 13); they act as that account (`staff:<login>`), and
 * nothing they write is logged.
 */
import type { Logger } from 'pino';
import { STAFF_LANG, type StaffAlertPayload } from '../../engine/alert-text.js';
import type { OutboundMessage } from '../../engine/messages.js';
import type { Translator } from '../../i18n.js';
import type { HandoffRefusal, HandoffResult, HandoffService, HandoffView } from '../../staff/handoff.service.js';
import type { OutboxPort } from '../module.js';
import { STAFF_CLAIM_PREFIX, type StaffGroupAction } from './telegram.mapper.js';

/** What the staff-group handler needs. */
export interface StaffGroupDeps {
  service: HandoffService;
  outbox: OutboxPort;
  translator: Translator;
  logger: Logger;
  clock: () => Date;
  /** The `STAFF_TELEGRAM_CHAT_ID` group: its outbox rows may be addressed to 'default'. */
  staffChatId: string | undefined;
  /** Answers a button press, with a short notice shown to the one who pressed. */
  answerCallback: (id: string, text?: string) => Promise<void>;
  /** The bot's own user id, once known (replies to other bots' messages are not alerts). */
  botId: () => string | undefined;
}

/** A notice to a staff chat: a text, and the handoff it is about (no claim button). */
export interface StaffNoticePayload {
  text: string;
  about?: string;
}

const REFUSAL_KEY: Record<HandoffRefusal, string> = {
  'HANDOFF.NOT_FOUND': 'staff:group.notFound',
  'HANDOFF.CLOSED': 'staff:group.closed',
  'HANDOFF.TAKEN': 'staff:group.taken',
  'HANDOFF.EMPTY_REPLY': 'staff:group.emptyReply',
};

/** Adds the claim button to a staff alert about a handoff (callback data `staff:claim:<id>`). */
export function withClaimButton(message: OutboundMessage & Partial<StaffAlertPayload>, label: string): OutboundMessage {
  const { handoffId, ...rest } = message;
  if (!handoffId || rest.choices?.length) return rest;
  return { ...rest, choices: [{ id: `${STAFF_CLAIM_PREFIX}${handoffId}`, label }] };
}

/** Creates the handler of staff-chat actions. */
export function createStaffGroupHandler(deps: StaffGroupDeps): (chatId: string, action: StaffGroupAction) => Promise<void> {
  const { service, translator: t, logger } = deps;
  const say = (key: string, params: Record<string, string> = {}) => t.t(key, STAFF_LANG, params);

  /**
   * A notice in the chat the command came from, through the outbox (sent after commit, retried).
   * `about` names the handoff, so that a reply to the notice reaches its person too.
   */
  async function notice(chatId: string, text: string, about?: string): Promise<void> {
    const recipient = chatId === deps.staffChatId ? 'default' : chatId;
    const payload: StaffNoticePayload = about ? { text, about } : { text };
    await deps.outbox.enqueue('staff', recipient, payload, deps.clock());
  }

  function refusal(r: { code: HandoffRefusal; handoff?: HandoffView }, ref: string): string {
    return say(REFUSAL_KEY[r.code], { case: r.handoff?.caseId ?? ref.slice(0, 36) });
  }

  /** The handoff an alert (or re-alert) message in this chat was about. */
  async function handoffOfMessage(chatId: string, messageId: string): Promise<string | null> {
    const recipients = chatId === deps.staffChatId ? [chatId, 'default'] : [chatId];
    const row = await deps.outbox.findSent('staff', messageId, recipients);
    if (!row) return null;
    try {
      const p = JSON.parse(row.payload) as { handoffId?: unknown; about?: unknown };
      if (typeof p.handoffId === 'string') return p.handoffId;
      return typeof p.about === 'string' ? p.about : null;
    } catch {
      return null;
    }
  }

  /**
   * The handoff a reply to one of the bot's messages is meant for: the one the message was about,
   * else (a reply to a forwarded message) the only handoff this staff member holds.
   */
  async function handoffOfReply(chatId: string, messageId: string, staffId: string): Promise<string | null> {
    const fromAlert = await handoffOfMessage(chatId, messageId);
    if (fromAlert) return fromAlert;
    const mine = (await service.listActive()).filter((h) => h.status === 'claimed' && h.claimedBy === staffId);
    return mine.length === 1 && mine[0] ? mine[0].id : null;
  }

  async function reply(chatId: string, ref: string, text: string, staffId: string): Promise<void> {
    const r = await service.reply(ref, staffId, text);
    if (r.ok) {
      if (r.claimedNow) await notice(chatId, say('staff:group.claimed', { case: r.handoff.caseId }), r.handoff.id);
      await notice(chatId, say('staff:group.replySent', { case: r.handoff.caseId }), r.handoff.id);
    } else await notice(chatId, refusal(r, ref));
    log('reply', r);
  }

  function log(action: string, r: HandoffResult): void {
    // Ids and outcome only (R6): no name, no text.
    logger.info({ handoff: r.handoff?.id, action, outcome: r.ok ? 'ok' : r.code, via: 'telegram' }, 'staff action');
  }

  return async (chatId, action) => {
    if (action.kind === 'claim' || action.kind === 'reply' || action.kind === 'replyTo' || action.kind === 'done') {
      if (action.kind === 'replyTo') {
        const own = deps.botId();
        if (own && own !== action.botId) return; // a reply to another bot in the group
      }
      const staffId = await service.linkedStaffId(action.staff);
      if (!staffId) {
        const text = say('staff:group.notLinked', { user: action.staff });
        if (action.kind === 'claim' && action.callbackQueryId) await deps.answerCallback(action.callbackQueryId, text);
        else await notice(chatId, text);
        logger.info({ action: action.kind, outcome: 'not_linked', via: 'telegram' }, 'staff action');
        return;
      }
      action = { ...action, staff: staffId };
    }
    switch (action.kind) {
      case 'ignore':
        if (action.callbackQueryId) await deps.answerCallback(action.callbackQueryId);
        return;
      case 'help':
        await notice(chatId, say('staff:group.help'));
        return;
      case 'claim': {
        const r = await service.claim(action.ref, action.staff);
        if (action.callbackQueryId)
          await deps.answerCallback(
            action.callbackQueryId,
            r.ok
              ? say(r.already ? 'staff:group.alreadyYours' : 'staff:group.claimedToast', { case: r.handoff.caseId })
              : refusal(r, action.ref),
          );
        if (r.ok && !r.already) await notice(chatId, say('staff:group.claimed', { case: r.handoff.caseId }), r.handoff.id);
        else if (!action.callbackQueryId)
          await notice(chatId, r.ok ? say('staff:group.alreadyYours', { case: r.handoff.caseId }) : refusal(r, action.ref));
        log('claim', r);
        return;
      }
      case 'reply':
        await reply(chatId, action.ref, action.text, action.staff);
        return;
      case 'replyTo': {
        const staffId = action.staff;
        const handoffId = await handoffOfReply(chatId, action.messageId, staffId);
        if (!handoffId) {
          await notice(chatId, say('staff:group.unknownAlert'));
          return;
        }
        await reply(chatId, handoffId, action.text, staffId);
        return;
      }
      case 'done': {
        const r = await service.handBack(action.ref, action.staff);
        await notice(chatId, r.ok ? say('staff:group.handedBack', { case: r.handoff.caseId }) : refusal(r, action.ref));
        log('handback', r);
        return;
      }
    }
  };
}
