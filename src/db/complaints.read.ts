/**
 * The back office's read model of complaints (GET /api/v1/complaints, issue 13), through Prisma
 * Client, like src/db/requests.read.ts: a page without the complaint's text, and one complaint with
 * its details, history, rating and compensation steps (002 ثـ).
 */
import type { ReadClient } from './prisma.js';
import { CASE_LIST_COLUMNS } from './requests.read.js';

/** Columns of a complaint that the list shows. */
const LIST_COLUMNS = { ...CASE_LIST_COLUMNS, category: true } as const;

/** A page of complaints, newest first, optionally of one status. */
export async function listComplaints(prisma: ReadClient, q: { status?: string | undefined; page: number; pageSize: number }) {
  const where = q.status ? { status: q.status } : {};
  const [total, items] = await Promise.all([
    prisma.complaint.count({ where }),
    prisma.complaint.findMany({
      where,
      select: LIST_COLUMNS,
      orderBy: [{ createdAt: 'desc' }, { ref: 'asc' }],
      skip: (q.page - 1) * q.pageSize,
      take: q.pageSize,
    }),
  ]);
  return { total, items };
}

/** A complaint as the list shows it. */
export type ComplaintListItem = Awaited<ReturnType<typeof listComplaints>>['items'][number];

/** One complaint with its description, details, history, rating and compensation steps; null when unknown. */
export async function findComplaint(prisma: ReadClient, ref: string) {
  const [complaint, steps] = await Promise.all([
    prisma.complaint.findUnique({
      where: { ref },
      select: {
        ...LIST_COLUMNS,
        description: true,
        data: true,
        events: { select: { status: true, note: true, actor: true, at: true }, orderBy: [{ at: 'asc' }, { id: 'asc' }] },
        ratings: { select: { score: true, comment: true, createdAt: true }, take: 1 },
      },
    }),
    prisma.compensationStep.findMany({
      where: { complaintRef: ref },
      select: { step: true, details: true, at: true },
      orderBy: [{ at: 'asc' }, { id: 'asc' }],
    }),
  ]);
  return complaint ? { ...complaint, compensation: steps } : null;
}
