/**
 * What the core offers the channel adapters besides the engine itself: the few facts about people
 * that an adapter needs, without its touching the database. Implemented over the repositories in
 * src/db and handed to channels by the app (ChannelDeps).
 */
import { findContact, markUnreachable } from '../db/beneficiaries.repository.js';
import type { Db } from '../db/database.js';
import { history } from '../db/messages.repository.js';
import type { Channel } from '../domain/flow-contract.js';
import type { Lang } from '../domain/text.js';

/** A stored message of a conversation, as the web chat replays it. */
export interface StoredMessage {
  id: number;
  direction: 'in' | 'out';
  kind: string;
  /** JSON: the person's input, or the rendered outbound message. */
  body: string;
  createdAt: Date;
}

/** People as channels see them. */
export interface PeoplePort {
  /** The person's language and when they last wrote, or null when they never wrote on this channel. */
  contact(channel: Channel, userId: string): Promise<{ language: Lang; lastInboundAt: Date | null } | null>;
  /** The platform says the person cannot be reached (blocked the bot, number gone). */
  markUnreachable(channel: Channel, userId: string): Promise<void>;
  /** The person's conversation after message id `afterId`, oldest first. */
  history(channel: Channel, userId: string, afterId: number): Promise<StoredMessage[]>;
}

/** The port over the database. */
export function peopleOf(db: Db): PeoplePort {
  return {
    contact: (channel, userId) => findContact(db, channel, userId),
    markUnreachable: (channel, userId) => markUnreachable(db, channel, userId),
    history: async (channel, userId, afterId) =>
      (await history(db, channel, userId, afterId)).map((m) => ({
        id: m.id,
        direction: m.direction,
        kind: m.kind,
        body: m.body,
        createdAt: m.created_at,
      })),
  };
}
