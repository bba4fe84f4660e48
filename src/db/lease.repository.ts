/**
 * Leases on lanes: the outbox of one recipient, the inbox of one chat, a scheduler job. A lease is
 * held by one process at a time, renewed while it works, and taken over by another only once it
 * has expired (its holder is gone: killed, hung, cut off). On PostgreSQL several instances share
 * the table; on SQLite (one process) the in-process {@link LocalLeases} does the same job without
 * writes, so a restart never waits for the leases of the process that died.
 */

import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { Db } from './database.js';

/** Claims on named lanes. */
export interface Leases {
  /** Who holds the leases this object takes (for logs and the table). */
  readonly holder: string;
  /** Takes the lease of `key` for `ttlMs`; false when another live holder has it. */
  claim(key: string, ttlMs: number): Promise<boolean>;
  /** Extends a lease this holder has; false when it was lost (expired and taken over). */
  renew(key: string, ttlMs: number): Promise<boolean>;
  /** Gives a lease back (others may take it at once). */
  release(key: string): Promise<void>;
}

/** A holder id unique to this process run. */
export function newHolderId(): string {
  return `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
}

/** Leases in the `leases` table, shared by every instance on one database. */
export class LeaseRepository implements Leases {
  constructor(
    private readonly db: Db,
    readonly holder: string = newHolderId(),
    // Real time, never a test's simulated clock: a lease measures how long a process is silent.
    private readonly now: () => number = () => Date.now(),
  ) {}

  async claim(key: string, ttlMs: number): Promise<boolean> {
    const now = this.now();
    // One statement: insert, or take over a lease that is ours or expired; nothing when it is live.
    const rows = await this.db.all<{ holder: string }>(
      `INSERT INTO leases (key, holder, expires_at) VALUES (?, ?, ?)
       ON CONFLICT (key) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at
        WHERE leases.holder = excluded.holder OR leases.expires_at < ?
       RETURNING holder`,
      [key, this.holder, new Date(now + ttlMs), new Date(now)],
    );
    return rows.length === 1;
  }

  async renew(key: string, ttlMs: number): Promise<boolean> {
    const n = await this.db.run('UPDATE leases SET expires_at = ? WHERE key = ? AND holder = ?', [
      new Date(this.now() + ttlMs),
      key,
      this.holder,
    ]);
    return n === 1;
  }

  async release(key: string): Promise<void> {
    await this.db.run('DELETE FROM leases WHERE key = ? AND holder = ?', [key, this.holder]);
  }
}

/** Leases of one process (SQLite serves one process: its in-process lanes are the only claimants). */
export class LocalLeases implements Leases {
  readonly holder = newHolderId();
  private readonly held = new Set<string>();

  async claim(key: string): Promise<boolean> {
    if (this.held.has(key)) return false;
    this.held.add(key);
    return true;
  }

  async renew(key: string): Promise<boolean> {
    return this.held.has(key);
  }

  async release(key: string): Promise<void> {
    this.held.delete(key);
  }
}

/** The leases to use on a database: shared in the table on PostgreSQL, in-process on SQLite. */
export function leasesFor(db: Db): Leases {
  return db.kind === 'postgresql' ? new LeaseRepository(db) : new LocalLeases();
}
