/** The web chat reads its messages from the database, so "sending" only marks them delivered. */
import type { ChannelSender } from '../channel.js';

/** Sender of the web chat channel. */
export class WebSender implements ChannelSender {
  readonly channel = 'web';
  async send(): Promise<{ platformMessageId?: string }> {
    return {};
  }
}
