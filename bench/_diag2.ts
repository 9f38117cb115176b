import mongoose from 'mongoose';
import { startWorld, declare, waitSettled, declaredToDone } from './scenarios.js';
const w = await startWorld();
let ops: string[] = [];
mongoose.set('debug', (coll: string, method: string) => { ops.push(`${coll}.${method}`); });
let checkouts = 0;
w.app.database.connection.getClient().on('connectionCheckedOut', () => { checkouts++; });
for (let i = 0; i < 4; i++) {
  ops = []; checkouts = 0;
  const d = await declare(w, 'P1', `Diag declaration number ${i}`);
  const { incident } = await waitSettled(w, d.viewId, 20);
  await d.confirmed;
  const tally: Record<string, number> = {};
  for (const o of ops) tally[o] = (tally[o] ?? 0) + 1;
  console.log(`P1 #${incident.number} db=${declaredToDone(incident)} mongooseOps=${ops.length} checkouts=${checkouts}`, JSON.stringify(tally));
}
ops = []; checkouts = 0;
await new Promise((r) => setTimeout(r, 1000));
console.log('idle 1s', ops.length, checkouts);
await w.stop();
process.exit(0);
