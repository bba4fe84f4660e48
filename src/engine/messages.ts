/** Channel-free messages: what adapters hand to the engine and what the engine hands back. */
import type { Channel, UserInput } from '../domain/flow-contract.js';
import type { Lang } from '../domain/text.js';

export type { Channel, UserInput };

/** A message from a person, already translated from its platform by an adapter. */
export interface InboundMessage {
  channel: Channel;
  /** Who wrote on that channel (chat id, WhatsApp id, web session). Personal data: never logged. */
  userId: string;
  /** The platform's id for this message, unique per channel; a repeat is dropped. */
  messageId: string;
  at: Date;
  input: UserInput;
  /** The language the platform reports for the person, used at first contact. */
  languageHint?: Lang;
}

/** A message to a person, rendered in their language, as a channel sender receives it. */
export interface OutboundMessage {
  text: string;
  choices?: { id: string; label: string }[];
  /** Offer the platform's "share my phone number" button with this label (Telegram). */
  requestContact?: string;
}
