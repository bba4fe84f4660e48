/**
 * Read access to complaints for the association's own systems (issue 13), like the requests API:
 * `GET /api/v1/complaints?status=&page=&pageSize=` (a page, newest first, without the complaint's
 * text) and `GET /api/v1/complaints/:ref` (one complaint with its text, details, history, rating
 * and compensation steps), with `Authorization: Bearer <API_TOKEN>`. 401 without the token, 404
 * for an unknown reference, 400 for a bad query, 503 when API_TOKEN is not configured.
 */
import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import type { Logger } from 'pino';
import { z } from 'zod';
import { type ComplaintListItem, findComplaint, listComplaints } from '../db/complaints.read.js';
import type { ReadClient } from '../db/prisma.js';
import { CASE_STATUSES, type ComplaintStatus, isWatched } from '../domain/case-lifecycle.js';
import { isOverdue, ruleFromColumns } from '../domain/deadline.js';
import type { Profile } from '../domain/profile.js';
import { normalizeReference } from '../domain/reference.js';
import { caseTitle, committeeName } from '../notify/recipients.js';
import { authorised, parseJson } from './read-api.js';
import { MAX_PAGE_SIZE } from './requests.routes.js';

const listQuery = z
  .object({
    // The lifecycle's statuses of a complaint are the filter values.
    status: z.enum(CASE_STATUSES.complaint as [ComplaintStatus, ...ComplaintStatus[]]).optional(),
    page: z.coerce.number().int().min(1).default(1),
    pageSize: z.coerce.number().int().min(1).max(MAX_PAGE_SIZE).default(20),
  })
  .strict();

/** What the complaints routes need. */
export interface ComplaintsRouteDeps {
  read: () => Promise<ReadClient>;
  profile: Profile;
  logger: Logger;
  apiToken?: string;
  /** What time it is (for the late flag, R3e); the system clock when absent. */
  clock?: (() => Date) | undefined;
}

function summary(p: Profile, r: ComplaintListItem, now: Date) {
  // R3e, R5: no complaint has a deadline unless its committee's policy states one; only a maximum
  // still awaited can be late.
  const deadline = ruleFromColumns(r.deadlineKind, r.deadlineDays, r.deadlineUnit, r.deadlineFrom);
  return {
    ref: r.ref,
    category: { id: r.category, name: caseTitle(p, 'complaint', r.category) },
    compensation: p.complaintCategories.find((c) => c.id === r.category)?.compensation === true,
    status: r.status,
    committee: { id: r.committee, name: committeeName(p, r.committee) },
    channel: r.channel,
    createdAt: r.createdAt.toISOString(),
    updatedAt: r.updatedAt.toISOString(),
    deadline,
    dueAt: r.dueAt?.toISOString() ?? null,
    completedAt: r.completedAt?.toISOString() ?? null,
    overdue: isOverdue({ rule: deadline, dueAt: r.dueAt }, isWatched('complaint', r.status), now),
    decisionNote: r.decisionNote,
  };
}

/** The routes of the complaints API. */
export function complaintsRouter(deps: ComplaintsRouteDeps): Router {
  const now = deps.clock ?? (() => new Date());
  const router = express.Router();
  const { profile } = deps;
  const fail = (res: Response, e: unknown) => {
    deps.logger.error({ err: e instanceof Error ? e.name : 'unknown' }, 'complaints API failed');
    res.status(500).json({ error: 'internal error' });
  };

  router.get('/api/v1/complaints', async (req, res) => {
    if (!authorised('complaints', deps.apiToken, req, res)) return;
    const q = listQuery.safeParse(req.query);
    if (!q.success) {
      res
        .status(400)
        .json({ error: 'invalid query', reasons: q.error.issues.map((i) => `${i.path.join('.') || 'query'}: ${i.message}`) });
      return;
    }
    const { status, page, pageSize } = q.data;
    try {
      const { total, items } = await listComplaints(await deps.read(), { status, page, pageSize });
      res.json({ page, pageSize, total, items: items.map((r) => summary(profile, r, now())) });
    } catch (e) {
      fail(res, e);
    }
  });

  router.get('/api/v1/complaints/:ref', async (req, res) => {
    if (!authorised('complaints', deps.apiToken, req, res)) return;
    const ref = normalizeReference(String(req.params.ref));
    try {
      const row = ref?.startsWith('C-') ? await findComplaint(await deps.read(), ref) : null;
      if (!row) {
        res.status(404).json({ error: 'unknown complaint' });
        return;
      }
      const rating = row.ratings[0];
      res.json({
        ...summary(profile, row, now()),
        description: row.description,
        data: parseJson(row.data),
        history: row.events.map((h) => ({ status: h.status, at: h.at.toISOString(), actor: h.actor, note: h.note })),
        rating: rating ? { score: rating.score, comment: rating.comment, at: rating.createdAt.toISOString() } : null,
        compensation: row.compensation.map((s) => ({ step: s.step, at: s.at.toISOString(), details: parseJson(s.details) })),
      });
    } catch (e) {
      fail(res, e);
    }
  });

  router.use('/api/v1/complaints', (err: unknown, _req: Request, res: Response, next: NextFunction) => {
    if (res.headersSent) next(err);
    else fail(res, err);
  });
  return router;
}
