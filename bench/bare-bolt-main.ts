/**
 * The bare Bolt app (bench/bare-bolt-app.ts) as a process of its own, for the memory baseline: connects with
 * BARE_APP_TOKEN, BARE_BOT_TOKEN and BARE_API_URL, prints `ready` once started, and stops on SIGTERM.
 */
import { startBareBoltApp } from './bare-bolt-app.js';

const need = (name: string) => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
};

const app = await startBareBoltApp({ appToken: need('BARE_APP_TOKEN'), botToken: need('BARE_BOT_TOKEN'), apiUrl: need('BARE_API_URL') });
process.stdout.write('ready\n');
process.once('SIGTERM', () => void app.stop().then(() => process.exit(0)));
