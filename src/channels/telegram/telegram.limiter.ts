/**
 * Telegram's send limits, kept in-process: about 30 messages a second over all chats (evenly
 * paced, one every 1/30 s) and about one a second to the same chat, where Telegram tolerates a
 * short burst (a token bucket per chat, computed as the generic cell rate algorithm: a
 * "theoretical arrival time" per chat). A caller waits for its reserved time; nothing is dropped
 * and callers keep their order. One process only: several instances share Telegram's limits, so
 * each should be given a share of them.
 */

/** Limits of a {@link SendLimiter}. */
export interface SendLimits {
  /** Messages per second over all chats (Telegram: about 30). */
  perSecond: number;
  /** Time between two messages to one chat once its burst is used, in ms (Telegram: about 1000). 0 turns it off. */
  perChatIntervalMs: number;
  /**
   * Messages one chat may receive at once before the interval applies (default 1: a strict minimum
   * interval). A turn often answers with two or three messages; a burst of 3 sends them together.
   */
  perChatBurst?: number;
}

/** Waits until a message to a chat may be sent. */
export class SendLimiter {
  /** Earliest time of the next message over all chats. */
  private next = 0;
  /** Theoretical arrival time per chat (only chats with a recent send are kept). */
  private readonly chatTat = new Map<string, number>();

  constructor(
    private readonly limits: SendLimits,
    private readonly now: () => number = () => Date.now(),
    private readonly sleep: (ms: number) => Promise<void> = (ms) => new Promise((r) => setTimeout(r, ms)),
  ) {}

  /**
   * Resolves when one message to `chat` may be sent. The chat's turn comes first; the overall slot
   * is taken only then, so a chat waiting for its interval never holds up the other chats.
   */
  async acquire(chat: string): Promise<void> {
    const interval = Math.max(0, this.limits.perChatIntervalMs);
    if (interval > 0) await this.until(this.reserveChat(chat, this.now(), interval));
    const at = this.reserveOverall(this.now());
    await this.until(at);
    // The chat's next interval counts from the real send.
    if (interval > 0) this.chatTat.set(chat, Math.max(this.chatTat.get(chat) ?? 0, at + interval));
  }

  private async until(at: number): Promise<void> {
    const wait = at - this.now();
    if (wait > 0) await this.sleep(wait);
  }

  /** Per chat: a bucket of `perChatBurst` messages refilled one per interval (GCRA). */
  private reserveChat(chat: string, now: number, interval: number): number {
    if (this.chatTat.size > 10_000) for (const [k, t] of this.chatTat) if (t <= now) this.chatTat.delete(k);
    const burst = Math.max(1, Math.floor(this.limits.perChatBurst ?? 1));
    const tat = this.chatTat.get(chat) ?? 0;
    const at = Math.max(now, tat - (burst - 1) * interval);
    this.chatTat.set(chat, Math.max(tat, at) + interval);
    return at;
  }

  /** Overall: evenly paced, one message every 1/perSecond, so no second sees more than about `perSecond`. */
  private reserveOverall(now: number): number {
    const rate = this.limits.perSecond;
    if (!(rate > 0) || !Number.isFinite(rate)) return now;
    const at = Math.max(now, this.next);
    this.next = at + 1000 / rate;
    return at;
  }
}
