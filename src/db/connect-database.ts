import mongoose from 'mongoose';
import { MongoClient } from 'mongodb';
import type { Logger } from '../logger.js';
import { Counter } from '../models/counter.js';
import { Incident } from '../models/incident.js';
import { IncidentUpdate } from '../models/incident-update.js';
import { JiraTicket } from '../models/jira-ticket.js';
import { JiraSyncBacklog } from '../models/jira-sync-backlog.js';
import { JiraDelivery } from '../models/jira-delivery.js';
import { StepClaim } from '../models/step-claim.js';
import { ReminderClaim } from '../models/reminder-claim.js';
import { TimelineMessage } from '../models/timeline-message.js';
import { HomeViewer } from '../models/home-viewer.js';
import { HomeSnapshot } from '../models/home-snapshot.js';
import { SyncMarker } from '../models/sync-marker.js';
import { ApiToken } from '../models/api-token.js';
import { KnownUser } from '../models/known-user.js';
import { LandbotRequest } from '../models/landbot-request.js';
import { createDatabaseProbe, type DatabaseProbe } from './database-probe.js';
import { startEmbeddedFerretDb, type EmbeddedFerretDb } from './embedded-ferretdb.js';

export interface Database {
  connection: mongoose.Connection;
  isFerretDb: boolean;
  /** Asks the server (a ping with a short deadline), for readiness and for answering users fast during an outage. */
  probe: DatabaseProbe;
  stop(): Promise<void>;
}

const MODELS = [SyncMarker, Counter, Incident, IncidentUpdate, JiraTicket, StepClaim, ReminderClaim, TimelineMessage, HomeViewer, HomeSnapshot, JiraDelivery, JiraSyncBacklog, ApiToken, KnownUser, LandbotRequest];
const DEFAULT_DB_NAME = 'incident-app';

/**
 * Connects mongoose to MONGODB_URI, or, when it is not set, starts the embedded FerretDB on the data folder and
 * stops it again with the app.
 */
export async function connectDatabase(options: { uri: string | undefined; dataDir: string; logger: Logger }): Promise<Database> {
  let embedded: EmbeddedFerretDb | null = null;
  let uri = options.uri;
  if (!uri) {
    embedded = await startEmbeddedFerretDb({ dataDir: options.dataDir });
    // One connection: FerretDB's read-modify-write is only atomic within a single connection.
    uri = `${embedded.uri}/${DEFAULT_DB_NAME}?maxPoolSize=1`;
    options.logger.info('embedded FerretDB started', { dataDir: options.dataDir, port: embedded.port });
  }
  const connection = await connectTo(uri);
  // The probe pings on a connection of its own: the app's single connection can be busy for seconds under load,
  // which says nothing about whether the server answers.
  const pingClient = new MongoClient(uri, { maxPoolSize: 1, serverSelectionTimeoutMS: 1000, heartbeatFrequencyMS: 2000 });
  const isFerretDb = await detectFerretDb(connection);
  options.logger.info('database connected', { engine: isFerretDb ? 'ferretdb' : 'mongodb', db: connection.name });
  return {
    connection,
    isFerretDb,
    probe: createDatabaseProbe({ ping: () => pingClient.db().admin().ping() }),
    stop: async () => {
      await pingClient.close();
      await mongoose.disconnect();
      if (embedded) await embedded.stop();
    },
  };
}

/**
 * While the server is away, an operation fails within about 2.5 s instead of mongoose's and the driver's 10 s
 * defaults, so a Slack handler can still answer in time. Only the first connection gets longer, by retrying.
 */
const OUTAGE_FAIL_FAST_MS = 2500;
const FIRST_CONNECT_TRIES = 4;

export async function connectTo(uri: string): Promise<mongoose.Connection> {
  mongoose.set('strictQuery', true);
  mongoose.set('bufferTimeoutMS', OUTAGE_FAIL_FAST_MS);
  for (let attempt = 1; ; attempt++) {
    try {
      await mongoose.connect(uri, {
        serverSelectionTimeoutMS: OUTAGE_FAIL_FAST_MS,
        heartbeatFrequencyMS: 2000,
        autoIndex: true,
      });
      break;
    } catch (error) {
      if (attempt >= FIRST_CONNECT_TRIES) throw error;
    }
  }
  await Promise.all(MODELS.map((model) => model.init()));
  return mongoose.connection;
}

async function detectFerretDb(connection: mongoose.Connection): Promise<boolean> {
  const info = await connection.db!.admin().command({ buildInfo: 1 });
  return typeof info.ferretdbVersion === 'string';
}
