/**
 * A fake Telegram Bot API server for tests: real HTTP on 127.0.0.1 (random port), the Bot API's
 * URL layout (`/bot<token>/<method>`, `/file/bot<token>/<path>`) and response shapes
 * (`{ ok: true, result }` / `{ ok: false, error_code, description, parameters }`). It records
 * every call with its time, serves getMe, getFile and file downloads, long-polls getUpdates, and
 * can misbehave on request: 429 with retry_after for a chat, 403 for a blocked chat, 500 or a
 * dropped connection for a while.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/** One call the server received, as answered. */
export interface ApiCall {
  method: string;
  /** `chat_id` of the call, as a string, when it had one. */
  chatId?: string;
  params: Record<string, unknown>;
  /** When it arrived (ms since epoch). */
  at: number;
  /** HTTP status answered (0: the connection was dropped). */
  status: number;
}

/** A message the bot sent, as the fake returned it. */
export interface SentMessage {
  message_id: number;
  date: number;
  chat: { id: number; type: 'private' | 'supergroup'; first_name?: string; title?: string };
  from: { id: number; is_bot: true; first_name: string; username: string };
  text: string;
  reply_markup?: { inline_keyboard?: { text: string; callback_data: string }[][]; keyboard?: unknown };
}

interface Waiter {
  offset: number;
  limit: number;
  res: ServerResponse;
  timer: NodeJS.Timeout;
}

/** The fake server. */
export class FakeBotApi {
  readonly calls: ApiCall[] = [];
  readonly botInfo = {
    id: 123456,
    is_bot: true as const,
    first_name: 'بوت الجمعية',
    username: 'association_test_bot',
    can_join_groups: true,
    can_read_all_group_messages: false,
    supports_inline_queries: false,
    can_connect_to_business: false,
    has_main_web_app: false,
  };
  private readonly server: Server;
  private readonly sockets = new Set<Socket>();
  private port = 0;
  private updates: { update_id: number }[] = [];
  private waiters: Waiter[] = [];
  private readonly messageIds = new Map<string, number>();
  private readonly sentMessages = new Map<string, SentMessage[]>();
  private readonly limited = new Map<string, { retryAfter: number; until: number | null }>();
  private readonly blocked = new Set<string>();
  private readonly hung = new Map<string, ServerResponse[]>();
  /** Delay of every sendMessage answer, after the message was delivered (a slow network). */
  latencyMs = 0;
  private outage: { kind: 'drop' | '500'; until: number } | null = null;
  private readonly files = new Map<string, { path: string; bytes: Buffer }>();
  private webhookDeleted = 0;

  /** @param token The bot token it accepts; a test may change it to make every call fail with 401. */
  constructor(public token: string) {
    this.server = createServer((req, res) => void this.handle(req, res));
    this.server.on('connection', (s) => {
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
    });
  }

  /** `TELEGRAM_API_ROOT` for the service under test. */
  get apiRoot(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async start(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
    return this.apiRoot;
  }

  async stop(): Promise<void> {
    for (const chat of [...this.hung.keys()]) this.unhang(chat);
    for (const w of this.waiters) clearTimeout(w.timer);
    this.waiters = [];
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  // ---- scripting ---------------------------------------------------------------------------------

  /** Queues updates for getUpdates (answers a waiting long poll at once). */
  pushUpdates(...updates: { update_id: number }[]): void {
    this.updates.push(...updates);
    for (const w of [...this.waiters]) this.release(w);
  }

  /**
   * The next sendMessage to the chat gets 429 with `retry_after`, and so does every other one until
   * that many seconds have passed since (Telegram's flood control).
   */
  rateLimit(chatId: string | number, retryAfterSeconds: number): void {
    this.limited.set(String(chatId), { retryAfter: retryAfterSeconds, until: null });
  }

  /** Every sendMessage to the chat gets 403 "bot was blocked by the user". */
  block(chatId: string | number): void {
    this.blocked.add(String(chatId));
  }

  /** Every sendMessage to the chat is held without an answer (a hung call) until {@link unhang}. */
  hang(chatId: string | number): void {
    this.hung.set(String(chatId), this.hung.get(String(chatId)) ?? []);
  }

  /** Stops holding the chat's calls; the held ones are dropped (the caller has given up on them). */
  unhang(chatId: string | number): void {
    for (const res of this.hung.get(String(chatId)) ?? []) res.socket?.destroy();
    this.hung.delete(String(chatId));
  }

  /** For `ms`, every request gets a dropped connection ('drop') or a 500 ('500'). */
  fail(kind: 'drop' | '500', ms: number): void {
    this.outage = { kind, until: Date.now() + ms };
    if (kind === 'drop') {
      for (const w of this.waiters) {
        clearTimeout(w.timer);
        w.res.socket?.destroy();
      }
      this.waiters = [];
    }
  }

  /** Ends an outage now. */
  recover(): void {
    this.outage = null;
  }

  /** Serves a file for getFile and its download. */
  addFile(fileId: string, bytes: Buffer, path = `documents/${fileId}.bin`): void {
    this.files.set(fileId, { path, bytes });
  }

  // ---- reading -----------------------------------------------------------------------------------

  /** Messages delivered to a chat (sendMessage answered ok), in order. */
  sent(chatId: string | number): SentMessage[] {
    return this.sentMessages.get(String(chatId)) ?? [];
  }

  /** Calls of a method, optionally to one chat. */
  callsOf(method: string, chatId?: string | number): ApiCall[] {
    return this.calls.filter((c) => c.method === method && (chatId === undefined || c.chatId === String(chatId)));
  }

  /** How many times deleteWebhook was called. */
  get deleteWebhookCalls(): number {
    return this.webhookDeleted;
  }

  /** Resolves when `check` holds (polled every 10 ms), or rejects after `timeoutMs`. */
  async waitFor(check: () => boolean, timeoutMs = 5000, what = 'condition'): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!check()) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  // ---- the server --------------------------------------------------------------------------------

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const at = Date.now();
    const url = new URL(req.url ?? '/', 'http://x');
    const body = await readBody(req);
    const fileMatch = /^\/file\/bot([^/]+)\/(.+)$/.exec(url.pathname);
    const methodMatch = /^\/bot([^/]+)\/([A-Za-z]+)$/.exec(url.pathname);
    const method = fileMatch ? 'download' : (methodMatch?.[2] ?? 'unknown');
    let params: Record<string, unknown> = {};
    if (body.length > 0 && (req.headers['content-type'] ?? '').includes('json')) params = JSON.parse(body.toString('utf8'));
    const chatId = params.chat_id === undefined ? undefined : String(params.chat_id);
    const call: ApiCall = { method, params, at, status: 0, ...(chatId !== undefined ? { chatId } : {}) };
    this.calls.push(call);

    if (this.outage && Date.now() >= this.outage.until) this.outage = null;
    if (this.outage?.kind === 'drop') {
      req.socket.destroy();
      return;
    }
    const token = fileMatch?.[1] ?? methodMatch?.[1];
    let answer: Answer | 'held';
    if (this.outage?.kind === '500') answer = failure(500, 'Internal Server Error');
    else if (token !== this.token) answer = failure(401, 'Unauthorized');
    else if (fileMatch) {
      const file = [...this.files.values()].find((f) => f.path === fileMatch[2]);
      if (file) {
        call.status = 200;
        res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': file.bytes.length });
        res.end(file.bytes);
        return;
      }
      answer = failure(404, 'Not Found');
    } else if (method === 'sendMessage' && chatId !== undefined && this.hung.has(chatId)) {
      this.hung.get(chatId)?.push(res);
      return;
    } else answer = this.method(method, params, res);
    if (answer === 'held') {
      call.status = 200;
      return;
    }
    call.status = answer.status;
    if (method === 'sendMessage' && this.latencyMs > 0) await new Promise((r) => setTimeout(r, this.latencyMs));
    if (res.destroyed) return;
    res.writeHead(answer.status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(answer.body));
  }

  private method(method: string, params: Record<string, unknown>, res: ServerResponse): Answer | 'held' {
    switch (method) {
      case 'getMe':
        return success(this.botInfo);
      case 'deleteWebhook':
        this.webhookDeleted++;
        return success(true);
      case 'getUpdates': {
        const offset = Number(params.offset ?? 0);
        const limit = Number(params.limit ?? 100);
        const timeout = Number(params.timeout ?? 0);
        // Confirmed updates are forgotten, as Telegram does.
        this.updates = this.updates.filter((u) => u.update_id >= offset);
        if (this.updates.length > 0 || timeout <= 0) return success(this.pending(offset, limit));
        const waiter: Waiter = { offset, limit, res, timer: setTimeout(() => this.release(waiter), timeout * 1000) };
        this.waiters.push(waiter);
        res.on('close', () => {
          clearTimeout(waiter.timer);
          this.waiters = this.waiters.filter((w) => w !== waiter);
        });
        return 'held';
      }
      case 'answerCallbackQuery':
        return success(true);
      case 'getFile': {
        const id = String(params.file_id);
        const file = this.files.get(id);
        if (!file) return failure(400, 'Bad Request: invalid file_id');
        return success({ file_id: id, file_unique_id: `u${id}`, file_size: file.bytes.length, file_path: file.path });
      }
      case 'sendMessage':
        return this.sendMessage(params);
      default:
        return failure(404, 'Not Found: method not found');
    }
  }

  private sendMessage(params: Record<string, unknown>): Answer {
    const chat = String(params.chat_id);
    if (this.blocked.has(chat)) return failure(403, 'Forbidden: bot was blocked by the user');
    const limit = this.limited.get(chat);
    if (limit) {
      const now = Date.now();
      if (limit.until === null) limit.until = now + limit.retryAfter * 1000;
      if (now < limit.until) {
        const retryAfter = Math.ceil((limit.until - now) / 1000);
        return failure(429, `Too Many Requests: retry after ${retryAfter}`, { retry_after: retryAfter });
      }
      this.limited.delete(chat);
    }
    if (typeof params.text !== 'string' || params.text.length === 0 || params.text.length > 4096)
      return failure(400, 'Bad Request: message text is empty or too long');
    const id = (this.messageIds.get(chat) ?? 0) + 1;
    this.messageIds.set(chat, id);
    const numeric = Number(chat);
    const message: SentMessage = {
      message_id: id,
      date: Math.floor(Date.now() / 1000),
      chat:
        numeric < 0
          ? { id: numeric, type: 'supergroup', title: 'فريق الخدمة' }
          : { id: numeric, type: 'private', first_name: 'محمد' },
      from: { id: this.botInfo.id, is_bot: true, first_name: this.botInfo.first_name, username: this.botInfo.username },
      text: params.text,
      ...(params.reply_markup ? { reply_markup: params.reply_markup as SentMessage['reply_markup'] } : {}),
    };
    const list = this.sentMessages.get(chat) ?? [];
    list.push(message);
    this.sentMessages.set(chat, list);
    return success(message);
  }

  private pending(offset: number, limit: number): { update_id: number }[] {
    return this.updates.filter((u) => u.update_id >= offset).slice(0, limit);
  }

  /** Answers a held long poll with what is pending (possibly nothing). */
  private release(w: Waiter): void {
    clearTimeout(w.timer);
    this.waiters = this.waiters.filter((x) => x !== w);
    if (w.res.writableEnded || w.res.destroyed) return;
    w.res.writeHead(200, { 'content-type': 'application/json' });
    w.res.end(JSON.stringify({ ok: true, result: this.pending(w.offset, w.limit) }));
  }
}

/** An HTTP answer of the Bot API. */
interface Answer {
  status: number;
  body: unknown;
}

function success(result: unknown): Answer {
  return { status: 200, body: { ok: true, result } };
}

function failure(code: number, description: string, parameters?: { retry_after: number }): Answer {
  return { status: code, body: { ok: false, error_code: code, description, ...(parameters ? { parameters } : {}) } };
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const chunk of req) parts.push(chunk as Buffer);
  return Buffer.concat(parts);
}
