/**
 * Where downloaded photos and documents are kept: files under a folder, named by their content
 * (SHA-256), so the same file received again is stored once. Channels download (with their size
 * and type limits) and store here; records keep the key only. Files no record refers to are
 * removed after a grace period ({@link AttachmentStore.sweep}).
 */
import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, stat, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';

/** Largest file accepted from any channel. */
export const MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024;

/** Accepted MIME types: photos and PDF. */
export const ACCEPTED_MIME = new Set(['image/jpeg', 'image/png', 'image/webp', 'image/heic', 'application/pdf']);

/** A storage key: a UUID-shaped name (random before content naming, from the SHA-256 since) and an extension. */
const KEY = /^[0-9a-f-]{36}\.[a-z0-9]+$/;

/** A file store for attachments. */
export class AttachmentStore {
  constructor(private readonly dir: string) {}

  /** Saves bytes and returns the storage key. */
  async save(bytes: Uint8Array, mimeType: string): Promise<string> {
    await mkdir(this.dir, { recursive: true });
    const ext = mimeType === 'application/pdf' ? 'pdf' : (mimeType.split('/')[1] ?? 'bin');
    // Named by content, in the UUID shape records and the console already expect.
    const h = createHash('sha256').update(bytes).digest('hex');
    const name = `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
    const key = `${name}.${ext.replace(/[^a-z0-9]/g, '')}`;
    // 'wx': an existing file with this name already holds these bytes.
    await writeFile(path.join(this.dir, key), bytes, { mode: 0o600, flag: 'wx' }).catch((e: NodeJS.ErrnoException) => {
      if (e.code !== 'EEXIST') throw e;
    });
    return key;
  }

  /** Reads a stored file. */
  async read(key: string): Promise<Buffer> {
    if (!KEY.test(key)) throw new Error('invalid attachment key');
    return readFile(path.join(this.dir, key));
  }

  /**
   * Removes files older than `graceMs` that no record refers to (an upload whose turn never
   * committed, a file the dialogue did not take). `referenced` says which of the keys are in use.
   * Resolves with how many were removed.
   */
  async sweep(referenced: (keys: string[]) => Promise<Set<string>>, graceMs = 24 * 3600_000, now = Date.now()): Promise<number> {
    let names: string[];
    try {
      names = (await readdir(this.dir)).filter((n) => KEY.test(n));
    } catch {
      return 0; // no folder yet
    }
    const old: string[] = [];
    for (const n of names) {
      const s = await stat(path.join(this.dir, n)).catch(() => null);
      if (s && now - s.mtimeMs > graceMs) old.push(n);
    }
    let removed = 0;
    for (let i = 0; i < old.length; i += 200) {
      const chunk = old.slice(i, i + 200);
      const used = await referenced(chunk);
      for (const n of chunk)
        if (!used.has(n)) {
          await unlink(path.join(this.dir, n)).catch(() => {});
          removed++;
        }
    }
    return removed;
  }
}
