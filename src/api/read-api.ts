/**
 * What the back office's read APIs (requests, complaints) share: the bearer-token check and the
 * reading of JSON columns.
 */
import { timingSafeEqual } from 'node:crypto';
import type { Request, Response } from 'express';

/**
 * Bearer-token check in constant time; answers 503 (no `API_TOKEN`, naming the API) or 401 itself
 * and returns false when refused.
 */
export function authorised(api: string, token: string | undefined, req: Request, res: Response): boolean {
  if (!token) {
    res.status(503).json({ error: `the ${api} API is not configured (API_TOKEN)` });
    return false;
  }
  const m = /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '');
  const given = Buffer.from(m?.[1] ?? '');
  const expected = Buffer.from(token);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    res.status(401).set('WWW-Authenticate', 'Bearer').json({ error: 'missing or invalid bearer token' });
    return false;
  }
  return true;
}

/** A stored JSON column as a value; text that is not JSON is returned as it is. */
export function parseJson(text: string | null): unknown {
  if (text === null) return null;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
