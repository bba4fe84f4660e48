/**
 * The WhatsApp Cloud API channel in the whole service, against a fake Graph API over real HTTP:
 * signed webhooks only, verification, full Arabic dialogues with buttons, lists and numbered
 * lists, de-duplication, delivery reports, the 24-hour window with an injected clock, error codes
 * and the media host check.
 */
import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SendError } from '../../../src/channels/channel.js';
import type { ChannelDeps, ChannelModule } from '../../../src/channels/module.js';
import { createWhatsappCloudChannel } from '../../../src/channels/whatsapp-cloud/cloud.channel.js';
import { outboxStatement } from '../../../src/db/turn-store.js';
import { Inbox } from '../../../src/inbox/inbox.js';
import { startApp, type TestApp } from '../../support/app.js';
import { TEST_PROFILE } from '../../support/profiles.js';
import { COMPLAINT, type DialoguePerson, JPEG, NATIONAL_ID, NEW_REQUEST, play, type Say, waitFor } from './dialogues.js';
import { envelope, FakeGraph, inbound, postWebhook, type SentMessage, sign, textOf } from './fake-graph.js';

const TOKEN = 'EAAGtestTokenForTheFakeGraph';
const PHONE_ID = '106540352242922';
const SECRET = 'a3f1c0ffee5ecret';
const VERIFY = 'verify-token-1234';
const TEMPLATE = { name: 'case_update', language: 'ar' };
const HOUR = 3_600_000;

let graph: FakeGraph;
let t: TestApp;
let cloud: ChannelModule;
let deps: ChannelDeps;
let offsetMs = 0;

beforeAll(async () => {
  graph = await FakeGraph.start(TOKEN, PHONE_ID);
  const profile = JSON.parse(readFileSync(TEST_PROFILE, 'utf8')) as Record<string, unknown>;
  const profilePath = path.join(tmpdir(), `wa-cloud-profile-${process.pid}-${Date.now()}.json`);
  writeFileSync(profilePath, JSON.stringify({ ...profile, whatsappTemplates: { notification: TEMPLATE } }));
  try {
    t = await startApp(
      {
        ORG_PROFILE: profilePath,
        WHATSAPP_CLOUD_TOKEN: TOKEN,
        WHATSAPP_CLOUD_PHONE_NUMBER_ID: PHONE_ID,
        WHATSAPP_CLOUD_APP_SECRET: SECRET,
        WHATSAPP_CLOUD_VERIFY_TOKEN: VERIFY,
        WHATSAPP_CLOUD_API_ROOT: graph.url,
      },
      {
        // The injected clock: tests move it to step outside the 24-hour window.
        clock: () => new Date(Date.now() + offsetMs),
        channels: (d) => {
          deps = d;
          cloud = createWhatsappCloudChannel(d);
          return [cloud];
        },
        dispatcher: { pollMs: 50, baseDelayMs: 50, maxDelayMs: 200 },
      },
    );
  } finally {
    rmSync(profilePath, { force: true });
  }
});

afterAll(async () => {
  await t?.close();
  await graph?.stop();
});

async function count(table: string, where = '1 = 1', params: (string | number)[] = []): Promise<number> {
  const r = await t.app.db.get<{ n: number }>(`SELECT COUNT(*) AS n FROM ${table} WHERE ${where}`, params);
  return Number(r?.n ?? 0);
}

function newWaId(): string {
  return `9665${String(Math.floor(Math.random() * 1e8)).padStart(8, '0')}`;
}

/** A person writing from WhatsApp: taps buttons and list rows when offered, types the number otherwise. */
class CloudPerson implements DialoguePerson {
  readonly used = new Set<string>();
  constructor(readonly waId = newWaId()) {}

  texts(): string[] {
    return graph.to(this.waId).map(textOf);
  }

  private last(): SentMessage | undefined {
    return graph.to(this.waId).at(-1);
  }

  async send(say: Say): Promise<void> {
    let message: Record<string, unknown>;
    if ('text' in say) message = { type: 'text', text: { body: say.text } };
    else if ('image' in say) {
      const id = `${Date.now()}${Math.floor(Math.random() * 1e6)}`;
      graph.media.set(id, { bytes: JPEG, mimeType: 'image/jpeg' });
      message = { type: 'image', image: { mime_type: 'image/jpeg', sha256: 'x', id } };
    } else {
      const interactive = this.last()?.payload.interactive as
        | { type: 'button'; action: { buttons: { reply: { id: string; title: string } }[] } }
        | { type: 'list'; action: { sections: { rows: { id: string; title: string; description?: string }[] }[] } }
        | undefined;
      const button =
        interactive?.type === 'button' ? interactive.action.buttons.find((b) => b.reply.id === say.choose) : undefined;
      const row =
        interactive?.type === 'list' ? interactive.action.sections[0]?.rows.find((r) => r.id === say.choose) : undefined;
      if (button) {
        this.used.add('button');
        message = {
          type: 'interactive',
          interactive: { type: 'button_reply', button_reply: { id: button.reply.id, title: button.reply.title } },
        };
      } else if (row) {
        this.used.add('list');
        message = { type: 'interactive', interactive: { type: 'list_reply', list_reply: { ...row } } };
      } else {
        this.used.add('numbered');
        message = { type: 'text', text: { body: String(say.n) } };
      }
    }
    const r = await postWebhook(t.url, inbound(PHONE_ID, this.waId, message), SECRET);
    expect(r.status).toBe(200);
  }
}

describe('WhatsApp Cloud webhook security', () => {
  it('answers 401 and stores nothing without a valid X-Hub-Signature-256', async () => {
    // Given a real delivery with Arabic and an emoji.
    const body = inbound(PHONE_ID, newWaId(), { type: 'text', text: { body: 'السلام عليكم 🌿' } });
    const raw = JSON.stringify(body);
    // When it comes unsigned, signed with another secret, tampered with, or with a malformed header.
    const attempts = [
      await postWebhook(t.url, body, SECRET, null),
      await postWebhook(t.url, body, SECRET, sign(raw, 'another-secret')),
      await postWebhook(t.url, body, SECRET, sign(raw.replace('السلام', 'السلام!'), SECRET)),
      await postWebhook(t.url, body, SECRET, 'sha256=zz'),
      await postWebhook(t.url, body, SECRET, sign(raw, SECRET).replace('sha256=', 'sha1=')),
    ];
    // Then: 401 each time, and no row anywhere.
    expect(attempts.map((a) => a.status)).toEqual([401, 401, 401, 401, 401]);
    expect(await count('inbox')).toBe(0);
    expect(await count('messages')).toBe(0);
    expect(await count('beneficiaries')).toBe(0);

    // And the same body correctly signed over its raw bytes is accepted.
    expect((await postWebhook(t.url, body, SECRET)).status).toBe(200);
    expect(await count('inbox')).toBe(1);
  });

  it('echoes hub.challenge for the right verify token only', async () => {
    const ok = await fetch(`${t.url}/whatsapp/webhook?hub.mode=subscribe&hub.verify_token=${VERIFY}&hub.challenge=1158201444`);
    expect(ok.status).toBe(200);
    expect(await ok.text()).toBe('1158201444');
    const wrong = await fetch(`${t.url}/whatsapp/webhook?hub.mode=subscribe&hub.verify_token=nope&hub.challenge=1158201444`);
    expect(wrong.status).toBe(403);
    const mode = await fetch(`${t.url}/whatsapp/webhook?hub.mode=unsubscribe&hub.verify_token=${VERIFY}&hub.challenge=1`);
    expect(mode.status).toBe(403);
  });
});

describe('WhatsApp Cloud dialogues', () => {
  it('carries the full Arabic new-request dialogue with buttons, lists, a numbered list and a photo', async () => {
    const person = new CloudPerson();
    await play(person, NEW_REQUEST);

    // The three renderings of choices were all used.
    expect([...person.used].sort()).toEqual(['button', 'list', 'numbered']);
    // Every interactive message kept within WhatsApp's limits.
    for (const m of graph.to(person.waId)) {
      const i = m.payload.interactive as
        | {
            type: string;
            body: { text: string };
            action: {
              buttons?: { reply: { title: string } }[];
              button?: string;
              sections?: { rows: { title: string; description?: string }[] }[];
            };
          }
        | undefined;
      if (!i) continue;
      expect(Array.from(i.body.text).length).toBeLessThanOrEqual(1024);
      for (const b of i.action.buttons ?? []) expect(Array.from(b.reply.title).length).toBeLessThanOrEqual(20);
      for (const r of i.action.sections?.[0]?.rows ?? []) {
        expect(Array.from(r.title).length).toBeLessThanOrEqual(24);
        expect(Array.from(r.description ?? '').length).toBeLessThanOrEqual(72);
      }
      if (i.type === 'list') expect(i.action.button).toBe('الخيارات');
    }

    // The request is recorded with the channel it came from and the photo in the attachment store.
    const req = await t.app.db.get<{ channel: string; status: string; data: string }>(
      "SELECT r.channel, r.status, r.data FROM requests r JOIN beneficiaries b ON b.id = r.beneficiary_id WHERE b.channel = 'whatsapp_cloud' AND b.platform_user_id = ?",
      [person.waId],
    );
    expect(req?.channel).toBe('whatsapp_cloud');
    expect(req?.status).toBe('submitted');
    const data = JSON.parse(req?.data ?? '{}') as Record<string, unknown>;
    expect(data.national_id).toBe(NATIONAL_ID);
    const key = String(data.id_document);
    const file = path.join(t.dir, 'attachments', key);
    expect(existsSync(file)).toBe(true);
    expect(readFileSync(file).equals(JPEG)).toBe(true);
  });

  it('carries the full Arabic complaint dialogue', async () => {
    const person = new CloudPerson();
    await play(person, COMPLAINT);
    const row = await t.app.db.get<{ category: string; channel: string; description: string }>(
      'SELECT c.category, c.channel, c.description FROM complaints c JOIN beneficiaries b ON b.id = c.beneficiary_id WHERE b.platform_user_id = ?',
      [person.waId],
    );
    expect(row).toMatchObject({ category: 'delay', channel: 'whatsapp_cloud' });
    expect(row?.description).toContain('😞');
  });

  it('processes the same message id delivered three times concurrently once', async () => {
    const person = new CloudPerson();
    const body = inbound(PHONE_ID, person.waId, { type: 'text', text: { body: 'مرحبا' } });
    const id =
      (body as { entry: { changes: { value: { messages: { id: string }[] } }[] }[] }).entry[0]?.changes[0]?.value.messages[0]
        ?.id ?? '';
    const results = await Promise.all([1, 2, 3].map(() => postWebhook(t.url, body, SECRET)));
    expect(results.map((r) => r.status)).toEqual([200, 200, 200]);
    await waitFor(
      () => person.texts().some((x) => /كيف أستطيع مساعدتك/.test(x)),
      () => 'the menu',
    );
    await new Promise((r) => setTimeout(r, 300));
    expect(await count('inbox', 'channel = ? AND external_id = ?', ['whatsapp_cloud', id])).toBe(1);
    expect(await count('messages', "channel = 'whatsapp_cloud' AND platform_message_id = ?", [id])).toBe(1);
    expect(person.texts()).toHaveLength(2); // welcome + menu, once
  });
});

describe('WhatsApp Cloud delivery reports', () => {
  it('records sent, delivered and read against the outbox row, never going backwards', async () => {
    const person = new CloudPerson();
    await person.send({ text: 'مرحبا' });
    await waitFor(
      () => person.texts().length >= 2,
      () => 'two replies',
    );
    const first = graph.to(person.waId)[0] as SentMessage;
    await waitFor(
      async () => (await count('outbox', 'platform_message_id = ?', [first.wamid])) === 1,
      () => 'the outbox row to carry the wamid',
    );
    const status = (s: string, extra: Record<string, unknown> = {}) =>
      envelope(PHONE_ID, {
        statuses: [
          { id: first.wamid, status: s, timestamp: String(Math.floor(Date.now() / 1000)), recipient_id: person.waId, ...extra },
        ],
      });
    const delivery = async () =>
      (
        await t.app.db.get<{ d: string | null }>('SELECT delivery_status AS d FROM outbox WHERE platform_message_id = ?', [
          first.wamid,
        ])
      )?.d;

    expect((await postWebhook(t.url, status('sent'), SECRET)).status).toBe(200);
    expect(await delivery()).toBe('sent');
    await postWebhook(t.url, status('read'), SECRET);
    expect(await delivery()).toBe('read');
    // A late "delivered" does not overwrite "read".
    await postWebhook(t.url, status('delivered'), SECRET);
    expect(await delivery()).toBe('read');
  });

  it('records a failed delivery; an undeliverable number (131026) marks the person unreachable', async () => {
    const person = new CloudPerson();
    await person.send({ text: 'مرحبا' });
    await waitFor(
      () => person.texts().length >= 2,
      () => 'two replies',
    );
    const last = graph.to(person.waId).at(-1) as SentMessage;
    await waitFor(
      async () => (await count('outbox', 'platform_message_id = ?', [last.wamid])) === 1,
      () => 'the outbox row to carry the wamid',
    );
    const failed = envelope(PHONE_ID, {
      statuses: [
        {
          id: last.wamid,
          status: 'failed',
          timestamp: String(Math.floor(Date.now() / 1000)),
          recipient_id: person.waId,
          errors: [{ code: 131026, title: 'Message undeliverable', error_data: { details: 'x' } }],
        },
      ],
    });
    expect((await postWebhook(t.url, failed, SECRET)).status).toBe(200);
    const row = await t.app.db.get<{ d: string; e: string }>(
      'SELECT delivery_status AS d, last_error AS e FROM outbox WHERE platform_message_id = ?',
      [last.wamid],
    );
    expect(row).toEqual({ d: 'failed', e: 'failed: 131026' });
    const b = await t.app.db.get<{ u: unknown }>(
      "SELECT unreachable AS u FROM beneficiaries WHERE channel = 'whatsapp_cloud' AND platform_user_id = ?",
      [person.waId],
    );
    expect(Number(b?.u)).toBe(1);
  });
});

describe('WhatsApp Cloud 24-hour window', () => {
  /** Queues a notification as the decisions API does. */
  async function notify(waId: string, text: string): Promise<void> {
    await t.app.db.batch([outboxStatement('whatsapp_cloud', waId, { text }, new Date(Date.now() + offsetMs))]);
    t.app.dispatcher.kick();
  }

  it('sends the approved template 25 hours after the last message, a normal message within 24 hours', async () => {
    const person = new CloudPerson();
    await person.send({ text: 'مرحبا' });
    await waitFor(
      () => person.texts().length >= 2,
      () => 'two replies',
    );
    try {
      // Given the clock 25 hours after the person's last message.
      offsetMs = 25 * HOUR;
      await notify(person.waId, 'تم اعتماد طلبك R-7KQ3-M9XD.\nسيتواصل معك فريق الجمعية.');
      await waitFor(
        () => graph.to(person.waId).length >= 3,
        () => 'the notification',
      );
      const sent = graph.to(person.waId)[2] as SentMessage;
      expect(sent.type).toBe('template');
      expect(sent.payload.template).toEqual({
        name: TEMPLATE.name,
        language: { code: TEMPLATE.language },
        components: [
          { type: 'body', parameters: [{ type: 'text', text: 'تم اعتماد طلبك R-7KQ3-M9XD. — سيتواصل معك فريق الجمعية.' }] },
        ],
      });

      // Given the clock one hour after the last message: a normal message.
      offsetMs = 1 * HOUR;
      await notify(person.waId, 'تذكير: موعدك غدًا');
      await waitFor(
        () => graph.to(person.waId).length >= 4,
        () => 'the second notification',
      );
      const inside = graph.to(person.waId)[3] as SentMessage;
      expect(inside.type).toBe('text');
      expect(textOf(inside)).toBe('تذكير: موعدك غدًا');
    } finally {
      offsetMs = 0;
    }
  });

  it('falls back to the template when Meta answers 131047 (re-engagement), at once or in a delivery report', async () => {
    const person = new CloudPerson();
    await person.send({ text: 'مرحبا' });
    await waitFor(
      () => person.texts().length >= 2,
      () => 'two replies',
    );
    // At once: the send is refused with 131047.
    graph.failures.push({ status: 400, code: 131047, when: (p) => p.type !== 'template' && p.to === person.waId });
    await notify(person.waId, 'إشعار أول');
    await waitFor(
      () => graph.to(person.waId).length >= 3,
      () => 'the template',
    );
    expect(graph.to(person.waId)[2]?.type).toBe('template');

    // Later: a normal message is accepted, then reported failed with 131047.
    await notify(person.waId, 'إشعار ثانٍ');
    await waitFor(
      () => graph.to(person.waId).length >= 4,
      () => 'the text',
    );
    const text = graph.to(person.waId)[3] as SentMessage;
    expect(text.type).toBe('text');
    await waitFor(
      async () => (await count('outbox', 'platform_message_id = ?', [text.wamid])) === 1,
      () => 'the wamid recorded',
    );
    const failed = envelope(PHONE_ID, {
      statuses: [
        { id: text.wamid, status: 'failed', timestamp: '1700000000', recipient_id: person.waId, errors: [{ code: 131047 }] },
      ],
    });
    await postWebhook(t.url, failed, SECRET);
    await postWebhook(t.url, failed, SECRET); // a repeated report re-sends nothing more
    await waitFor(
      () => graph.to(person.waId).length >= 5,
      () => 'the template after the report',
    );
    await new Promise((r) => setTimeout(r, 200));
    const after = graph.to(person.waId).slice(4);
    expect(after.map((m) => m.type)).toEqual(['template']);
    expect(textOf(after[0] as SentMessage)).toBe('إشعار ثانٍ');
  });
});

describe('WhatsApp Cloud errors and media', () => {
  it('classifies Graph API errors for the dispatcher', async () => {
    const person = new CloudPerson();
    await person.send({ text: 'مرحبا' });
    await waitFor(
      () => person.texts().length >= 2,
      () => 'two replies',
    );
    const attempt = async (status: number, code: number): Promise<SendError> => {
      graph.failures.push({ status, code, when: (p) => p.to === person.waId });
      const e = await cloud.sender.send(person.waId, { text: 'رسالة' }).then(
        () => null,
        (err: unknown) => err,
      );
      expect(e).toBeInstanceOf(SendError);
      return e as SendError;
    };
    expect((await attempt(400, 131026)).kind).toBe('unreachable');
    for (const code of [130429, 131056, 80007]) {
      const e = await attempt(code === 130429 ? 429 : 400, code);
      expect(e.kind).toBe('retry');
      expect(e.retryAfterMs).toBeGreaterThan(0);
    }
    expect((await attempt(500, 131000)).kind).toBe('retry');
    expect((await attempt(401, 190)).kind).toBe('fatal');
    expect(cloud.health().state).toBe('down');
    expect((await attempt(400, 132001)).kind).toBe('fatal');
    // The next successful send shows the channel up again.
    await cloud.sender.send(person.waId, { text: 'رسالة' });
    expect(cloud.health()).toEqual({ state: 'up' });

    // Outside the window without an approved template: fatal, without calling Meta.
    const logger = pino({ level: 'silent' });
    const noTemplate = createWhatsappCloudChannel({
      ...deps,
      profile: { ...deps.profile, whatsappTemplates: undefined },
      clock: () => new Date(Date.now() + 30 * HOUR),
      inbox: new Inbox({ db: t.app.db, engine: t.app.engine, logger }),
      logger,
    });
    const before = graph.sent.length;
    const e = await noTemplate.sender.send(person.waId, { text: 'إشعار' }).catch((err: unknown) => err);
    expect(e).toBeInstanceOf(SendError);
    expect((e as SendError).kind).toBe('fatal');
    expect(graph.sent.length).toBe(before);
  });

  it('downloads media only from the Graph API or Meta CDN hosts, and not beyond the size limit', async () => {
    const person = new CloudPerson();
    const evil = `evil${randomUUID().slice(0, 8)}`;
    const big = `big${randomUUID().slice(0, 8)}`;
    graph.media.set(evil, { bytes: JPEG, mimeType: 'image/jpeg', url: 'https://evil.example.com/x.jpg' });
    graph.media.set(big, { bytes: JPEG, mimeType: 'image/jpeg', fileSize: 20 * 1024 * 1024 });
    for (const id of [evil, big])
      await postWebhook(
        t.url,
        inbound(PHONE_ID, person.waId, { type: 'image', image: { mime_type: 'image/jpeg', sha256: 'x', id } }),
        SECRET,
      );
    await waitFor(
      async () =>
        (await count(
          'messages',
          "direction = 'in' AND channel = 'whatsapp_cloud' AND body LIKE '%attachment%' AND beneficiary_id IN (SELECT id FROM beneficiaries WHERE platform_user_id = ?)",
          [person.waId],
        )) === 2,
      () => 'both images processed',
    );
    // Looked up, but neither downloaded.
    expect(graph.mediaRequests.filter((p) => p.includes(evil) || p.includes(big))).toEqual([`/${evil}`, `/${big}`]);
    const rows = await t.app.db.all<{ body: string }>(
      "SELECT m.body FROM messages m JOIN beneficiaries b ON b.id = m.beneficiary_id WHERE b.platform_user_id = ? AND m.direction = 'in' ORDER BY m.id",
      [person.waId],
    );
    const inputs = rows.map((r) => JSON.parse(r.body) as { attachment: { kind: string; size?: number; storageKey?: string } });
    expect(inputs[0]?.attachment).toEqual({ kind: 'other' });
    expect(inputs[1]?.attachment.kind).toBe('image');
    expect(inputs[1]?.attachment.storageKey).toBeUndefined();
    expect(inputs[1]?.attachment.size).toBe(20 * 1024 * 1024);
  });

  it('ignores deliveries for another phone number of the same account', async () => {
    const before = await count('inbox');
    const other = inbound('999999999999', newWaId(), { type: 'text', text: { body: 'مرحبا' } });
    expect((await postWebhook(t.url, other, SECRET)).status).toBe(200);
    expect(await count('inbox')).toBe(before);
  });
});
