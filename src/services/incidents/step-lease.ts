import { randomUUID } from 'node:crypto';
import { StepClaim } from '../../models/step-claim.js';
import { renewPeriodically } from '../renew-periodically.js';

/** The right to act on one step of one incident, held until released or until its holder stops renewing it. */
export interface StepLease {
  /** Stops renewing and lets the next attempt take the step. Waits for a renewal in flight, so none lands after. */
  release(): Promise<void>;
}

export interface LeaseOptions {
  /** How long the lease outlives its last renewal; it is renewed every third of this while held. */
  lifetimeMs: number;
  now: () => number;
  onRenewalError?: (error: Error) => void;
}

/**
 * Takes the lease on `key` unless a live worker holds it. Leases form a chain, `<key>#0`, `#1`…: a worker takes the
 * first generation nobody holds by inserting the next one, so of two workers at once exactly one wins (an insert
 * against the unique `_id` is the one race-free primitive on both MongoDB and FerretDB). A holder renews its lease
 * while it acts, however long that takes: a run the job queue gave up on, but that is still acting, keeps the step to
 * itself, and only a holder that died (no renewal for a lifetime) is taken over.
 *
 * Returns null when the step is held elsewhere.
 */
export async function acquireStepLease(key: string, options: LeaseOptions): Promise<StepLease | null> {
  const owner = randomUUID();
  const expiry = () => new Date(options.now() + options.lifetimeMs);
  for (let generation = 0; ; generation++) {
    const _id = `${key}#${generation}`;
    try {
      await StepClaim.create({ _id, owner, expiresAt: expiry() });
      return holdLease(_id, owner, options, expiry);
    } catch (error) {
      if ((error as { code?: number }).code !== 11000) throw error;
    }
    const held = await StepClaim.findById(_id).lean();
    if (held && held.expiresAt.getTime() > options.now()) return null;
  }
}

function holdLease(_id: string, owner: string, options: LeaseOptions, expiry: () => Date): StepLease {
  const stopRenewing = renewPeriodically(
    () => StepClaim.updateOne({ _id, owner }, { $set: { expiresAt: expiry() } }),
    Math.max(50, Math.floor(options.lifetimeMs / 3)),
    options.onRenewalError,
  );
  return {
    release: async () => {
      await stopRenewing();
      await StepClaim.updateOne({ _id, owner }, { $set: { expiresAt: new Date(options.now()) } });
    },
  };
}
