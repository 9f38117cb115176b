import assert from 'node:assert/strict';
import { eventually, startHarness, type Harness } from '../../support/app-harness.js';

describe('the HTTP sidecar health routes', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness('health');
  });
  after(() => h.stop());

  const get = (path: string) => fetch(`http://127.0.0.1:${h.app!.httpPort}${path}`);

  it('GET /healthz answers while the process runs', async () => {
    const res = await get('/healthz');
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), { ok: true });
  });

  it('GET /readyz is ready when the database and the socket are up', async () => {
    const res = await get('/readyz');
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), { ok: true, checks: { database: true, slack: true } });
  });

  it('GET /readyz says which part is down, and is ready again when it is back', async () => {
    const reconnected = h.slack.nextConnection(20_000);
    h.slack.terminateConnections();
    const down = await eventually(async () => {
      const res = await get('/readyz');
      return res.status === 503 ? res.json() : null;
    }, 'readiness to drop');
    assert.deepEqual(down, { ok: false, checks: { database: true, slack: false }, failing: ['slack'] });
    await reconnected;
    await eventually(async () => (await get('/readyz')).status === 200, 'readiness to come back', 20_000);
  });

  it('an unknown route is a JSON 404', async () => {
    const res = await get('/nope');
    assert.equal(res.status, 404);
    assert.equal(((await res.json()) as { error: string }).error, 'not_found');
  });
});
