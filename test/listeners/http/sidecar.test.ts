import assert from 'node:assert/strict';
import net from 'node:net';
import type { Server } from 'node:http';
import { createHttpSidecar, listen } from '../../../src/listeners/http/index.js';
import { silentLogger } from '../../support/fakes.js';

/** Raw bytes in, everything the server wrote out (it closes the connection after refusing a request). */
function exchange(port: number, request: string): Promise<string> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    socket.setTimeout(3000, () => socket.destroy());
    socket.on('data', (chunk) => chunks.push(chunk));
    socket.on('close', () => resolve(Buffer.concat(chunks).toString('latin1')));
    socket.on('error', () => undefined);
    socket.write(request, 'latin1');
  });
}

describe('the HTTP sidecar refusing requests its parser cannot read', () => {
  let server: Server;
  let port: number;
  before(async () => {
    server = createHttpSidecar({ probe: { databaseReachable: async () => true, slackConnected: () => true }, logger: silentLogger() });
    port = await listen(server, 0);
  });
  after(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const cases: Array<[string, string, number, string]> = [
    ['an unknown method', 'BREW /healthz HTTP/1.1\r\nHost: x\r\n\r\n', 400, 'bad_request'],
    ['headers over the limit', `GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`, 431, 'headers_too_large'],
    ['both Content-Length and chunked', 'POST /webhooks/jira HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n', 400, 'bad_request'],
  ];
  for (const [what, request, status, code] of cases) {
    it(`${what}: a JSON ${status}, and the connection closed`, async () => {
      const response = await exchange(port, request);
      const [head, body] = response.split('\r\n\r\n');
      assert.match(head!, new RegExp(`^HTTP/1\\.1 ${status} `));
      assert.match(head!, /\r\nContent-Type: application\/json; charset=utf-8\r\n/);
      assert.match(head!, /\r\nConnection: close/);
      assert.deepEqual(JSON.parse(body!), { error: code });
    });
  }

  it('still serves afterwards', async () => {
    const res = await fetch(`http://127.0.0.1:${port}/healthz`);
    assert.deepEqual(await res.json(), { ok: true });
  });
});
