/** What every channel sender implements, and how it reports a refusal. */
import type { OutboundMessage } from '../engine/messages.js';

/** Sends rendered messages to one platform. The only place that calls the platform's API. */
export interface ChannelSender {
  /** The outbox channel name it serves ('web', 'telegram', 'staff', ...). */
  readonly channel: string;
  /** Sends one message; resolves with the platform's message id when it gives one. */
  send(recipient: string, message: OutboundMessage): Promise<{ platformMessageId?: string }>;
}

/** A send that failed, classified so the dispatcher knows whether to retry. */
export class SendError extends Error {
  override name = 'SendError';
  constructor(
    message: string,
    readonly kind: 'retry' | 'unreachable' | 'fatal',
    /** Wait at least this long before the next attempt (e.g. Telegram's retry_after). */
    readonly retryAfterMs?: number,
  ) {
    super(message);
  }
}
