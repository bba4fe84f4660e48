/** Starts the whole service in-process for a test, on a free port with a fresh SQLite database. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { type App, type AppOptions, createApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { TEST_PROFILE } from './profiles.js';

/** A started app and what a test needs around it. */
export interface TestApp {
  app: App;
  url: string;
  dir: string;
  close(): Promise<void>;
}

/** Starts the app with the test profile (./profiles.ts); `env` overrides the defaults. */
export async function startApp(env: Record<string, string> = {}, options: AppOptions = {}): Promise<TestApp> {
  const own = !env.DATABASE_URL;
  const dir = own ? mkdtempSync(path.join(tmpdir(), 'bot-test-')) : path.dirname(env.DATABASE_URL?.replace(/^file:/, '') ?? '.');
  const config = loadConfig({
    PORT: '0',
    DATABASE_URL: `file:${path.join(dir, 'bot.db')}`,
    LOG_LEVEL: 'silent',
    ORG_PROFILE: TEST_PROFILE,
    ...env,
  });
  const app = await createApp(config, { logger: pino({ level: 'silent' }), ...options });
  const port = await app.start();
  return {
    app,
    url: `http://127.0.0.1:${port}`,
    dir,
    async close() {
      await app.stop();
      if (own) rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A web-chat client speaking the page's JSON API. */
export class ChatClient {
  private n = 0;
  constructor(
    private readonly url: string,
    readonly session = `s${Math.random().toString(36).slice(2)}${Date.now().toString(36)}`.padEnd(20, '0'),
  ) {}

  /** Sends a text (or a choice id) and returns the bot's replies of that turn. */
  async send(
    message: { text: string } | { choice: string },
    id = `m${++this.n}${Math.random().toString(36).slice(2, 8)}`,
  ): Promise<{ status: string; replies: { text: string; choices?: { id: string; label: string }[] }[] }> {
    const r = await fetch(`${this.url}/chat/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ session: this.session, id, ...message }),
    });
    if (!r.ok) throw new Error(`POST failed: ${r.status} ${await r.text()}`);
    return r.json() as never;
  }

  text(text: string) {
    return this.send({ text });
  }

  choose(choice: string) {
    return this.send({ choice });
  }

  /**
   * From the menu into a volunteering request, past consent and both eligibility questions;
   * resolves with the turn that asks the first field (the national ID).
   */
  async startVolunteering() {
    await this.choose('request');
    await this.choose('accept'); // R6: consent before personal data
    await this.choose('type:volunteering');
    await this.choose('yes');
    return this.choose('yes');
  }
}

/** The text of a turn's replies, joined. */
export function said(turn: { replies: { text: string }[] }): string {
  return turn.replies.map((r) => r.text).join('\n---\n');
}

/** The choice ids of the last reply of a turn. */
export function choicesOf(turn: { replies: { choices?: { id: string }[] }[] }): string[] {
  return turn.replies.at(-1)?.choices?.map((c) => c.id) ?? [];
}
