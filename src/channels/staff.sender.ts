/**
 * Staff alerts. With a Telegram staff group configured they go there (through the Telegram
 * sender); otherwise they stay in the outbox table, where the staff console reads them, and the log
 * records only that an alert was raised.
 */
import type { Logger } from 'pino';
import type { OutboundMessage } from '../engine/messages.js';
import type { ChannelSender } from './channel.js';

/** Sends staff alerts to the staff chat. */
export class StaffSender implements ChannelSender {
  readonly channel = 'staff';
  constructor(
    private readonly logger: Logger,
    private readonly telegram?: {
      send(chatId: string, m: OutboundMessage): Promise<{ platformMessageId?: string }>;
      chatId: string;
    },
  ) {}

  async send(recipient: string, message: OutboundMessage): Promise<{ platformMessageId?: string }> {
    if (this.telegram) return this.telegram.send(recipient === 'default' ? this.telegram.chatId : recipient, message);
    this.logger.info({ recipient: recipient === 'default' ? 'default' : 'officer' }, 'staff alert recorded');
    return {};
  }
}
