import NodeCache from 'node-cache';
import { SyncMarker } from '../../models/sync-marker.js';
import { createBatcher } from '../batching.js';

export type SyncDirection = 'to_jira' | 'from_jira';

const TTL_MS = 30_000;

/**
 * Loop prevention (design.md): a marker `sync:{entity}:{id}:{direction}` where the id also names the field and the
 * value written, so an echo of exactly that write is recognised. Held in node-cache for this process and in MongoDB
 * for the others; a marker is consumed when it matches, so a later genuine change of the same value still applies.
 */
export interface SyncMarkers {
  mark(entity: string, id: string, direction: SyncDirection): Promise<void>;
  /** True (and the marker is removed) when a live marker exists. */
  consume(entity: string, id: string, direction: SyncDirection): Promise<boolean>;
}

export function markerKey(entity: string, id: string, direction: SyncDirection): string {
  return `sync:${entity}:${id}:${direction}`;
}

/**
 * A normalised marker id for a field value, e.g. `INC-1/status/reporter validation`. Whitespace runs count as one
 * space: a multi-line description we write as ADF paragraphs comes back as wiki text with other line breaks.
 */
export function fieldMarkerId(issueKey: string, field: string, value: unknown): string {
  return `${issueKey}/${field}/${String(value ?? '').replace(/\s+/g, ' ').trim().toLowerCase()}`;
}

export function createSyncMarkers(options: { now?: () => number } = {}): SyncMarkers {
  const now = options.now ?? Date.now;
  const cache = new NodeCache({ stdTTL: TTL_MS / 1000, checkperiod: 60, useClones: false });
  // Webhooks applied together look their markers up together: one query for the batch, a delete only for those found.
  const takeStored = createBatcher(
    async (keys: string[]): Promise<boolean[]> => {
      const found = await SyncMarker.find(keys.length === 1 ? { _id: keys[0] } : { _id: { $in: keys } }).lean();
      if (found.length) await SyncMarker.deleteMany(found.length === 1 ? { _id: found[0]!._id } : { _id: { $in: found.map((m) => m._id) } });
      const live = new Set(found.filter((m) => m.expiresAt.getTime() > now()).map((m) => m._id));
      return keys.map((key) => live.has(key));
    },
    { maxBatch: 100 },
  );
  return {
    mark: async (entity, id, direction) => {
      const key = markerKey(entity, id, direction);
      cache.set(key, true);
      const expiresAt = new Date(now() + TTL_MS);
      try {
        await SyncMarker.create({ _id: key, expiresAt });
      } catch (error) {
        if ((error as { code?: number }).code !== 11000) throw error;
        // The same value written again within the window: extend it.
        await SyncMarker.updateOne({ _id: key }, { $set: { expiresAt } });
      }
    },
    consume: async (entity, id, direction) => {
      const key = markerKey(entity, id, direction);
      const local = cache.take<boolean>(key) === true;
      return (await takeStored(key)) || local;
    },
  };
}
