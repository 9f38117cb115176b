import { createHash } from 'node:crypto';
import { mkdir, open, readdir, readFile, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';

/** A declare form the app accepted, kept on local disk until the incident it describes is in the database. */
export const spooledDeclarationSchema = z.object({
  submissionKey: z.string().min(1).max(200),
  acceptedAt: z.iso.datetime(),
  reporter: z.object({ slackId: z.string().min(1).max(64), name: z.string().max(200).nullable() }),
  draft: z.object({
    impacts: z.record(z.string(), z.string().optional()),
    category: z.string().nullable(),
    environments: z.array(z.string()),
    platforms: z.array(z.string()),
    title: z.string().nullable(),
    description: z.string().nullable(),
    zendeskTicketId: z.string().nullable(),
    sellerContractId: z.string().nullable(),
    zohoDeskTicketId: z.string().nullable(),
    isKeyAccount: z.boolean(),
    isGoldenList: z.boolean(),
    featureTeam: z.string().nullable(),
  }),
});

export type SpooledDeclaration = z.infer<typeof spooledDeclarationSchema>;

export interface SubmissionSpool {
  /** Returns once the entry is on disk (written, flushed, renamed into place): a crash after this keeps it. */
  put(entry: SpooledDeclaration): Promise<void>;
  remove(submissionKey: string): Promise<void>;
  /** Entries oldest first; a file that cannot be read back is set aside as `*.unreadable` and named in `unreadable`. */
  list(): Promise<{ entries: SpooledDeclaration[]; unreadable: string[] }>;
}

const fileName = (submissionKey: string) => `${createHash('sha256').update(submissionKey).digest('hex').slice(0, 32)}.json`;

/** One JSON file per submission in `dir`, written atomically (temporary file, fsync, rename, fsync of the folder). */
export function createSubmissionSpool(dir: string): SubmissionSpool {
  let ready: Promise<unknown> | null = null;
  const ensureDir = () => (ready ??= mkdir(dir, { recursive: true }));

  return {
    put: async (entry) => {
      await ensureDir();
      const final = path.join(dir, fileName(entry.submissionKey));
      const temporary = `${final}.${process.pid}.tmp`;
      const file = await open(temporary, 'w');
      try {
        await file.writeFile(JSON.stringify(entry));
        await file.sync();
      } finally {
        await file.close();
      }
      await rename(temporary, final);
      const folder = await open(dir, 'r');
      try {
        await folder.sync();
      } finally {
        await folder.close();
      }
    },
    remove: async (submissionKey) => {
      await rm(path.join(dir, fileName(submissionKey)), { force: true });
    },
    list: async () => {
      await ensureDir();
      const entries: SpooledDeclaration[] = [];
      const unreadable: string[] = [];
      for (const name of (await readdir(dir)).filter((n) => n.endsWith('.json'))) {
        const file = path.join(dir, name);
        try {
          entries.push(spooledDeclarationSchema.parse(JSON.parse(await readFile(file, 'utf8'))));
        } catch (error) {
          if ((error as NodeJS.ErrnoException).code === 'ENOENT') continue;
          await rename(file, `${file}.unreadable`);
          unreadable.push(name);
        }
      }
      entries.sort((a, b) => a.acceptedAt.localeCompare(b.acceptedAt));
      return { entries, unreadable };
    },
  };
}
