/**
 * The back office's read model of requests (GET /api/v1/requests), through Prisma Client: a page
 * of requests without their form answers, and one request with its history and rating. Types come
 * from the generated client (the select below), not from a hand-written row.
 */
import type { ReadClient } from './prisma.js';

/** Columns every case (request or complaint) shows in a list (R6: no form answers in bulk). */
export const CASE_LIST_COLUMNS = {
  ref: true,
  channel: true,
  status: true,
  committee: true,
  decisionNote: true,
  deadlineKind: true,
  deadlineDays: true,
  deadlineUnit: true,
  deadlineFrom: true,
  dueAt: true,
  completedAt: true,
  createdAt: true,
  updatedAt: true,
} as const;

/** Columns of a request that the list shows. */
const LIST_COLUMNS = { ...CASE_LIST_COLUMNS, typeId: true } as const;

/** A page of requests, newest first, optionally of one status. */
export async function listRequests(prisma: ReadClient, q: { status?: string | undefined; page: number; pageSize: number }) {
  const where = q.status ? { status: q.status } : {};
  const [total, items] = await Promise.all([
    prisma.request.count({ where }),
    prisma.request.findMany({
      where,
      select: LIST_COLUMNS,
      orderBy: [{ createdAt: 'desc' }, { ref: 'asc' }],
      skip: (q.page - 1) * q.pageSize,
      take: q.pageSize,
    }),
  ]);
  return { total, items };
}

/** A request as the list shows it. */
export type RequestListItem = Awaited<ReturnType<typeof listRequests>>['items'][number];

/** One request by reference with its form answers, status history and rating; null when unknown. */
export async function findRequest(prisma: ReadClient, ref: string) {
  return prisma.request.findUnique({
    where: { ref },
    select: {
      ...LIST_COLUMNS,
      data: true,
      eligibility: true,
      events: { select: { status: true, note: true, actor: true, at: true }, orderBy: [{ at: 'asc' }, { id: 'asc' }] },
      ratings: { select: { score: true, comment: true, createdAt: true }, take: 1 },
    },
  });
}

/** A request with its details. */
export type RequestDetail = NonNullable<Awaited<ReturnType<typeof findRequest>>>;
