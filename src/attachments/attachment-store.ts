/**
 * Where downloaded photos and documents are kept: files under a folder, named by a random key.
 * Channels download (with their size and type limits) and store here; records keep the key only.
 */
import { randomUUID } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';

/** Largest file accepted from any channel. */
export const MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024;

/** Accepted MIME types: photos and PDF. */
export const ACCEPTED_MIME = new Set(['image/jpeg', 'image/png', 'image/webp', 'image/heic', 'application/pdf']);

/** A file store for attachments. */
export class AttachmentStore {
  constructor(private readonly dir: string) {}

  /** Saves bytes and returns the storage key. */
  async save(bytes: Uint8Array, mimeType: string): Promise<string> {
    await mkdir(this.dir, { recursive: true });
    const ext = mimeType === 'application/pdf' ? 'pdf' : (mimeType.split('/')[1] ?? 'bin');
    const key = `${randomUUID()}.${ext.replace(/[^a-z0-9]/g, '')}`;
    await writeFile(path.join(this.dir, key), bytes, { mode: 0o600 });
    return key;
  }

  /** Reads a stored file. */
  async read(key: string): Promise<Buffer> {
    if (!/^[0-9a-f-]{36}\.[a-z0-9]+$/.test(key)) throw new Error('invalid attachment key');
    return readFile(path.join(this.dir, key));
  }
}
