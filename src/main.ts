import 'dotenv/config';
import { parseConfig } from './config.js';
import { AppError } from './errors.js';
import { startApp } from './app.js';

/** `npm start`: parse the environment, start everything, stop cleanly on SIGTERM/SIGINT. */
async function main(): Promise<void> {
  let app;
  try {
    app = await startApp(parseConfig(process.env));
  } catch (error) {
    if (error instanceof AppError && error.code === 'config_invalid') {
      process.stderr.write(`Cannot start: ${error.message}\n`);
    } else {
      process.stderr.write(`Cannot start: ${(error as Error).stack ?? String(error)}\n`);
    }
    process.exit(1);
  }
  // A library's promise that rejects with nobody waiting (the Socket Mode client throws on an `events_api` envelope
  // without an event) must not take the incident app down with it: log it and keep serving.
  process.on('unhandledRejection', (reason) => {
    app.logger.error('unhandled rejection', { error: reason instanceof Error ? reason.message : String(reason) });
  });
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    app.logger.info('stopping', { signal });
    await app.stop();
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
}

void main();
