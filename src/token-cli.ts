import 'dotenv/config';
import { parseDatabaseConfig } from './config.js';
import { connectDatabase } from './db/connect-database.js';
import { AppError } from './errors.js';
import { createLogger } from './logger.js';
import { createApiToken, listApiTokens, revokeApiToken } from './services/tokens/api-tokens.js';

const USAGE = `usage: npm run token -- create <name> | list | revoke <name>`;

/**
 * `npm run token -- create <name>` prints a new token of the ticket API once (only its hash is stored); `list` shows
 * names, creation and last use; `revoke <name>` stops it at once. Uses MONGODB_URI, or the embedded FerretDB on its
 * data folder like `npm start`.
 */
async function main(args: string[]): Promise<number> {
  const [command, name, ...rest] = args;
  const wantsName = command === 'create' || command === 'revoke';
  if (!command || !['create', 'list', 'revoke'].includes(command) || (wantsName ? !name || rest.length > 0 : name !== undefined)) {
    process.stderr.write(`${USAGE}\n`);
    return 2;
  }
  const logger = createLogger({ level: 'warn', secrets: [] });
  const database = await connectDatabase({ ...withUri(parseDatabaseConfig(process.env)), logger });
  try {
    if (command === 'create') {
      const created = await createApiToken(name!);
      process.stdout.write(`Token "${created.name}" created. Copy it now: it is not stored and cannot be shown again.\n${created.token}\n`);
    } else if (command === 'revoke') {
      await revokeApiToken(name!);
      process.stdout.write(`Token "${name}" revoked.\n`);
    } else {
      const tokens = await listApiTokens();
      if (tokens.length === 0) process.stdout.write('No tokens.\n');
      for (const t of tokens) {
        process.stdout.write(`${t.name}\tcreated ${t.createdAt.toISOString()}\tlast used ${t.lastUsedAt ? t.lastUsedAt.toISOString() : 'never'}\n`);
      }
    }
    return 0;
  } catch (error) {
    if (error instanceof AppError) {
      process.stderr.write(`${error.message}\n`);
      return 1;
    }
    throw error;
  } finally {
    await database.stop();
  }
}

function withUri(config: ReturnType<typeof parseDatabaseConfig>) {
  return { uri: config.mongodbUri, dataDir: config.ferretDbDataDir };
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`token: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
