/** Runs the service as an operator does (`src/main.ts` in a child process) for process-level tests. */
import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { TEST_PROFILE } from './profiles.js';

const root = path.resolve(import.meta.dirname, '../..');

/** A running service process and its URL. */
export interface ServiceProcess {
  child: ChildProcess;
  url: string;
}

/** Starts `src/main.ts` with `env` added to this environment; resolves once it prints "ready". */
export function startService(env: Record<string, string>): Promise<ServiceProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: root,
    env: { ...process.env, PORT: '0', LOG_LEVEL: 'warn', ORG_PROFILE: TEST_PROFILE, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`service did not start: ${out}`)), 30_000);
    child.stdout?.on('data', (d) => {
      out += String(d);
      const m = out.match(/ready: http:\/\/localhost:(\d+)\/chat/);
      if (m) {
        clearTimeout(timer);
        resolve({ child, url: `http://127.0.0.1:${m[1]}` });
      }
    });
    child.stderr?.on('data', (d) => {
      out += String(d);
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`service exited ${code}: ${out}`));
    });
  });
}

/** Resolves with the exit code once the process has exited. */
export function exited(child: ChildProcess): Promise<number | null> {
  return new Promise((r) => child.once('exit', (code) => r(code)));
}
