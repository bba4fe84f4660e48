/**
 * `npm start`: reads the configuration, starts the service, and stops it gracefully on SIGTERM /
 * SIGINT (in-flight turns finish, nothing is lost). A configuration mistake prints one line naming
 * the variable and exits with status 1.
 */
import { existsSync } from 'node:fs';
import { createApp } from './app.js';
import { ConfigError, loadConfig } from './config.js';
import { ProfileError } from './domain/profile.js';

async function main(): Promise<void> {
  // A .env file in the working directory, if any (values already in the environment win).
  if (existsSync('.env')) process.loadEnvFile('.env');
  let app: Awaited<ReturnType<typeof createApp>>;
  try {
    const config = loadConfig(process.env);
    app = await createApp(config);
  } catch (e) {
    if (e instanceof ConfigError || e instanceof ProfileError) {
      console.error(`configuration error: ${e.message}`);
      process.exit(1);
    }
    throw e;
  }
  const port = await app.start();
  console.log(`ready: http://localhost:${port}/chat`);
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    app.logger.info({ signal }, 'shutting down');
    const force = setTimeout(() => process.exit(1), 15_000);
    force.unref();
    await app.stop();
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
}

void main();
