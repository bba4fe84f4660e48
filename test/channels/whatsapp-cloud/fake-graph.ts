/**
 * A local stand-in for Meta's Graph API over real HTTP (node:http on 127.0.0.1, a random port):
 * `POST /{phone-number-id}/messages`, `GET /{media-id}` and the media download, with the response
 * and error shapes of the Cloud API. Plus builders of real webhook payloads and a signed POST.
 */
import { createHmac } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A message the fake received, with the payload as sent. */
export interface SentMessage {
  to: string;
  type: string;
  payload: Record<string, unknown>;
  wamid: string;
}

/** A planned refusal of the next matching send. */
export interface PlannedFailure {
  status: number;
  code: number;
  /** Only sends for which this is true fail (default: any). */
  when?: (payload: Record<string, unknown>) => boolean;
}

/** A media object the fake serves. */
export interface FakeMedia {
  bytes: Buffer;
  mimeType: string;
  /** Overrides the download URL given by `GET /{media-id}` (to test the host check). */
  url?: string;
  /** Overrides the reported file_size. */
  fileSize?: number;
}

/** The fake Graph API. */
export class FakeGraph {
  readonly sent: SentMessage[] = [];
  readonly failures: PlannedFailure[] = [];
  readonly media = new Map<string, FakeMedia>();
  /** Paths of every media lookup and download, in order. */
  readonly mediaRequests: string[] = [];
  private n = 0;

  private constructor(
    private readonly server: Server,
    readonly url: string,
    readonly token: string,
    readonly phoneNumberId: string,
  ) {}

  /** Starts the fake on a free port of 127.0.0.1. */
  static async start(token: string, phoneNumberId: string): Promise<FakeGraph> {
    let self: FakeGraph | null = null;
    const server = createServer((req, res) => {
      void self?.handle(req, res);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    self = new FakeGraph(server, `http://127.0.0.1:${port}`, token, phoneNumberId);
    return self;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /** Messages sent to one WhatsApp id, in order. */
  to(waId: string): SentMessage[] {
    return this.sent.filter((m) => m.to === waId);
  }

  private json(res: ServerResponse, status: number, body: unknown): void {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  }

  private error(res: ServerResponse, status: number, code: number): void {
    this.json(res, status, {
      error: {
        message: `(#${code}) fake error`,
        type: 'OAuthException',
        code,
        error_data: { messaging_product: 'whatsapp' },
        fbtrace_id: 'Afake',
      },
    });
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const url = new URL(req.url ?? '/', this.url);
    if (req.headers.authorization !== `Bearer ${this.token}`) return this.error(res, 401, 190);

    if (req.method === 'POST' && url.pathname === `/${this.phoneNumberId}/messages`) {
      const payload = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>;
      const i = this.failures.findIndex((f) => !f.when || f.when(payload));
      if (i >= 0) {
        const [f] = this.failures.splice(i, 1);
        if (f) return this.error(res, f.status, f.code);
      }
      const wamid = `wamid.FAKE${String(++this.n).padStart(6, '0')}`;
      const to = String(payload.to);
      this.sent.push({ to, type: String(payload.type), payload, wamid });
      return this.json(res, 200, {
        messaging_product: 'whatsapp',
        contacts: [{ input: to, wa_id: to }],
        messages: [{ id: wamid }],
      });
    }

    if (req.method === 'GET' && url.pathname.startsWith('/download/')) {
      this.mediaRequests.push(url.pathname);
      const m = this.media.get(decodeURIComponent(url.pathname.slice('/download/'.length)));
      if (!m) return this.error(res, 404, 100);
      res.writeHead(200, { 'content-type': m.mimeType, 'content-length': String(m.bytes.length) });
      res.end(m.bytes);
      return;
    }

    if (req.method === 'GET') {
      const id = decodeURIComponent(url.pathname.slice(1));
      this.mediaRequests.push(url.pathname);
      const m = this.media.get(id);
      if (!m) return this.error(res, 400, 100);
      return this.json(res, 200, {
        messaging_product: 'whatsapp',
        url: m.url ?? `${this.url}/download/${encodeURIComponent(id)}`,
        mime_type: m.mimeType,
        sha256: 'fake',
        file_size: m.fileSize ?? m.bytes.length,
        id,
      });
    }
    this.error(res, 404, 100);
  }
}

/** The visible text of a sent payload (text body, interactive body, or template parameter). */
export function textOf(m: SentMessage): string {
  const p = m.payload as {
    text?: { body: string };
    interactive?: { body: { text: string } };
    template?: { components: { parameters: { text: string }[] }[] };
  };
  return p.text?.body ?? p.interactive?.body.text ?? p.template?.components[0]?.parameters[0]?.text ?? '';
}

// ---- webhook payloads (the Cloud API's shapes) ----------------------------------------------------

let seq = 0;
/** A fresh WhatsApp message id. */
export function wamid(): string {
  return `wamid.HBgM${Date.now().toString(36)}${(++seq).toString(36)}AA==`;
}

/** The envelope Meta posts: one entry, one change, for our phone number. */
export function envelope(
  phoneNumberId: string,
  value: { messages?: unknown[]; statuses?: unknown[]; contacts?: unknown[] },
): unknown {
  return {
    object: 'whatsapp_business_account',
    entry: [
      {
        id: '102290129340398',
        changes: [
          {
            value: {
              messaging_product: 'whatsapp',
              metadata: { display_phone_number: '15550783881', phone_number_id: phoneNumberId },
              ...value,
            },
            field: 'messages',
          },
        ],
      },
    ],
  };
}

/** An inbound message envelope with the sender's contact. */
export function inbound(phoneNumberId: string, from: string, message: Record<string, unknown>): unknown {
  return envelope(phoneNumberId, {
    contacts: [{ profile: { name: 'مستفيد تجريبي' }, wa_id: from }],
    messages: [{ from, id: wamid(), timestamp: String(Math.floor(Date.now() / 1000)), ...message }],
  });
}

/** Signs a raw body as Meta does. */
export function sign(raw: string | Buffer, secret: string): string {
  return `sha256=${createHmac('sha256', secret).update(raw).digest('hex')}`;
}

/** POSTs a webhook body (signed with `secret` unless `signature` overrides it). */
export async function postWebhook(
  appUrl: string,
  body: unknown,
  secret: string,
  signature?: string | null,
): Promise<{ status: number; text: string }> {
  const raw = JSON.stringify(body);
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  const sig = signature === undefined ? sign(raw, secret) : signature;
  if (sig !== null) headers['x-hub-signature-256'] = sig;
  const res = await fetch(`${appUrl}/whatsapp/webhook`, { method: 'POST', headers, body: raw });
  return { status: res.status, text: await res.text() };
}
