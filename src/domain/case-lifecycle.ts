/**
 * The lifecycle of a case (a request or a complaint), defined once: its statuses, the decisions and
 * events each status allows, and which statuses are open, closed, rateable or watched. Every
 * reader (decisions API, console, status and rating dialogues, SLA watch, requests API) and every
 * writer of a status asks this module; nothing else lists statuses.
 *
 * It is an XState v5 machine per kind of case, evaluated with XState's pure `transition()` on a
 * snapshot resolved from the stored status: no actor is started, nothing is scheduled.
 *
 * Disagreements that existed before this module, and how they are settled here:
 * - `closed` is not rateable (the rating dialogue used to offer it, "my requests" did not). R8 asks
 *   for a rating after a service; a case closed without a decision (withdrawn, or the person never
 *   sent what the committee asked for) had no service to rate.
 * - `needs_info` is not watched (the console used to flag it late, the SLA watch skipped it). The
 *   case waits on the person, not on the committee; a deadline counted from completion starts
 *   again when the information is supplied (R3e, seed 002).
 * - `approved` is open (a service is still owed, R3f-g; a second request of the same type waits)
 *   but not watched: the committee has answered, which is what its deadline was about (R3e).
 */
import { setup, transition } from 'xstate';

/** The two kinds of case. */
export type CaseKind = 'request' | 'complaint';

/** A decision the committee (back office or console) takes on a case. */
export type Decision = 'approved' | 'rejected' | 'needs_info' | 'served' | 'resolved';

/** Every decision, in the order the API documents them. */
export const DECISIONS: readonly Decision[] = ['approved', 'rejected', 'needs_info', 'served', 'resolved'];

/** Statuses of a request (R3e, R3f-g, R3h). */
export type RequestStatus = 'submitted' | 'under_review' | 'needs_info' | 'approved' | 'rejected' | 'served' | 'closed';
/** Statuses of a complaint (R5). */
export type ComplaintStatus = 'submitted' | 'under_review' | 'needs_info' | 'resolved' | 'rejected' | 'closed';
/** Any status a case can have. */
export type CaseStatus = RequestStatus | ComplaintStatus;

/**
 * What moves a case on: a committee decision, the person supplying the information the committee
 * asked for, or staff closing it without a decision.
 */
export type CaseEvent =
  | { type: `decision.${Decision}` }
  /** R3h: the person sent what the committee asked for; the case goes back to study. */
  | { type: 'info.supplied' }
  /** The case ends without a decision (withdrawn, or the information never came). */
  | { type: 'case.closed' };

/**
 * What a status says about a case:
 * - `open`: the association still owes something (an answer or a service);
 * - `closed`: final, nothing follows;
 * - `rateable`: a service was given or a complaint resolved, so the person is asked to rate it (R8);
 * - `watched`: the committee owes its answer, so its deadline can run late (R3e).
 */
export type CaseTag = 'open' | 'closed' | 'rateable' | 'watched';

const decision = <D extends Decision>(d: D) => `decision.${d}` as const;

/**
 * Requests (R3e, R3f-g): a request under study is approved, rejected or sent back for information;
 * an approved one is then served. While the committee waits for the person's information only a
 * final "rejected" is allowed: approving needs the supplied information studied first (the
 * person's answer puts the request back under review).
 */
export const requestLifecycle = setup({
  types: { events: {} as CaseEvent, tags: {} as CaseTag },
}).createMachine({
  id: 'request',
  initial: 'submitted',
  states: {
    submitted: {
      tags: ['open', 'watched'],
      on: {
        [decision('approved')]: 'approved',
        [decision('rejected')]: 'rejected',
        [decision('needs_info')]: 'needs_info',
        'case.closed': 'closed',
      },
    },
    under_review: {
      tags: ['open', 'watched'],
      on: {
        [decision('approved')]: 'approved',
        [decision('rejected')]: 'rejected',
        [decision('needs_info')]: 'needs_info',
        'case.closed': 'closed',
      },
    },
    needs_info: {
      tags: ['open'],
      on: { [decision('rejected')]: 'rejected', 'info.supplied': 'under_review', 'case.closed': 'closed' },
    },
    approved: { tags: ['open'], on: { [decision('served')]: 'served' } },
    served: { tags: ['closed', 'rateable'], type: 'final' },
    rejected: { tags: ['closed'], type: 'final' },
    closed: { tags: ['closed'], type: 'final' },
  },
});

/**
 * Complaints (R5): resolved, rejected or sent back for information; from `needs_info` a final
 * answer is allowed too (the information may have come by phone).
 */
export const complaintLifecycle = setup({
  types: { events: {} as CaseEvent, tags: {} as CaseTag },
}).createMachine({
  id: 'complaint',
  initial: 'submitted',
  states: {
    submitted: {
      tags: ['open', 'watched'],
      on: {
        [decision('resolved')]: 'resolved',
        [decision('rejected')]: 'rejected',
        [decision('needs_info')]: 'needs_info',
        'case.closed': 'closed',
      },
    },
    under_review: {
      tags: ['open', 'watched'],
      on: {
        [decision('resolved')]: 'resolved',
        [decision('rejected')]: 'rejected',
        [decision('needs_info')]: 'needs_info',
        'case.closed': 'closed',
      },
    },
    needs_info: {
      tags: ['open'],
      on: {
        [decision('resolved')]: 'resolved',
        [decision('rejected')]: 'rejected',
        'info.supplied': 'under_review',
        'case.closed': 'closed',
      },
    },
    resolved: { tags: ['closed', 'rateable'], type: 'final' },
    rejected: { tags: ['closed'], type: 'final' },
    closed: { tags: ['closed'], type: 'final' },
  },
});

const MACHINES = { request: requestLifecycle, complaint: complaintLifecycle } as const;

/** Every status of each kind, in lifecycle order (read from the machines). */
export const CASE_STATUSES: { readonly request: readonly RequestStatus[]; readonly complaint: readonly ComplaintStatus[] } = {
  request: Object.keys(requestLifecycle.config.states ?? {}) as RequestStatus[],
  complaint: Object.keys(complaintLifecycle.config.states ?? {}) as ComplaintStatus[],
};

/** Every status of either kind, each once. */
export const ALL_STATUSES: readonly CaseStatus[] = [
  ...new Set<CaseStatus>([...CASE_STATUSES.request, ...CASE_STATUSES.complaint]),
];

/** True when `status` is a status of a case of this kind. */
export function isStatus<K extends CaseKind>(
  kind: K,
  status: string,
): status is K extends 'request' ? RequestStatus : ComplaintStatus {
  return (CASE_STATUSES[kind] as readonly string[]).includes(status);
}

function snapshotAt(kind: CaseKind, status: string) {
  return isStatus(kind, status) ? MACHINES[kind].resolveState({ value: status }) : null;
}

/**
 * The status a case of this kind moves to from `status` on `event`, or null when the lifecycle
 * does not allow it (an unknown status allows nothing). Pure: XState's `transition()`.
 */
export function nextStatus(kind: CaseKind, status: string, event: CaseEvent): CaseStatus | null {
  const from = snapshotAt(kind, status);
  if (!from) return null;
  const [to] = transition(MACHINES[kind], from, event);
  // No transition is a self-transition in these machines, so "unchanged" means "not allowed".
  return to.value === from.value ? null : (to.value as CaseStatus);
}

/** True when a case of this kind may go from `from` to `to` through some event of the lifecycle. */
export function canMove(kind: CaseKind, from: string, to: string): boolean {
  return lifecycleEvents().some((e) => nextStatus(kind, from, e) === to);
}

function lifecycleEvents(): CaseEvent[] {
  return [...DECISIONS.map((d) => ({ type: decision(d) })), { type: 'info.supplied' }, { type: 'case.closed' }];
}

/** The decisions allowed on a case of this kind in this status (none for an unknown status). */
export function allowedDecisions(kind: CaseKind, status: string): readonly Decision[] {
  return DECISIONS.filter((d) => nextStatus(kind, status, { type: decision(d) }) !== null);
}

/** The decisions that exist for a kind of case (from any status). */
export function decisionsOf(kind: CaseKind): readonly Decision[] {
  return DECISIONS.filter((d) => CASE_STATUSES[kind].some((s) => nextStatus(kind, s, { type: decision(d) }) !== null));
}

/** True when a status of this kind carries the tag. */
export function hasTag(kind: CaseKind, status: string, tag: CaseTag): boolean {
  return snapshotAt(kind, status)?.hasTag(tag) ?? false;
}

/** The statuses of a kind that carry a tag, e.g. the watched ones for a query. */
export function statusesWith(kind: CaseKind, tag: CaseTag): readonly CaseStatus[] {
  return CASE_STATUSES[kind].filter((s) => hasTag(kind, s, tag));
}

/** R3f-g, R5: the association still owes an answer or a service. */
export const isOpen = (kind: CaseKind, status: string): boolean => hasTag(kind, status, 'open');
/** Final: nothing follows. */
export const isClosed = (kind: CaseKind, status: string): boolean => hasTag(kind, status, 'closed');
/** R8: the person may rate it (a service given, a complaint resolved). */
export const isRateable = (kind: CaseKind, status: string): boolean => hasTag(kind, status, 'rateable');
/** R3e: the committee owes its answer, so a maximum deadline can pass. */
export const isWatched = (kind: CaseKind, status: string): boolean => hasTag(kind, status, 'watched');

/** A status change the lifecycle does not allow (stable code for logs and callers). */
export class CaseTransitionError extends Error {
  readonly code = 'CASE.TRANSITION_NOT_ALLOWED';
  constructor(
    readonly kind: CaseKind,
    readonly from: string,
    readonly to: string,
  ) {
    super(`a ${kind} cannot go from "${from}" to "${to}"`);
    this.name = 'CaseTransitionError';
  }
}

/** The status `event` leads to from `from`, or a {@link CaseTransitionError}. */
export function requireNext(kind: CaseKind, from: string, event: CaseEvent): CaseStatus {
  const to = nextStatus(kind, from, event);
  if (to === null) throw new CaseTransitionError(kind, from, event.type);
  return to;
}
