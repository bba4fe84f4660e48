/**
 * Read access for the association's own systems (issue 6): `GET /api/v1/requests/:ref` (one
 * request with its history) and `GET /api/v1/requests?status=&page=&pageSize=` (a page of
 * requests, newest first), with `Authorization: Bearer <API_TOKEN>`. 401 without the token, 404 for
 * an unknown reference, 503 when API_TOKEN is not configured.
 */
import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import type { Logger } from 'pino';
import { z } from 'zod';
import type { ReadClient } from '../db/prisma.js';
import { findRequest, listRequests, type RequestListItem } from '../db/requests.read.js';
import { CASE_STATUSES, isWatched, type RequestStatus } from '../domain/case-lifecycle.js';
import { isOverdue, ruleFromColumns } from '../domain/deadline.js';
import type { Profile } from '../domain/profile.js';
import { normalizeReference } from '../domain/reference.js';
import { caseTitle, committeeName } from '../notify/recipients.js';
import { authorised, parseJson } from './read-api.js';

/** Largest page. */
export const MAX_PAGE_SIZE = 100;

const listQuery = z
  .object({
    // The lifecycle's statuses of a request are the filter values.
    status: z.enum(CASE_STATUSES.request as [RequestStatus, ...RequestStatus[]]).optional(),
    page: z.coerce.number().int().min(1).default(1),
    pageSize: z.coerce.number().int().min(1).max(MAX_PAGE_SIZE).default(20),
  })
  .strict();

/** What the requests routes need. */
export interface RequestsRouteDeps {
  /** The read side's Prisma Client, opened on first use. */
  read: () => Promise<ReadClient>;
  profile: Profile;
  logger: Logger;
  /** `API_TOKEN`; without it the routes answer 503. */
  apiToken?: string;
  /** What time it is (for the late flag, R3e); the system clock when absent. */
  clock?: (() => Date) | undefined;
}

/** A request as the list shows it: no form answers (R6: least data in bulk). */
function summary(p: Profile, r: RequestListItem, now: Date) {
  // R3e: the committee's answer time as promised (none / notBefore / within), the date it gives,
  // and whether it is late: only a maximum still awaited from the committee can be.
  const deadline = ruleFromColumns(r.deadlineKind, r.deadlineDays, r.deadlineUnit, r.deadlineFrom);
  return {
    ref: r.ref,
    type: { id: r.typeId, name: caseTitle(p, 'request', r.typeId) },
    status: r.status,
    committee: { id: r.committee, name: committeeName(p, r.committee) },
    channel: r.channel,
    createdAt: r.createdAt.toISOString(),
    updatedAt: r.updatedAt.toISOString(),
    deadline,
    dueAt: r.dueAt?.toISOString() ?? null,
    completedAt: r.completedAt?.toISOString() ?? null,
    overdue: isOverdue({ rule: deadline, dueAt: r.dueAt }, isWatched('request', r.status), now),
    decisionNote: r.decisionNote,
  };
}

/** The routes of the requests API. */
export function requestsRouter(deps: RequestsRouteDeps): Router {
  const router = express.Router();
  const { profile } = deps;
  const now = deps.clock ?? (() => new Date());
  const fail = (res: Response, e: unknown) => {
    deps.logger.error({ err: e instanceof Error ? e.name : 'unknown' }, 'requests API failed');
    res.status(500).json({ error: 'internal error' });
  };

  router.get('/api/v1/requests', async (req, res) => {
    if (!authorised('requests', deps.apiToken, req, res)) return;
    const q = listQuery.safeParse(req.query);
    if (!q.success) {
      res
        .status(400)
        .json({ error: 'invalid query', reasons: q.error.issues.map((i) => `${i.path.join('.') || 'query'}: ${i.message}`) });
      return;
    }
    const { status, page, pageSize } = q.data;
    try {
      const { total, items } = await listRequests(await deps.read(), { status, page, pageSize });
      res.json({ page, pageSize, total, items: items.map((r) => summary(profile, r, now())) });
    } catch (e) {
      fail(res, e);
    }
  });

  router.get('/api/v1/requests/:ref', async (req, res) => {
    if (!authorised('requests', deps.apiToken, req, res)) return;
    const ref = normalizeReference(String(req.params.ref));
    try {
      const row = ref?.startsWith('R-') ? await findRequest(await deps.read(), ref) : null;
      if (!row) {
        res.status(404).json({ error: 'unknown request' });
        return;
      }
      const rating = row.ratings[0];
      res.json({
        ...summary(profile, row, now()),
        // The association's own systems process the request: the form answers are theirs to read.
        data: parseJson(row.data),
        eligibility: parseJson(row.eligibility),
        history: row.events.map((h) => ({ status: h.status, at: h.at.toISOString(), actor: h.actor, note: h.note })),
        rating: rating ? { score: rating.score, comment: rating.comment, at: rating.createdAt.toISOString() } : null,
      });
    } catch (e) {
      fail(res, e);
    }
  });

  router.use('/api/v1/requests', (err: unknown, _req: Request, res: Response, next: NextFunction) => {
    if (res.headersSent) next(err);
    else fail(res, err);
  });
  return router;
}
