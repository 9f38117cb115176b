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
