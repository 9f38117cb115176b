import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { MongoClient } from 'mongodb';
import { startEmbeddedFerretDb } from '../../src/db/embedded-ferretdb.js';
const dir = await mkdtemp(path.join(tmpdir(), 'ops-'));
const f = await startEmbeddedFerretDb({ dataDir: dir });
const pool = Number(process.argv[2] ?? 1);
const c = new MongoClient(`${f.uri}/ops?maxPoolSize=${pool}`); await c.connect();
const db = c.db('ops'); const col = db.collection<any>('t');
await col.insertOne({ _id: 'warm', a: 1 });
async function time(label: string, n: number, fn: (i: number) => Promise<unknown>, par = 1) {
  const t = performance.now();
  let next = 0;
  await Promise.all(Array.from({ length: par }, async () => { while (next < n) { const i = next++; await fn(i); } }));
  const ms = performance.now() - t; console.log(label, 'par', par, (ms / n).toFixed(2), 'ms/op', (n / ms * 1000).toFixed(0), 'ops/s');
}
await time('ping', 500, () => db.command({ ping: 1 }));
await time('insert', 1000, (i) => col.insertOne({ _id: `d${i}`, body: 'x'.repeat(600), state: 'received' }));
await time('findById', 1000, (i) => col.findOne({ _id: `d${i}` }));
await time('updateById', 1000, (i) => col.updateOne({ _id: `d${i}` }, { $set: { state: 'applied' } }));
await time('findByField', 200, (i) => col.findOne({ state: 'x' }));
await time('insertMany10', 100, (i) => col.insertMany(Array.from({ length: 10 }, (_, k) => ({ _id: `m${i}-${k}`, body: 'x'.repeat(600) }))));
await time('insert par8', 1000, (i) => col.insertOne({ _id: `p${i}`, body: 'x'.repeat(600) }), 8);
await time('findById par8', 1000, (i) => col.findOne({ _id: `p${i}` }), 8);
console.log(await col.find({ _id: 'd5' }).explain());
await c.close(); await f.stop();
