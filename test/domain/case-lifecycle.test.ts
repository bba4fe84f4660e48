/**
 * The one case lifecycle (issue 9): statuses, the decisions each allows, and which statuses are
 * open, closed, rateable and watched, for requests (R3e, R3f-g, R3h) and complaints (R5), read
 * with XState's pure `transition()`.
 */
import { describe, expect, it } from 'vitest';
import {
  ALL_STATUSES,
  allowedDecisions,
  CASE_STATUSES,
  CaseTransitionError,
  canMove,
  decisionsOf,
  isClosed,
  isOpen,
  isRateable,
  isWatched,
  nextStatus,
  requireNext,
  statusesWith,
} from '../../src/domain/case-lifecycle.js';

describe('case lifecycle', () => {
  it('lists the statuses of each kind, each once', () => {
    expect(CASE_STATUSES.request).toEqual([
      'submitted',
      'under_review',
      'needs_info',
      'approved',
      'served',
      'rejected',
      'closed',
    ]);
    expect(CASE_STATUSES.complaint).toEqual(['submitted', 'under_review', 'needs_info', 'resolved', 'rejected', 'closed']);
    expect(new Set(ALL_STATUSES).size).toBe(ALL_STATUSES.length);
  });

  it('R3e, R3f-g: a request is approved, rejected or sent back for information, then served', () => {
    expect(allowedDecisions('request', 'submitted')).toEqual(['approved', 'rejected', 'needs_info']);
    expect(allowedDecisions('request', 'under_review')).toEqual(['approved', 'rejected', 'needs_info']);
    expect(allowedDecisions('request', 'needs_info')).toEqual(['rejected']);
    expect(allowedDecisions('request', 'approved')).toEqual(['served']);
    for (const final of ['served', 'rejected', 'closed']) expect(allowedDecisions('request', final)).toEqual([]);
    expect(decisionsOf('request')).toEqual(['approved', 'rejected', 'needs_info', 'served']);
  });

  it('R5: a complaint is resolved, rejected or sent back for information, and may be answered while waiting', () => {
    expect(allowedDecisions('complaint', 'submitted')).toEqual(['rejected', 'needs_info', 'resolved']);
    expect(allowedDecisions('complaint', 'needs_info')).toEqual(['rejected', 'resolved']);
    for (const final of ['resolved', 'rejected', 'closed']) expect(allowedDecisions('complaint', final)).toEqual([]);
    expect(decisionsOf('complaint')).toEqual(['rejected', 'needs_info', 'resolved']);
  });

  it('R3h: supplied information puts a case back under review, only from needs_info', () => {
    expect(nextStatus('request', 'needs_info', { type: 'info.supplied' })).toBe('under_review');
    expect(nextStatus('complaint', 'needs_info', { type: 'info.supplied' })).toBe('under_review');
    expect(nextStatus('request', 'submitted', { type: 'info.supplied' })).toBeNull();
  });

  it('never allows a status to itself, nor anything from an unknown status or to a status of the other kind', () => {
    for (const kind of ['request', 'complaint'] as const)
      for (const s of CASE_STATUSES[kind]) expect(canMove(kind, s, s)).toBe(false);
    expect(allowedDecisions('request', 'no_such_status')).toEqual([]);
    expect(canMove('request', 'submitted', 'resolved')).toBe(false);
    expect(canMove('complaint', 'under_review', 'approved')).toBe(false);
    expect(() => requireNext('request', 'submitted', { type: 'decision.served' })).toThrow(CaseTransitionError);
  });

  it('says which statuses are open, closed, rateable (R8) and watched (R3e)', () => {
    expect(statusesWith('request', 'open')).toEqual(['submitted', 'under_review', 'needs_info', 'approved']);
    expect(statusesWith('request', 'closed')).toEqual(['served', 'rejected', 'closed']);
    expect(statusesWith('complaint', 'open')).toEqual(['submitted', 'under_review', 'needs_info']);
    // Settled disagreements: closed is not rateable (no service given), needs_info is not watched
    // (it waits on the person), approved is open but not watched (the committee has answered).
    expect(statusesWith('request', 'rateable')).toEqual(['served']);
    expect(statusesWith('complaint', 'rateable')).toEqual(['resolved']);
    expect(isRateable('request', 'closed')).toBe(false);
    expect(statusesWith('request', 'watched')).toEqual(['submitted', 'under_review']);
    expect(isWatched('request', 'needs_info')).toBe(false);
    expect(isOpen('request', 'approved') && !isWatched('request', 'approved')).toBe(true);
    expect(isClosed('complaint', 'resolved')).toBe(true);
    for (const kind of ['request', 'complaint'] as const)
      for (const s of CASE_STATUSES[kind]) expect(isOpen(kind, s) !== isClosed(kind, s), `${kind} ${s}`).toBe(true);
  });
});
