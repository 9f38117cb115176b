import { spawn, type ChildProcess } from 'node:child_process';
import { collectLogs, registerConfiguredSecrets } from './log-audit.js';

/** The app as its own process (`src/main.ts`, as `npm start` runs it), to kill it for real. */
export interface AppProcess {
  child: ChildProcess;
  output: string[];
  waitForLog(pattern: RegExp, timeoutMs?: number): Promise<void>;
  kill(signal?: NodeJS.Signals): Promise<number | null>;
}

export function spawnApp(env: Record<string, string>): AppProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  registerConfiguredSecrets(env);
  // Its output joins the log audit; `Cannot start:` is main.ts's message for a start that fails before the logger exists.
  const audited = collectLogs(`process:${child.pid ?? 'unstarted'}`, { plainLinePrefixes: ['Cannot start:'] });
  const listeners = new Set<() => void>();
  const onData = (chunk: Buffer) => {
    output.push(chunk.toString());
    audited.push(chunk.toString());
    if (process.env.TEST_LOGS) process.stderr.write(chunk);
    for (const listener of listeners) listener();
  };
  child.stdout?.on('data', onData);
  child.stderr?.on('data', onData);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    child,
    output,
    waitForLog: (pattern, timeoutMs = 20_000) =>
      new Promise<void>((resolve, reject) => {
        const check = () => {
          if (pattern.test(output.join(''))) {
            clearTimeout(timer);
            listeners.delete(check);
            resolve();
          }
        };
        const timer = setTimeout(() => {
          listeners.delete(check);
          reject(new Error(`app process did not log ${pattern} in ${timeoutMs} ms; output:\n${output.join('').slice(-3000)}`));
        }, timeoutMs);
        listeners.add(check);
        check();
      }),
    kill: async (signal = 'SIGKILL') => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}

export async function runAppToExit(env: Record<string, string>, timeoutMs = 20_000): Promise<{ code: number | null; output: string }> {
  const app = spawnApp(env);
  const timer = setTimeout(() => void app.kill(), timeoutMs);
  const code = await new Promise<number | null>((resolve) => app.child.once('exit', (c) => resolve(c)));
  clearTimeout(timer);
  return { code, output: app.output.join('') };
}
