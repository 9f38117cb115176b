import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { MongoClient } from 'mongodb';
import { startEmbeddedFerretDb } from '../../src/db/embedded-ferretdb.js';
const dir = await mkdtemp(path.join(tmpdir(), 'ops-'));
const f = await startEmbeddedFerretDb({ dataDir: dir });
const c = new MongoClient(`${f.uri}/ops?maxPoolSize=1`); await c.connect();
const db = c.db('ops'); const col = db.collection<any>('t');
async function time(label: string, n: number, fn: (i: number) => Promise<unknown>) {
  const t = performance.now();
  for (let i = 0; i < n; i++) await fn(i);
  const ms = performance.now() - t; console.log(label, (ms / n).toFixed(2), 'ms/op');
}
await time('insert', 3000, (i) => col.insertOne({ _id: `d${i}`, body: 'x'.repeat(600), state: 'received' }));
await time('findById', 500, (i) => col.findOne({ _id: `d${i}` }));
await time('updateById', 500, (i) => col.updateOne({ _id: `d${i}` }, { $set: { state: 'applied' } }));
const file = path.join(dir, 'ops.sqlite');
const tables = execFileSync('sqlite3', [file, "select table_name from _ferretdb_collections"]).toString().trim().split('\n');
for (const t of tables) execFileSync('sqlite3', [file, `create index if not exists "${t}_id_lookup" on "${t}" (_ferretdb_sjson->'$._id')`]);
console.log(execFileSync('sqlite3', [file, `explain query plan select _ferretdb_sjson from "${tables[0]}" where _ferretdb_sjson->'$._id' = '"d5"'`]).toString());
await time('findById idx', 500, (i) => col.findOne({ _id: `d${i}` }));
await time('updateById idx', 500, (i) => col.updateOne({ _id: `d${i}` }, { $set: { state: 'applied2' } }));
await time('insert idx', 1000, (i) => col.insertOne({ _id: `e${i}`, body: 'x'.repeat(600), state: 'received' }));
await time('ping', 1000, () => db.command({ ping: 1 }));
console.log(await col.find({ _id: 'd5' }).explain());
await c.close(); await f.stop();
