import type { IncomingMessage, ServerResponse } from 'node:http';

export interface HealthProbe {
  databaseReachable(): Promise<boolean>;
  slackConnected(): boolean;
}

/** `GET /healthz`: the process answers. `GET /readyz`: the database is reachable and Socket Mode is connected. */
export function healthRoutes(probe: HealthProbe) {
  return {
    healthz: (_req: IncomingMessage, res: ServerResponse) => sendJson(res, 200, { ok: true }),
    readyz: async (_req: IncomingMessage, res: ServerResponse) => {
      const checks = { database: await probe.databaseReachable(), slack: probe.slackConnected() };
      const ready = checks.database && checks.slack;
      const failing = Object.entries(checks).filter(([, ok]) => !ok).map(([name]) => name);
      sendJson(res, ready ? 200 : 503, ready ? { ok: true, checks } : { ok: false, checks, failing });
    },
  };
}

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}
