/**
 * The write path of a case's status (issue 9): a change the lifecycle does not allow cannot be
 * written, on SQLite and (when TEST_POSTGRES_URL is set) PostgreSQL. Real databases, no mocks.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { statusUpdate } from '../../src/db/case-status.js';
import { CaseTransitionError } from '../../src/domain/case-lifecycle.js';
import { type BackOfficeApp, startBackOffice, submitVolunteering } from '../api/helpers.js';
import { ChatClient } from '../support/app.js';

const url = process.env.TEST_POSTGRES_URL;
const DATABASES = [
  { name: 'SQLite', postgresUrl: undefined },
  ...(url ? [{ name: 'PostgreSQL', postgresUrl: url }] : []),
] as const;

let h: BackOfficeApp | null = null;
let dir = '';
afterEach(async () => {
  await h?.close();
  h = null;
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe.each(DATABASES)('case status writes ($name)', ({ postgresUrl }) => {
  it('refuses a change the lifecycle does not allow, by the API (409) and by a direct write', async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'case-status-'));
    h = await startBackOffice({ dir, ...(postgresUrl ? { postgresUrl } : {}) });
    const { t, backOffice } = h;
    const db = t.app.db;
    const ref = await submitVolunteering(new ChatClient(t.url));
    const status = async () => (await db.get<{ status: string }>('SELECT status FROM requests WHERE ref = ?', [ref]))?.status;

    // R3f-g: a submitted request cannot be served before it is approved; the API says 409
    const refused = await backOffice.decide({ ref, decision: 'served' });
    expect(refused.status).toBe(409);
    expect(await status()).toBe('submitted');

    // A direct write of the same change fails before any SQL is built
    const at = new Date();
    expect(() => statusUpdate({ kind: 'request', ref, from: 'submitted', to: 'served', at })).toThrow(CaseTransitionError);
    try {
      statusUpdate({ kind: 'request', ref, from: 'submitted', to: 'resolved', at });
      expect.unreachable();
    } catch (e) {
      expect((e as CaseTransitionError).code).toBe('CASE.TRANSITION_NOT_ALLOWED');
    }
    // An allowed change from a status the case is no longer in writes nothing (a stale read)
    await db.batch([statusUpdate({ kind: 'request', ref, from: 'approved', to: 'served', at })]);
    expect(await status()).toBe('submitted');
    // An allowed change from its real status is written
    await db.batch([statusUpdate({ kind: 'request', ref, from: 'submitted', to: 'approved', at })]);
    expect(await status()).toBe('approved');
    expect((await backOffice.decide({ ref, decision: 'approved' })).status).toBe(409);
  });
});
