import { performance } from 'node:perf_hooks';
import { startWorld, declare, waitSettled, declaredToDone } from './scenarios.js';
const w = await startWorld();
const client = w.app.database.connection.getClient();
const starts = new Map<number, number>();
let waits: number[] = []; let holds: number[] = []; const out = new Map<number, number>();
let queued = 0;
client.on('connectionCheckOutStarted', () => { queued++; starts.set(queued, performance.now()); });
let q2 = 0;
client.on('connectionCheckedOut', (e) => { q2++; const s = starts.get(q2); if (s !== undefined) waits.push(performance.now() - s); starts.delete(q2); out.set(e.connectionId as number, performance.now()); });
client.on('connectionCheckedIn', (e) => { const s = out.get(e.connectionId as number); if (s !== undefined) holds.push(performance.now() - s); });
const report = (label: string, wallMs: number) => {
  const sum = holds.reduce((a, b) => a + b, 0);
  const sw = [...waits].sort((a, b) => a - b); const sh = [...holds].sort((a, b) => a - b);
  console.log(label, `checkouts=${holds.length} busy=${(100 * sum / wallMs).toFixed(0)}% hold p50=${sh[Math.floor(sh.length / 2)]?.toFixed(1)} p95=${sh[Math.floor(sh.length * 0.95)]?.toFixed(1)} wait p50=${sw[Math.floor(sw.length / 2)]?.toFixed(1)} p95=${sw[Math.floor(sw.length * 0.95)]?.toFixed(1)}`);
  waits = []; holds = [];
};
waits = []; holds = [];
let t0 = performance.now();
await new Promise((r) => setTimeout(r, 3000));
report('idle 3s', performance.now() - t0);
for (let i = 0; i < 8; i++) {
  t0 = performance.now();
  const d = await declare(w, 'P1', `Diag declaration number ${i}`);
  const { incident, settledAt } = await waitSettled(w, d.viewId, Number(process.env.POLL ?? 50));
  await d.confirmed;
  report(`P1 #${incident.number} db=${declaredToDone(incident)} wall=${(settledAt - d.ackedAt).toFixed(0)}`, performance.now() - t0);
}
await w.stop();
process.exit(0);
