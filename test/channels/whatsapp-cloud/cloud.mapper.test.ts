/**
 * The pure parts of the Cloud API channel with real payload shapes: webhook → inbound messages,
 * outbound messages → buttons / lists / numbered text / templates, the error classification, the
 * media host check and the signature check.
 */
import { describe, expect, it } from 'vitest';
import { verifySignature } from '../../../src/channels/whatsapp-cloud/cloud.channel.js';
import { classifyGraphError, GraphError, isAllowedMediaUrl } from '../../../src/channels/whatsapp-cloud/cloud.graph.js';
import {
  type CloudMessage,
  chunkText,
  parseWebhook,
  renderOutbound,
  splitForInteractive,
  templatePayload,
  toInbound,
  truncate,
} from '../../../src/channels/whatsapp-cloud/cloud.mapper.js';
import { envelope, sign } from './fake-graph.js';

const PHONE_ID = '106540352242922';
const NOW = new Date('2026-06-08T09:00:00Z');
const base = { from: '966501234567', id: 'wamid.HBgMOTY2NTAxMjM0NTY3FQIAEhgUM0EB', timestamp: '1780909200' };

function one(message: Record<string, unknown>): CloudMessage {
  const parsed = parseWebhook(envelope(PHONE_ID, { messages: [{ ...base, ...message }] }), PHONE_ID);
  expect(parsed.messages).toHaveLength(1);
  return parsed.messages[0] as CloudMessage;
}

describe('parseWebhook and toInbound', () => {
  it('maps a text, with the sender as user id and the message time', () => {
    const m = toInbound(one({ type: 'text', text: { body: 'ابغى اقدم على مساعدة' } }), NOW);
    expect(m?.message).toEqual({
      channel: 'whatsapp_cloud',
      userId: '966501234567',
      messageId: base.id,
      at: new Date(1780909200 * 1000),
      input: { kind: 'text', text: 'ابغى اقدم على مساعدة' },
    });
  });

  it('maps button and list replies to choices by id', () => {
    const button = toInbound(
      one({ type: 'interactive', interactive: { type: 'button_reply', button_reply: { id: 'accept', title: 'أوافق' } } }),
      NOW,
    );
    expect(button?.message.input).toEqual({ kind: 'choice', id: 'accept', text: 'أوافق' });
    const list = toInbound(
      one({
        type: 'interactive',
        interactive: {
          type: 'list_reply',
          list_reply: { id: 'type:training_program', title: 'التسجيل في برنامج…', description: 'x' },
        },
      }),
      NOW,
    );
    expect(list?.message.input).toMatchObject({ kind: 'choice', id: 'type:training_program' });
  });

  it('maps photos and documents to attachments still to download, and location and contacts', () => {
    const image = toInbound(
      one({ type: 'image', image: { caption: 'الهوية', mime_type: 'image/jpeg', sha256: 'abc', id: '1479537139650973' } }),
      NOW,
    );
    expect(image?.message.input).toEqual({
      kind: 'attachment',
      attachment: { kind: 'image', mimeType: 'image/jpeg' },
      caption: 'الهوية',
    });
    expect(image?.media).toEqual({ id: '1479537139650973', kind: 'image', mimeType: 'image/jpeg' });
    const doc = toInbound(
      one({ type: 'document', document: { filename: 'تعريف.pdf', mime_type: 'application/pdf', sha256: 'a', id: '77' } }),
      NOW,
    );
    expect(doc?.message.input).toEqual({
      kind: 'attachment',
      attachment: { kind: 'document', mimeType: 'application/pdf', fileName: 'تعريف.pdf' },
    });
    const loc = toInbound(one({ type: 'location', location: { latitude: 24.7136, longitude: 46.6753, name: 'الرياض' } }), NOW);
    expect(loc?.message.input).toEqual({ kind: 'location', latitude: 24.7136, longitude: 46.6753 });
    const contact = toInbound(
      one({
        type: 'contacts',
        contacts: [
          { name: { formatted_name: 'أخي' }, phones: [{ phone: '+966 55 123 4567', wa_id: '966551234567', type: 'CELL' }] },
        ],
      }),
      NOW,
    );
    expect(contact?.message.input).toEqual({ kind: 'contact', phone: '966551234567' });
  });

  it('answers unsupported kinds politely and ignores reactions', () => {
    const voice = toInbound(
      one({ type: 'audio', audio: { mime_type: 'audio/ogg; codecs=opus', sha256: 'a', id: '9', voice: true } }),
      NOW,
    );
    expect(voice?.message.input).toEqual({
      kind: 'attachment',
      attachment: { kind: 'audio', mimeType: 'audio/ogg; codecs=opus' },
    });
    expect(voice?.media).toBeUndefined();
    const unknown = toInbound(one({ type: 'unsupported', errors: [{ code: 131051, title: 'Message type unknown' }] }), NOW);
    expect(unknown?.message.input).toEqual({ kind: 'attachment', attachment: { kind: 'other' } });
    expect(toInbound(one({ type: 'reaction', reaction: { message_id: 'wamid.x', emoji: '👍' } }), NOW)).toBeNull();
  });

  it('keeps statuses, skips other phone numbers, and counts malformed items', () => {
    const body = envelope(PHONE_ID, {
      statuses: [{ id: 'wamid.1', status: 'delivered', timestamp: '1', recipient_id: '966500000000' }],
      messages: [{ id: 'no-from', type: 'text' }],
    });
    const parsed = parseWebhook(body, PHONE_ID);
    expect(parsed.statuses).toEqual([{ id: 'wamid.1', status: 'delivered', recipient_id: '966500000000' }]);
    expect(parsed.malformed).toBe(1);
    expect(parseWebhook(body, '1').statuses).toEqual([]);
    expect(parseWebhook('not json', PHONE_ID).malformed).toBe(1);
  });
});

describe('renderOutbound', () => {
  const to = '966501234567';

  it('sends up to three short choices as reply buttons', () => {
    const [p, ...rest] = renderOutbound(
      to,
      {
        text: 'هل توافق؟',
        choices: [
          { id: 'accept', label: 'أوافق' },
          { id: 'decline', label: 'لا أوافق' },
        ],
      },
      'الخيارات',
    );
    expect(rest).toEqual([]);
    expect(p).toEqual({
      messaging_product: 'whatsapp',
      recipient_type: 'individual',
      to,
      type: 'interactive',
      interactive: {
        type: 'button',
        body: { text: 'هل توافق؟' },
        action: {
          buttons: [
            { type: 'reply', reply: { id: 'accept', title: 'أوافق' } },
            { type: 'reply', reply: { id: 'decline', title: 'لا أوافق' } },
          ],
        },
      },
    });
  });

  it('uses a list when a label is too long for a button: the title is cut, the description holds it, the id is kept', () => {
    const label = 'أخرى (سكن مع الأقارب، سكن خيري...)';
    const [p] = renderOutbound(
      to,
      {
        text: 'نوع السكن',
        choices: [
          { id: 'opt:owned', label: 'ملك' },
          { id: 'opt:rented', label: 'إيجار' },
          { id: 'opt:other', label },
        ],
      },
      'الخيارات',
    );
    const i = (
      p as {
        interactive: {
          type: string;
          action: { button: string; sections: { rows: { id: string; title: string; description?: string }[] }[] };
        };
      }
    ).interactive;
    expect(i.type).toBe('list');
    expect(i.action.button).toBe('الخيارات');
    const rows = i.action.sections[0]?.rows ?? [];
    expect(rows.map((r) => r.id)).toEqual(['opt:owned', 'opt:rented', 'opt:other']);
    expect(rows[0]).toEqual({ id: 'opt:owned', title: 'ملك' });
    expect(Array.from(rows[2]?.title ?? '').length).toBe(24);
    expect(rows[2]?.title.endsWith('…')).toBe(true);
    expect(rows[2]?.description).toBe(label);
  });

  it('numbers rows whose cut titles would read the same', () => {
    const choices = ['تعديل: رقم الهوية الوطنية أو الإقامة', 'تعديل: رقم الهوية الوطنية للزوج'].map((label, i) => ({
      id: `e${i}`,
      label,
    }));
    const [p] = renderOutbound(to, { text: 'x', choices }, 'Options');
    const rows =
      (p as { interactive: { action: { sections: { rows: { title: string }[] }[] } } }).interactive.action.sections[0]?.rows ??
      [];
    expect(rows[0]?.title.startsWith('1. ')).toBe(true);
    expect(rows[1]?.title.startsWith('2. ')).toBe(true);
    expect(new Set(rows.map((r) => r.title)).size).toBe(2);
  });

  it('falls back to a numbered text beyond ten choices', () => {
    const choices = Array.from({ length: 14 }, (_, i) => ({ id: `c${i}`, label: `خيار ${i + 1}` }));
    const out = renderOutbound(to, { text: 'راجع البيانات:', choices }, 'الخيارات');
    expect(out).toHaveLength(1);
    expect(out[0]).toMatchObject({ type: 'text', text: { preview_url: false } });
    const body = (out[0] as { text: { body: string } }).text.body;
    expect(body.startsWith('راجع البيانات:\n\n1. خيار 1\n2. خيار 2')).toBe(true);
    expect(body.endsWith('14. خيار 14')).toBe(true);
  });

  it('sends a long text before the buttons and keeps the question with them', () => {
    const intro = 'نص طويل. '.repeat(150); // > 1024 characters
    const out = renderOutbound(to, { text: `${intro.trim()}\n\nهل توافق؟`, choices: [{ id: 'yes', label: 'نعم' }] }, 'الخيارات');
    expect(out.map((p) => p.type)).toEqual(['text', 'interactive']);
    expect((out[1] as { interactive: { body: { text: string } } }).interactive.body.text).toBe('هل توافق؟');
    const split = splitForInteractive('أ'.repeat(3000));
    expect(split.lead.length).toBeGreaterThan(0);
    expect(Array.from(split.body).length).toBeLessThanOrEqual(1024);
  });

  it('splits texts over 4096 characters without cutting an emoji', () => {
    const text = `${'🌿'.repeat(4095)} ${'ب'.repeat(100)}`;
    const parts = chunkText(text, 4096);
    expect(parts.length).toBe(2);
    for (const p of parts) expect(Array.from(p).length).toBeLessThanOrEqual(4096);
    expect(parts.join('').includes('\ufffd')).toBe(false);
    expect(truncate('مرحبا بك في الجمعية', 6)).toBe('مرحبا…');
  });

  it('puts the text in a template body parameter, flattened, with the choices numbered', () => {
    const p = templatePayload(
      to,
      {
        text: 'كيف تقيّم الخدمة؟\n\nاختر من 1 إلى 5',
        choices: [
          { id: 'r5', label: 'ممتازة' },
          { id: 'r1', label: 'ضعيفة' },
        ],
      },
      { name: 'case_update', language: 'ar' },
    );
    expect(p).toEqual({
      messaging_product: 'whatsapp',
      recipient_type: 'individual',
      to,
      type: 'template',
      template: {
        name: 'case_update',
        language: { code: 'ar' },
        components: [
          { type: 'body', parameters: [{ type: 'text', text: 'كيف تقيّم الخدمة؟ — اختر من 1 إلى 5 1) ممتازة 2) ضعيفة' }] },
        ],
      },
    });
  });
});

describe('Graph API errors, media hosts and signatures', () => {
  it('classifies error codes', () => {
    const k = (status: number, code?: number) => {
      const e = classifyGraphError(new GraphError(status, code));
      return [e.kind, e.retryAfterMs !== undefined && e.retryAfterMs > 0];
    };
    expect(k(400, 131026)).toEqual(['unreachable', false]);
    expect(k(429, 130429)).toEqual(['retry', true]);
    expect(k(400, 131056)).toEqual(['retry', true]);
    expect(k(400, 80007)).toEqual(['retry', true]);
    expect(k(401, 190)).toEqual(['fatal', false]);
    expect(k(400, 132000)).toEqual(['fatal', false]);
    expect(k(503)).toEqual(['retry', false]);
    expect(k(400)).toEqual(['fatal', false]);
    expect(classifyGraphError(new TypeError('fetch failed')).kind).toBe('retry');
    expect(new GraphError(400, 131026).message).not.toMatch(/966/);
  });

  it('allows media only from the Graph API origin or Meta CDN hosts over HTTPS', () => {
    const root = 'https://graph.facebook.com/v21.0';
    expect(isAllowedMediaUrl('https://lookaside.fbsbx.com/whatsapp_business/attachments/?mid=1&ext=2', root)).toBe(true);
    expect(isAllowedMediaUrl('https://scontent.xx.fbcdn.net/v/t1/1.jpg', root)).toBe(true);
    expect(isAllowedMediaUrl('https://graph.facebook.com/v21.0/123', root)).toBe(true);
    expect(isAllowedMediaUrl('http://lookaside.fbsbx.com/x', root)).toBe(false);
    expect(isAllowedMediaUrl('https://fbcdn.net.evil.example/x', root)).toBe(false);
    expect(isAllowedMediaUrl('https://lookaside.fbsbx.com.evil.example/x', root)).toBe(false);
    expect(isAllowedMediaUrl('https://user:pw@lookaside.fbsbx.com/x', root)).toBe(false);
    expect(isAllowedMediaUrl('http://169.254.169.254/latest/meta-data', root)).toBe(false);
    expect(isAllowedMediaUrl('file:///etc/passwd', root)).toBe(false);
    expect(isAllowedMediaUrl('http://127.0.0.1:4000/download/1', 'http://127.0.0.1:4000')).toBe(true);
    expect(isAllowedMediaUrl('http://127.0.0.1:4001/download/1', 'http://127.0.0.1:4000')).toBe(false);
  });

  it('verifies X-Hub-Signature-256 over the raw bytes', () => {
    const raw = Buffer.from(JSON.stringify({ text: 'السلام عليكم 🌿' }), 'utf8');
    expect(verifySignature(raw, sign(raw, 's3cret'), 's3cret')).toBe(true);
    expect(verifySignature(raw, sign(raw, 's3cret').toUpperCase().replace('SHA256=', 'sha256='), 's3cret')).toBe(true);
    expect(verifySignature(raw, sign(raw, 'other'), 's3cret')).toBe(false);
    expect(verifySignature(raw, undefined, 's3cret')).toBe(false);
    expect(verifySignature(raw, 'sha256=', 's3cret')).toBe(false);
    // The same JSON re-serialised is other bytes: only the raw body verifies.
    const reserialised = Buffer.from(JSON.stringify(JSON.parse(raw.toString('utf8')), null, 1), 'utf8');
    expect(verifySignature(reserialised, sign(raw, 's3cret'), 's3cret')).toBe(false);
  });
});
