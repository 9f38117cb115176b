import { createServer, STATUS_CODES, type Server } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Logger } from '../../logger.js';
import { healthRoutes, sendJson, type HealthProbe } from './health.js';
import type { JiraWebhookReceiver } from './jira-webhook.js';
import type { LandbotTicketReceiver } from './landbot-tickets.js';

/** The HTTP sidecar: health, the Jira webhooks and the ticket API (Landbot). */
export function createHttpSidecar(options: { probe: HealthProbe; logger: Logger; jiraWebhook?: JiraWebhookReceiver; landbotTickets?: LandbotTicketReceiver }): Server {
  const health = healthRoutes(options.probe);
  const routes: Record<string, (req: Parameters<typeof health.healthz>[0], res: Parameters<typeof health.healthz>[1]) => void | Promise<void>> = {
    'GET /healthz': health.healthz,
    'GET /readyz': health.readyz,
  };
  if (options.jiraWebhook) {
    // FireFighter's paths too, so an existing Jira webhook configuration keeps working.
    routes['POST /webhooks/jira'] = options.jiraWebhook.handle('jira');
    routes['POST /api/v2/firefighter/raid/jira_update'] = options.jiraWebhook.handle('ff_update');
    routes['POST /api/v2/firefighter/raid/jira_comment'] = options.jiraWebhook.handle('ff_comment');
  }
  if (options.landbotTickets) {
    routes['POST /api/raid/tickets'] = options.landbotTickets('api');
    routes['POST /api/v2/firefighter/raid/jira_bot'] = options.landbotTickets('firefighter');
  }
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    const route = routes[`${req.method} ${path}`];
    if (!route) {
      req.resume();
      sendJson(res, 404, { error: 'not_found', message: `no route for ${req.method} ${path}` });
      return;
    }
    const failed = (error: unknown) => {
      options.logger.error('http route failed', { path, error: (error as Error).message });
      if (!res.headersSent) sendJson(res, 500, { error: 'internal_error' });
    };
    try {
      void Promise.resolve(route(req, res)).catch(failed);
    } catch (error) {
      failed(error);
    }
  });
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Duplex) => answerUnparsableRequest(error, socket));
  server.requestTimeout = 10_000;
  server.headersTimeout = 5_000;
  return server;
}

/**
 * A request Node's parser refuses (bad request line, oversized headers, conflicting lengths, broken chunks, too slow)
 * never reaches a route; it gets the same JSON error shape as the routes' answers instead of Node's bare 400.
 */
function answerUnparsableRequest(error: NodeJS.ErrnoException, socket: Duplex): void {
  if (error.code === 'ECONNRESET' || !socket.writable) {
    socket.destroy();
    return;
  }
  const [status, code] =
    error.code === 'HPE_HEADER_OVERFLOW' ? [431, 'headers_too_large'] : error.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? [408, 'request_timeout'] : [400, 'bad_request'];
  const body = JSON.stringify({ error: code });
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}

export async function listen(server: Server, port: number): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '0.0.0.0', () => resolve());
  });
  const address = server.address();
  return typeof address === 'object' && address ? address.port : port;
}
