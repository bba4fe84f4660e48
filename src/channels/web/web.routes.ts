/**
 * The web chat channel (the embedded default): the page at /chat and its small JSON API. A
 * browser session id (random, kept in the browser's localStorage) is the person's identity on
 * this channel; the conversation is read back from the database, so it survives a reload.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import express, { type Router } from 'express';
import { z } from 'zod';
import { ACCEPTED_MIME, type AttachmentStore, MAX_ATTACHMENT_BYTES } from '../../attachments/attachment-store.js';
import type { Engine } from '../../engine/engine.js';
import type { OutboundMessage } from '../../engine/messages.js';
import type { PeoplePort, StoredMessage } from '../../engine/ports.js';
import type { Translator } from '../../i18n.js';
import { sanitizeInbound } from '../../inbox/sanitize.js';
import { type UploadLimits, uploadGuard } from './upload-guard.js';

const PAGE = readFileSync(path.join(import.meta.dirname, 'chat.html'), 'utf8');

const session = z.string().regex(/^[A-Za-z0-9_-]{16,64}$/);
const postBody = z.object({
  session,
  /** The browser's id for this message, so a retried POST is not processed twice. */
  id: z.string().regex(/^[A-Za-z0-9_-]{8,64}$/),
  text: z.string().max(20_000).optional(),
  choice: z.string().max(200).optional(),
  lang: z.enum(['ar', 'en']).optional(),
});

/** The web chat's page strings, from the "web" namespace of the locales. */
function pageStrings(t: Translator): Record<'ar' | 'en', Record<string, string>> {
  const keys = ['title', 'placeholder', 'send', 'switch', 'offline', 'you', 'bot', 'retry', 'attach', 'tooLarge'];
  const out = { ar: {} as Record<string, string>, en: {} as Record<string, string> };
  for (const lang of ['ar', 'en'] as const) for (const k of keys) out[lang][k] = t.t(`web:${k}`, lang);
  return out;
}

/** A message as the page shows it. */
export interface ChatItem {
  id: number;
  from: 'person' | 'bot';
  text: string;
  choices?: { id: string; label: string }[];
}

function toItem(r: StoredMessage): ChatItem {
  if (r.direction === 'out') {
    const m = JSON.parse(r.body) as OutboundMessage;
    return { id: r.id, from: 'bot', text: m.text, ...(m.choices ? { choices: m.choices } : {}) };
  }
  const input = JSON.parse(r.body) as { kind: string; text?: string; id?: string; attachment?: { fileName?: string } };
  if (input.kind === 'attachment') return { id: r.id, from: 'person', text: `📎 ${input.attachment?.fileName ?? ''}`.trim() };
  return { id: r.id, from: 'person', text: input.text ?? '' };
}

/** Routes of the web chat. */
export function webChatRouter(deps: {
  engine: Engine;
  people: PeoplePort;
  translator: Translator;
  attachments: AttachmentStore;
  clock?: () => Date;
  /** Upload limits per person and per address (defaults in upload-guard.ts). */
  uploads?: UploadLimits;
}): Router {
  const router = express.Router();
  const strings = JSON.stringify(pageStrings(deps.translator)).replace(/</g, '\\u003c');
  const page = PAGE.replace('/*STRINGS*/{}', strings);
  const clock = deps.clock ?? (() => new Date());
  const uploads = uploadGuard(deps.uploads);

  router.get('/chat', (_req, res) => {
    res.type('html').set('Cache-Control', 'no-store').send(page);
  });

  router.get('/chat/api/messages', async (req, res) => {
    const s = session.safeParse(req.query.session);
    const after = Number(req.query.after ?? 0);
    if (!s.success || !Number.isFinite(after)) {
      res.status(400).json({ error: 'session (16-64 characters) and a numeric after are required' });
      return;
    }
    const rows = await deps.people.history('web', s.data, after);
    const person = await deps.people.contact('web', s.data);
    res.json({ lang: person?.language ?? null, messages: rows.map(toItem) });
  });

  router.post('/chat/api/messages', express.json({ limit: '100kb' }), async (req, res) => {
    const body = postBody.safeParse(req.body);
    if (!body.success || (body.data.text === undefined && body.data.choice === undefined)) {
      res.status(400).json({ error: 'expected { session, id, text | choice }' });
      return;
    }
    const b = body.data;
    const result = await deps.engine.handle(
      sanitizeInbound({
        channel: 'web',
        userId: b.session,
        messageId: `${b.session}:${b.id}`,
        at: clock(),
        input:
          b.choice !== undefined
            ? { kind: 'choice', id: b.choice, ...(b.text ? { text: b.text } : {}) }
            : { kind: 'text', text: b.text ?? '' },
        ...(b.lang ? { languageHint: b.lang } : {}),
      }),
    );
    res.json({ status: result.status, replies: result.replies });
  });

  // A photo or PDF from the page: stored, then handed to the engine as an attachment. A file of
  // another type or over the limit is not stored; the dialogue answers with what it accepts.
  router.post(
    '/chat/api/attachments',
    express.raw({ type: () => true, limit: MAX_ATTACHMENT_BYTES + 1024 }),
    async (req, res) => {
      const s = session.safeParse(req.query.session);
      const id = z
        .string()
        .regex(/^[A-Za-z0-9_-]{8,64}$/)
        .safeParse(req.query.id);
      const body = req.body as unknown;
      if (!s.success || !id.success || !Buffer.isBuffer(body)) {
        res.status(400).json({ error: 'expected ?session=&id= and the file as the body' });
        return;
      }
      const mimeType =
        String(req.headers['content-type'] ?? 'application/octet-stream')
          .split(';')[0]
          ?.trim() ?? '';
      const fileName = decodeFileName(req.headers['x-file-name']);
      if (fileName === null) {
        res.status(400).json({ error: 'X-File-Name must be a percent-encoded UTF-8 file name' });
        return;
      }
      // Limits per person and per address, per day: a flood of uploads is refused before it is stored.
      const refused = uploads.admit(s.data, req.ip ?? 'unknown', body.length, clock());
      if (refused) {
        res.status(429).json({ error: refused });
        return;
      }
      const accepted = ACCEPTED_MIME.has(mimeType) && body.length <= MAX_ATTACHMENT_BYTES;
      // The store names a file by its content: the same file uploaded again is stored once.
      const storageKey = accepted ? await deps.attachments.save(body, mimeType) : undefined;
      const kind = mimeType.startsWith('image/') ? 'image' : mimeType === 'application/pdf' ? 'document' : 'other';
      const result = await deps.engine.handle(
        sanitizeInbound({
          channel: 'web',
          userId: s.data,
          messageId: `${s.data}:${id.data}`,
          at: clock(),
          input: {
            kind: 'attachment',
            attachment: {
              kind,
              mimeType,
              size: body.length,
              ...(fileName ? { fileName } : {}),
              ...(storageKey ? { storageKey } : {}),
            },
          },
        }),
      );
      res.json({ status: result.status, replies: result.replies });
    },
  );

  router.get('/chat/api/session', (_req, res) => {
    res.json({ session: randomUUID().replace(/-/g, '') });
  });

  // A file over the body limit is answered plainly; the page tells the person in their language.
  router.use((err: { type?: string }, _req: express.Request, res: express.Response, next: express.NextFunction) => {
    if (err.type === 'entity.too.large') {
      res.status(413).json({ error: 'file too large', maxBytes: MAX_ATTACHMENT_BYTES });
      return;
    }
    next(err);
  });

  return router;
}

/** The file name of `X-File-Name` (percent-encoded UTF-8), at most 200 characters; null when malformed. */
function decodeFileName(header: string | string[] | undefined): string | undefined | null {
  if (header === undefined || header === '') return undefined;
  if (Array.isArray(header)) return null;
  try {
    const name = decodeURIComponent(header)
      .replace(/[\u0000-\u001f\u007f]/g, '')
      .slice(0, 200);
    return name.trim() || undefined;
  } catch {
    return null; // URIError: a stray % or bytes that are not UTF-8
  }
}
