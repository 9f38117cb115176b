import { randomBytes } from 'node:crypto';
import mongoose from 'mongoose';
import { connectTo } from '../../src/db/connect-database.js';

/** A fresh database name on the test server; `maxPoolSize=1` as FerretDB's notes ask. */
export function testDatabaseUri(label: string): string {
  const base = process.env.TEST_MONGODB_URI;
  if (!base) throw new Error('TEST_MONGODB_URI is not set: run the tests through mocha (test/support/global-hooks.ts starts FerretDB)');
  const name = `${label.replace(/[^a-zA-Z0-9_-]/g, '-').slice(0, 40)}-${randomBytes(4).toString('hex')}`;
  return `${base}/${name}?maxPoolSize=1`;
}

/** Connects mongoose for a unit test of services and models; drop with `dropTestDatabase`. */
export async function connectTestDatabase(label: string): Promise<void> {
  await connectTo(testDatabaseUri(label));
}

export async function dropTestDatabase(): Promise<void> {
  if (mongoose.connection.readyState === mongoose.ConnectionStates.connected) {
    await mongoose.connection.dropDatabase();
  }
  await mongoose.disconnect();
}
