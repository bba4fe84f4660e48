/**
 * The decisions API (DESIGN.md, the operator's contract): `POST /api/v1/decisions`, signed per
 * Standard Webhooks, idempotent by `webhook-id`, with plain JSON answers: 202 accepted (or a replay),
 * 400 invalid body (with reasons), 401 signature or timestamp, 404 unknown reference, 409 a decision
 * the current status does not allow, 503 when DECISIONS_SECRET is not configured.
 */
import express, { type Request, type Router } from 'express';
import type { Logger } from 'pino';
import { Webhook, WebhookVerificationError } from 'standardwebhooks';
import { z } from 'zod';
import { DECISIONS, decisionsOf } from '../domain/case-lifecycle.js';
import { normalizeReference, referenceKind } from '../domain/reference.js';
import type { DecisionInput, DecisionService } from '../notify/decisions.js';

/** Largest body accepted; a decision is a few hundred bytes. */
const MAX_BODY = '64kb';
/** Longest committee note, in characters. */
export const MAX_NOTE_CHARS = 2000;
/** Longest webhook id stored as a receipt. */
const MAX_WEBHOOK_ID = 256;
/** How far in the future `decidedAt` may be (clock skew), as the signature's tolerance. */
const FUTURE_TOLERANCE_MS = 5 * 60_000;

const ALL_DECISIONS = [...DECISIONS] as [string, ...string[]];

const bodySchema = z
  .object({
    ref: z.string().min(1).max(64),
    decision: z.enum(ALL_DECISIONS),
    note: z.string().trim().min(1).max(MAX_NOTE_CHARS).optional(),
    decidedAt: z.iso.datetime({ offset: true }).optional(),
  })
  .strict();

/** What the decisions route needs. */
export interface DecisionsRouteDeps {
  decisions: DecisionService;
  logger: Logger;
  /** `DECISIONS_SECRET` ('whsec_…'); without it the route answers 503. */
  secret?: string;
  clock?: () => Date;
}

/** The body, checked: a decision input, or the reasons it is not one. */
export function parseDecisionBody(raw: Buffer, now: Date): { ok: true; value: DecisionInput } | { ok: false; reasons: string[] } {
  let json: unknown;
  try {
    json = JSON.parse(raw.toString('utf8'));
  } catch {
    return { ok: false, reasons: ['body: not valid JSON'] };
  }
  const r = bodySchema.safeParse(json);
  if (!r.success) return { ok: false, reasons: r.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`) };
  const b = r.data;
  const ref = normalizeReference(b.ref);
  const kind = ref ? referenceKind(ref) : null;
  if (!ref || !kind) return { ok: false, reasons: ['ref: not a request (R-XXXX-XXXX) or complaint (C-XXXX-XXXX) reference'] };
  const decisions: readonly string[] = decisionsOf(kind);
  if (!decisions.includes(b.decision))
    return { ok: false, reasons: [`decision: "${b.decision}" does not apply to a ${kind} (expected ${decisions.join(', ')})`] };
  const decidedAt = b.decidedAt ? new Date(b.decidedAt) : undefined;
  if (decidedAt && decidedAt.getTime() > now.getTime() + FUTURE_TOLERANCE_MS)
    return { ok: false, reasons: ['decidedAt: in the future'] };
  return {
    ok: true,
    value: {
      ref,
      kind,
      decision: b.decision as DecisionInput['decision'],
      ...(b.note ? { note: b.note } : {}),
      ...(decidedAt ? { decidedAt } : {}),
    },
  };
}

function header(req: Request, name: string): string {
  const v = req.headers[name];
  return Array.isArray(v) ? (v[0] ?? '') : (v ?? '');
}

/** The route of the decisions API. Throws at start-up when the secret cannot be decoded. */
export function decisionsRouter(deps: DecisionsRouteDeps): Router {
  const router = express.Router();
  const clock = deps.clock ?? (() => new Date());
  let webhook: Webhook | null = null;
  if (deps.secret) {
    try {
      webhook = new Webhook(deps.secret);
    } catch {
      throw new Error('DECISIONS_SECRET: not a valid whsec_ base64 secret');
    }
  }

  router.post('/api/v1/decisions', express.raw({ type: () => true, limit: MAX_BODY }), async (req, res) => {
    if (!webhook) {
      res.status(503).json({ error: 'the decisions API is not configured (DECISIONS_SECRET)' });
      return;
    }
    // Verified on the raw bytes: a parsed and re-serialised body would not match the signature.
    const raw = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    const id = header(req, 'webhook-id');
    try {
      webhook.verify(
        raw,
        {
          'webhook-id': id,
          'webhook-timestamp': header(req, 'webhook-timestamp'),
          'webhook-signature': header(req, 'webhook-signature'),
        },
        { jsonParse: false },
      );
    } catch (e) {
      const stale = e instanceof WebhookVerificationError && /timestamp/i.test(e.message);
      res.status(401).json({ error: stale ? 'timestamp outside the 5-minute tolerance' : 'invalid signature' });
      return;
    }
    try {
      // A replay is a no-op, whatever the body: the first delivery was answered already.
      if (await deps.decisions.seen(id)) {
        res.status(202).json({ status: 'duplicate' });
        return;
      }
      const now = clock();
      const parsed = parseDecisionBody(raw, now);
      if (!parsed.ok || id.length > MAX_WEBHOOK_ID) {
        const reasons = parsed.ok ? [] : parsed.reasons;
        if (id.length > MAX_WEBHOOK_ID) reasons.push(`webhook-id: at most ${MAX_WEBHOOK_ID} characters`);
        res.status(400).json({ error: 'invalid body', reasons });
        return;
      }
      const r = await deps.decisions.apply(parsed.value, id, now);
      switch (r.outcome) {
        case 'accepted':
          res.status(202).json({ status: 'accepted', ref: r.ref, from: r.from, to: r.status });
          return;
        case 'duplicate':
          res.status(202).json({ status: 'duplicate' });
          return;
        case 'unknownRef':
          res.status(404).json({ error: 'unknown ref', ref: parsed.value.ref });
          return;
        case 'notAllowed':
          res.status(409).json({
            error: 'decision not allowed in the current status',
            ref: parsed.value.ref,
            status: r.status,
            decision: parsed.value.decision,
            allowed: r.allowed,
          });
          return;
      }
    } catch (e) {
      deps.logger.error({ err: e instanceof Error ? e.name : 'unknown' }, 'decision failed');
      res.status(500).json({ error: 'internal error' });
    }
  });

  // Body-parser failures (too large, aborted) as plain JSON rather than the default HTML page.
  router.use(
    '/api/v1/decisions',
    (err: { status?: number; type?: string }, _req: Request, res: express.Response, next: express.NextFunction) => {
      if (err.type === 'entity.too.large') res.status(413).json({ error: `body larger than ${MAX_BODY}` });
      else if (err.status && err.status >= 400 && err.status < 500)
        res.status(400).json({ error: 'invalid body', reasons: ['body: unreadable'] });
      else next(err);
    },
  );
  return router;
}
