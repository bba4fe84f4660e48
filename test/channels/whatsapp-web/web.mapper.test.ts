/**
 * The pure whatsapp-web.js mapping with message objects shaped like the library's: what is
 * ignored, what each message type becomes, and the numbered lists.
 */
import { describe, expect, it } from 'vitest';
import {
  isIgnored,
  phoneOfVCard,
  renderOutbound,
  toInbound,
  type WaWebMessage,
} from '../../../src/channels/whatsapp-web/web.mapper.js';

const NOW = new Date('2026-06-08T09:00:00Z');

function msg(over: Partial<WaWebMessage> = {}): WaWebMessage {
  return {
    id: { _serialized: 'false_966501234567@c.us_3EB0C767D82B0F2D6C2A' },
    from: '966501234567@c.us',
    fromMe: false,
    isStatus: false,
    type: 'chat',
    body: 'السلام عليكم',
    timestamp: 1780909200,
    hasMedia: false,
    downloadMedia: async () => null,
    ...over,
  };
}

describe('whatsapp-web mapper', () => {
  it('maps a 1:1 text with the chat id as user id', () => {
    expect(toInbound(msg(), NOW)?.message).toEqual({
      channel: 'whatsapp_web',
      userId: '966501234567@c.us',
      messageId: 'false_966501234567@c.us_3EB0C767D82B0F2D6C2A',
      at: new Date(1780909200 * 1000),
      input: { kind: 'text', text: 'السلام عليكم' },
    });
  });

  it('ignores groups, status broadcasts, channels, own messages and notices', () => {
    expect(isIgnored(msg({ from: '120363025246125486@g.us' }))).toBe(true);
    expect(isIgnored(msg({ from: 'status@broadcast', isStatus: true }))).toBe(true);
    expect(isIgnored(msg({ from: 'status@broadcast' }))).toBe(true);
    expect(isIgnored(msg({ from: '120363144038483540@newsletter' }))).toBe(true);
    expect(isIgnored(msg({ fromMe: true }))).toBe(true);
    expect(isIgnored(msg({ type: 'e2e_notification' }))).toBe(true);
    expect(isIgnored(msg({ type: 'revoked' }))).toBe(true);
    expect(isIgnored(msg({ from: '123456789012345@lid' }))).toBe(false);
    expect(toInbound(msg({ from: '120363025246125486@g.us' }), NOW)).toBeNull();
  });

  it('maps photos and documents to attachments to download, and location, contact and voice', () => {
    const image = toInbound(msg({ type: 'image', body: 'الهوية', hasMedia: true }), NOW);
    expect(image?.message.input).toEqual({ kind: 'attachment', attachment: { kind: 'image' }, caption: 'الهوية' });
    expect(image?.media).toEqual({ kind: 'image' });
    const doc = toInbound(msg({ type: 'document', body: '', hasMedia: true }), NOW);
    expect(doc?.message.input).toEqual({ kind: 'attachment', attachment: { kind: 'document' } });
    const loc = toInbound(msg({ type: 'location', body: '', location: { latitude: '24.7136', longitude: '46.6753' } }), NOW);
    expect(loc?.message.input).toEqual({ kind: 'location', latitude: 24.7136, longitude: 46.6753 });
    const vcard = 'BEGIN:VCARD\nVERSION:3.0\nFN:أخي\nitem1.TEL;waid=966551234567:+966 55 123 4567\nEND:VCARD';
    expect(toInbound(msg({ type: 'vcard', body: vcard, vCards: [vcard] }), NOW)?.message.input).toEqual({
      kind: 'contact',
      phone: '966551234567',
    });
    expect(phoneOfVCard('BEGIN:VCARD\nTEL;TYPE=CELL:+966 55 000 1111\nEND:VCARD')).toBe('+966 55 000 1111');
    expect(toInbound(msg({ type: 'ptt', body: '', hasMedia: true }), NOW)?.message.input).toEqual({
      kind: 'attachment',
      attachment: { kind: 'audio' },
    });
    expect(toInbound(msg({ type: 'poll_creation' }), NOW)?.message.input).toEqual({
      kind: 'attachment',
      attachment: { kind: 'other' },
    });
  });

  it('renders choices as a numbered list with ASCII digits', () => {
    expect(
      renderOutbound({
        text: 'كيف أستطيع مساعدتك؟',
        choices: [
          { id: 'inquiry', label: 'استفسار' },
          { id: 'request', label: 'تقديم طلب جديد' },
        ],
      }),
    ).toEqual(['كيف أستطيع مساعدتك؟\n\n1. استفسار\n2. تقديم طلب جديد']);
    expect(renderOutbound({ text: 'شكرًا لك' })).toEqual(['شكرًا لك']);
    const long = renderOutbound({ text: `${'سطر طويل\n'.repeat(600)}🌿`.repeat(1) });
    expect(long.length).toBe(2);
    for (const p of long) expect(p.length).toBeLessThanOrEqual(4096);
  });
});
