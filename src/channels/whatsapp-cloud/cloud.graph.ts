/**
 * The Graph API as this channel uses it: send a message, look up and download inbound media. The
 * one place that talks HTTP to Meta, and the one place that classifies its errors for the outbox.
 */
import { z } from 'zod';
import { SendError } from '../channel.js';
import type { CloudPayload } from './cloud.mapper.js';

/** The Graph API refused a call (HTTP status, and Meta's error code when it gave one). */
export class GraphError extends Error {
  override name = 'GraphError';
  constructor(
    readonly httpStatus: number,
    readonly code?: number,
    readonly subcode?: number,
  ) {
    // Meta's own message can echo a phone number: keep only the codes.
    super(`graph ${httpStatus}${code !== undefined ? ` code ${code}` : ''}${subcode !== undefined ? `/${subcode}` : ''}`);
  }
}

/** Inbound media that will not be fetched or kept (`permanent`), or could not be fetched now. */
export class MediaError extends Error {
  override name = 'MediaError';
  constructor(
    readonly reason: 'host' | 'size' | 'type' | 'status' | 'network',
    readonly permanent: boolean,
  ) {
    super(`media ${reason}`);
  }
}

/** The re-engagement error: the 24-hour window is closed, only a template may be sent. */
export const REENGAGEMENT = 131047;

const RETRY_AFTER_MS: Record<number, number> = {
  1: 5_000, // API unknown
  2: 5_000, // API service temporarily unavailable
  4: 60_000, // application request limit
  80007: 60_000, // WhatsApp Business Account rate limit
  130429: 2_000, // throughput of the phone number
  131000: 5_000, // something went wrong
  131016: 10_000, // service unavailable
  131048: 60_000, // spam rate limit
  131049: 3_600_000, // per-user engagement limit: try much later
  131056: 6_000, // pair rate limit: one person, too many messages in a row
  133004: 10_000, // server temporarily unavailable
};

const UNREACHABLE = new Set([
  131026, // message undeliverable (not on WhatsApp, old app, terms not accepted, blocked)
  131050, // the person stopped messages from this business
]);

const FATAL = new Set([
  0, // auth exception
  3, // capability or permission
  10, // permission denied
  100, // invalid parameter
  190, // access token expired or invalid
  368, // temporarily blocked for policy violations
  131005, // access denied
  131008, // required parameter missing
  131009, // parameter value not valid
  131021, // recipient cannot be the sender
  131031, // account locked
  131042, // payment problem
  131051, // unsupported message type
  133010, // phone number not registered
]);

/** Classifies a failed Graph call for the dispatcher: retry (with a delay), unreachable or fatal. */
export function classifyGraphError(e: unknown): SendError {
  if (e instanceof SendError) return e;
  if (e instanceof GraphError) {
    const code = e.code;
    if (code !== undefined) {
      const wait = RETRY_AFTER_MS[code];
      if (wait !== undefined) return new SendError(e.message, 'retry', wait);
      if (UNREACHABLE.has(code)) return new SendError(e.message, 'unreachable');
      if (FATAL.has(code) || (code >= 200 && code <= 299) || (code >= 132000 && code < 133000))
        return new SendError(e.message, 'fatal'); // 132xxx: the template or its parameters
    }
    if (e.httpStatus === 429) return new SendError(e.message, 'retry', 5_000);
    if (e.httpStatus >= 500) return new SendError(e.message, 'retry');
    return new SendError(e.message, 'fatal');
  }
  // Network failure or timeout: try again.
  return new SendError(e instanceof Error ? e.name : 'network error', 'retry', 5_000);
}

/**
 * True for a URL the media download may fetch: the Graph API's own origin, or Meta's media CDN
 * over HTTPS (lookaside.fbsbx.com, *.fbcdn.net). Anything else is refused before any request.
 */
export function isAllowedMediaUrl(url: string, apiRoot: string): boolean {
  let u: URL;
  let root: URL;
  try {
    u = new URL(url);
    root = new URL(apiRoot);
  } catch {
    return false;
  }
  if (u.username || u.password) return false;
  if (u.origin === root.origin) return true;
  if (u.protocol !== 'https:' || (u.port !== '' && u.port !== '443')) return false;
  const host = u.hostname.toLowerCase();
  return host === 'lookaside.fbsbx.com' || host.endsWith('.fbcdn.net');
}

const sendResponse = z.object({ messages: z.array(z.object({ id: z.string() })).min(1) });
const errorResponse = z.object({
  error: z.object({ code: z.number().optional(), error_subcode: z.number().optional() }),
});
const mediaResponse = z.object({
  url: z.string(),
  mime_type: z.string().optional(),
  file_size: z.union([z.number(), z.string()]).optional(),
});

/** Metadata of an inbound media object. */
export interface MediaInfo {
  url: string;
  mimeType?: string;
  size?: number;
}

/** Options of {@link GraphClient}. */
export interface GraphClientOptions {
  /** e.g. https://graph.facebook.com/v21.0 */
  apiRoot: string;
  token: string;
  phoneNumberId: string;
  timeoutMs?: number;
}

/** A small Graph API client for one business phone number. */
export class GraphClient {
  private readonly root: string;

  constructor(private readonly o: GraphClientOptions) {
    this.root = o.apiRoot.replace(/\/+$/, '');
  }

  private get auth(): Record<string, string> {
    return { Authorization: `Bearer ${this.o.token}` };
  }

  /** Sends one message; resolves with its WhatsApp message id (wamid). */
  async send(payload: CloudPayload): Promise<string> {
    const res = await fetch(`${this.root}/${encodeURIComponent(this.o.phoneNumberId)}/messages`, {
      method: 'POST',
      headers: { ...this.auth, 'Content-Type': 'application/json' },
      body: JSON.stringify(payload),
      signal: AbortSignal.timeout(this.o.timeoutMs ?? 15_000),
    });
    const body: unknown = await res.json().catch(() => null);
    if (!res.ok) throw graphError(res.status, body);
    const ok = sendResponse.safeParse(body);
    if (!ok.success) throw new GraphError(res.status);
    return ok.data.messages[0]?.id ?? '';
  }

  /** Looks up where an inbound media object can be downloaded. */
  async mediaInfo(mediaId: string): Promise<MediaInfo> {
    const res = await fetch(
      `${this.root}/${encodeURIComponent(mediaId)}?phone_number_id=${encodeURIComponent(this.o.phoneNumberId)}`,
      {
        headers: this.auth,
        redirect: 'error',
        signal: AbortSignal.timeout(this.o.timeoutMs ?? 15_000),
      },
    );
    const body: unknown = await res.json().catch(() => null);
    if (!res.ok) {
      if (res.status >= 500 || res.status === 429) throw new MediaError('network', false);
      throw new MediaError('status', true);
    }
    const info = mediaResponse.safeParse(body);
    if (!info.success) throw new MediaError('status', true);
    const size = info.data.file_size === undefined ? undefined : Number(info.data.file_size);
    return {
      url: info.data.url,
      ...(info.data.mime_type ? { mimeType: info.data.mime_type } : {}),
      ...(size !== undefined && Number.isFinite(size) ? { size } : {}),
    };
  }

  /**
   * Downloads media from a URL the Graph API gave, refusing other hosts, redirects and anything
   * larger than `maxBytes` (the download stops as soon as it exceeds it).
   */
  async download(url: string, maxBytes: number): Promise<Uint8Array> {
    if (!isAllowedMediaUrl(url, this.root)) throw new MediaError('host', true);
    let res: Response;
    try {
      res = await fetch(url, { headers: this.auth, redirect: 'error', signal: AbortSignal.timeout(this.o.timeoutMs ?? 30_000) });
    } catch {
      throw new MediaError('network', false);
    }
    if (!res.ok) {
      await res.body?.cancel();
      throw new MediaError(
        res.status >= 500 || res.status === 429 ? 'network' : 'status',
        res.status < 500 && res.status !== 429,
      );
    }
    const declared = Number(res.headers.get('content-length') ?? Number.NaN);
    if (Number.isFinite(declared) && declared > maxBytes) {
      await res.body?.cancel();
      throw new MediaError('size', true);
    }
    const chunks: Uint8Array[] = [];
    let total = 0;
    const reader = res.body?.getReader();
    if (!reader) return new Uint8Array();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      total += value.byteLength;
      if (total > maxBytes) {
        await reader.cancel();
        throw new MediaError('size', true);
      }
      chunks.push(value);
    }
    const out = new Uint8Array(total);
    let at = 0;
    for (const c of chunks) {
      out.set(c, at);
      at += c.byteLength;
    }
    return out;
  }
}

function graphError(status: number, body: unknown): GraphError {
  const e = errorResponse.safeParse(body);
  return e.success ? new GraphError(status, e.data.error.code, e.data.error.error_subcode) : new GraphError(status);
}
