/** Which stored attachment files records still refer to (the orphan sweep keeps those). */
import type { Db } from './database.js';

/** The keys among `keys` that some message refers to (inbound attachments keep their storage key). */
export async function referencedAttachments(db: Db, keys: string[]): Promise<Set<string>> {
  const used = new Set<string>();
  for (const key of keys) {
    const row = await db.get<{ one: number }>('SELECT 1 AS one FROM messages WHERE body LIKE ? LIMIT 1', [`%${key}%`]);
    if (row) used.add(key);
  }
  return used;
}
