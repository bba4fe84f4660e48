/** Telegram's send limits on fake timers: per-chat burst and interval, overall pacing, no head-of-line blocking. */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { SendLimiter, type SendLimits } from '../../../src/channels/telegram/telegram.limiter.js';

beforeEach(() => {
  vi.useFakeTimers();
  vi.setSystemTime(0);
});
afterEach(() => {
  vi.useRealTimers();
});

/** Starts every acquire at once (in this order) and returns when each was let through. */
async function sendTimes(limits: SendLimits, chats: string[], runMs = 10_000): Promise<[string, number][]> {
  const limiter = new SendLimiter(limits);
  const log: [string, number][] = [];
  for (const c of chats) void limiter.acquire(c).then(() => log.push([c, Date.now()]));
  await vi.advanceTimersByTimeAsync(runMs);
  return log;
}

describe('SendLimiter', () => {
  it('lets a chat’s burst leave at once, then one message per interval', async () => {
    const log = await sendTimes({ perSecond: 1000, perChatIntervalMs: 1000, perChatBurst: 3 }, Array(6).fill('a'));
    expect(log.map(([, t]) => Math.floor(t / 10) * 10)).toEqual([0, 0, 0, 1000, 2000, 3000]);
  });

  it('with a burst of 1, keeps a strict minimum interval per chat', async () => {
    const log = await sendTimes({ perSecond: 30, perChatIntervalMs: 1000 }, ['a', 'a', 'a']);
    expect(log.map(([, t]) => t)).toEqual([0, 1000, 2000]);
  });

  it('never holds a chat up for another chat waiting for its interval', async () => {
    const log = await sendTimes({ perSecond: 30, perChatIntervalMs: 1000 }, ['a', 'a', 'b']);
    expect(log.map(([c, t]) => [c, Math.round(t)])).toEqual([
      ['a', 0],
      ['b', 33],
      ['a', 1000],
    ]);
  });

  it('paces all chats together at about 30 messages a second, never more in any second', async () => {
    const chats = Array.from({ length: 90 }, (_, i) => `chat-${i}`);
    const times = (await sendTimes({ perSecond: 30, perChatIntervalMs: 1000 }, chats)).map(([, t]) => t);
    expect(times).toHaveLength(90);
    expect(times[0]).toBe(0);
    for (let i = 30; i < times.length; i++) expect((times[i] ?? 0) - (times[i - 30] ?? 0)).toBeGreaterThanOrEqual(990);
    expect(times[89]).toBeLessThanOrEqual(3000);
  });

  it('turns the limits off with an interval of 0 and an infinite rate', async () => {
    const log = await sendTimes({ perSecond: Number.POSITIVE_INFINITY, perChatIntervalMs: 0 }, Array(50).fill('a'), 10);
    expect(log.every(([, t]) => t === 0)).toBe(true);
    expect(log).toHaveLength(50);
  });
});
