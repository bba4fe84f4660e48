/**
 * Limits on web chat uploads, per person (browser session) and per client address, per day: how
 * many files and how many bytes. Anonymous uploads cannot fill the disk. One process's memory
 * (SQLite runs one process; on PostgreSQL each instance counts its own).
 */

/** Daily limits (defaults: 10 files / 30 MB per person, 30 files / 100 MB per address). */
export interface UploadLimits {
  filesPerPerson?: number;
  bytesPerPerson?: number;
  filesPerAddress?: number;
  bytesPerAddress?: number;
}

interface Tally {
  day: string;
  files: number;
  bytes: number;
}

/** Counts uploads; `admit` says why one is refused, or null when it may go on (and counts it). */
export function uploadGuard(limits: UploadLimits = {}) {
  const people = new Map<string, Tally>();
  const addresses = new Map<string, Tally>();
  const tally = (map: Map<string, Tally>, key: string, day: string): Tally => {
    let t = map.get(key);
    if (!t || t.day !== day) {
      if (map.size > 100_000) map.clear(); // a new day or a flood of keys: start over
      t = { day, files: 0, bytes: 0 };
      map.set(key, t);
    }
    return t;
  };
  return {
    admit(session: string, address: string, bytes: number, now: Date): string | null {
      const day = now.toISOString().slice(0, 10);
      const p = tally(people, session, day);
      const a = tally(addresses, address, day);
      if (p.files + 1 > (limits.filesPerPerson ?? 10) || p.bytes + bytes > (limits.bytesPerPerson ?? 30 * 1024 * 1024))
        return 'daily upload limit reached for this conversation';
      if (a.files + 1 > (limits.filesPerAddress ?? 30) || a.bytes + bytes > (limits.bytesPerAddress ?? 100 * 1024 * 1024))
        return 'daily upload limit reached for this address';
      p.files++;
      p.bytes += bytes;
      a.files++;
      a.bytes += bytes;
      return null;
    },
  };
}
