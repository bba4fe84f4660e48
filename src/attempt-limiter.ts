/**
 * Limits failed attempts per client address (guesses of `API_TOKEN` or of a webhook secret): after
 * `max` refusals within `windowMs`, the address is answered 429 until the window has passed. The
 * address is Express's `req.ip`, the real client's behind a trusted proxy (`TRUST_PROXY`). One
 * process's memory: several instances each count their own.
 */
import type { NextFunction, Request, RequestHandler, Response } from 'express';

/** Options of {@link attemptLimiter}. */
export interface AttemptLimits {
  /** Refusals (401/403 answers) allowed per address within the window (default 10). */
  max?: number;
  /** The window, in ms (default 15 min). */
  windowMs?: number;
  clock?: () => number;
}

/** Middleware that counts refusals per address and answers 429 once they are too many. */
export function attemptLimiter(limits: AttemptLimits = {}): RequestHandler {
  const max = limits.max ?? 10;
  const windowMs = limits.windowMs ?? 15 * 60_000;
  const now = limits.clock ?? (() => Date.now());
  const failures = new Map<string, number[]>();

  const recent = (ip: string): number[] => {
    const t = now();
    const list = (failures.get(ip) ?? []).filter((at) => t - at < windowMs);
    if (list.length) failures.set(ip, list);
    else failures.delete(ip);
    return list;
  };

  return (req: Request, res: Response, next: NextFunction) => {
    const ip = req.ip ?? 'unknown';
    const list = recent(ip);
    if (list.length >= max) {
      const retryAfter = Math.ceil((windowMs - (now() - (list[0] ?? now()))) / 1000);
      res
        .set('Retry-After', String(Math.max(1, retryAfter)))
        .status(429)
        .json({ error: 'too many failed attempts' });
      return;
    }
    res.on('finish', () => {
      if (res.statusCode !== 401 && res.statusCode !== 403) return;
      if (failures.size > 50_000) failures.clear(); // a flood of addresses: forget rather than grow
      failures.set(ip, [...recent(ip), now()]);
    });
    next();
  };
}
