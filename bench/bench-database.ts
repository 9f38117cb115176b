import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import mongoose from 'mongoose';
import { connectTo } from '../src/db/connect-database.js';
import { startEmbeddedFerretDb, type EmbeddedFerretDb } from '../src/db/embedded-ferretdb.js';

export interface BenchDatabase {
  connection: mongoose.Connection;
  engine: 'ferretdb' | 'mongodb';
  /** Drops the database, disconnects mongoose, and stops the FerretDB started for it. */
  close(): Promise<void>;
}

/**
 * Mongoose connected, with one connection as the app uses on FerretDB, to a fresh database named after `label`: on
 * `uri` (a server's base URI, without a database name) when given, else on a FerretDB of its own in a temporary folder.
 */
export async function openBenchDatabase(label: string, uri?: string): Promise<BenchDatabase> {
  let ferret: EmbeddedFerretDb | null = null;
  let dataDir: string | null = null;
  const stopServer = async () => {
    if (ferret) await ferret.stop();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  };
  let base = uri;
  if (!base) {
    dataDir = await mkdtemp(path.join(tmpdir(), `${label}-bench-`));
    ferret = await startEmbeddedFerretDb({ dataDir });
    base = ferret.uri;
  }
  try {
    const connection = await connectTo(`${base}/${label}-${randomBytes(4).toString('hex')}?maxPoolSize=1`);
    const info = await connection.db!.admin().command({ buildInfo: 1 });
    return {
      connection,
      engine: typeof info.ferretdbVersion === 'string' ? 'ferretdb' : 'mongodb',
      close: async () => {
        if (mongoose.connection.readyState === mongoose.ConnectionStates.connected) await mongoose.connection.dropDatabase().catch(() => undefined);
        await mongoose.disconnect();
        await stopServer();
      },
    };
  } catch (error) {
    await mongoose.disconnect();
    await stopServer();
    throw error;
  }
}
