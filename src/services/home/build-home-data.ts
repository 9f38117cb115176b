import { z } from 'zod';
import { Incident, INCIDENT_STATUSES, type IncidentStatus } from '../../models/incident.js';
import { HomeSnapshot } from '../../models/home-snapshot.js';
import type { Settings } from '../../settings/schema.js';

/** One incident as the Home tab shows it. */
export interface HomeIncident {
  id: string;
  number: number;
  title: string;
  status: IncidentStatus;
  priority: number;
  declaredAt: Date;
  commanderSlackId: string | null;
  channelId: string | null;
  jira: { key: string; url: string } | null;
  private: boolean;
  /** Role holders and channel members: whose "my open incidents" list it, and who sees it when it is private. */
  people: string[];
}

/** Incidents of one priority declared this month, and how fast they were mitigated. */
export interface MonthFigures {
  priority: number;
  declared: number;
  mitigated: number;
  /** Median of (mitigated − declared) over the mitigated ones; null when none is. */
  medianTimeToMitigateMs: number | null;
}

/** What the Home tab shows, the same for everyone; `homeDataFor` cuts it to one user. */
export interface HomeBoard {
  computedAt: Date;
  monthStart: Date;
  /** Most urgent first, newest first within a priority; at most MAX_OPEN_ON_BOARD. */
  open: HomeIncident[];
  openTotal: number;
  /** The newest low-priority incidents (the priorities whose response is a Jira ticket), any status. */
  latestLow: HomeIncident[];
  month: MonthFigures[];
}

/** The Home tab's input for one user. */
export interface HomeData {
  userId: string;
  mine: HomeIncident[];
  open: HomeIncident[];
  openTotal: number;
  latestLow: HomeIncident[];
  month: { start: Date; figures: MonthFigures[] };
  computedAt: Date;
}

export const OPEN_STATUSES = INCIDENT_STATUSES.filter((s) => s !== 'CLOSED');
/** Enough for any Home tab (it shows far fewer) while keeping the stored board small. */
export const MAX_OPEN_ON_BOARD = 500;
/** Kept on the board so that private ones can be left out per user and 5 still remain. */
const LATEST_LOW_ON_BOARD = 20;
export const LATEST_LOW_SHOWN = 5;
const SNAPSHOT_ID = 'current';

const PROJECTION = { number: 1, title: 1, status: 1, priority: 1, roles: 1, members: 1, milestones: 1, channel: 1, jira: 1, private: 1 } as const;

interface IncidentRow {
  _id: { toString(): string };
  number: number;
  title: string;
  status: IncidentStatus;
  priority: number;
  roles?: Array<{ role?: string | null; slackId?: string | null }> | null;
  members?: string[] | null;
  milestones?: { declared?: Date | null; mitigated?: Date | null } | null;
  channel?: { id?: string | null } | null;
  jira?: { key?: string | null; url?: string | null } | null;
  private?: boolean | null;
}

/** The first instant of the month of `now`, in UTC (the figures are per calendar month, UTC). */
export function monthStartOf(now: Date): Date {
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1));
}

/** Priority values whose response is a Jira ticket rather than a channel (P4–P5 by default). */
export function lowPriorities(settings: Settings): number[] {
  return settings.priorities.filter((p) => p.responseType === 'normal').map((p) => p.value);
}

function toHomeIncident(row: IncidentRow): HomeIncident {
  const roles = (row.roles ?? []).filter((r) => r.slackId);
  const people = new Set<string>([...roles.map((r) => r.slackId as string), ...(row.members ?? [])]);
  return {
    id: row._id.toString(),
    number: row.number,
    title: row.title,
    status: row.status,
    priority: row.priority,
    declaredAt: row.milestones?.declared ?? new Date(0),
    commanderSlackId: roles.find((r) => r.role === 'commander')?.slackId ?? null,
    channelId: row.channel?.id ?? null,
    jira: row.jira?.key && row.jira.url ? { key: row.jira.key, url: row.jira.url } : null,
    private: row.private ?? false,
    people: [...people],
  };
}

const newestFirst = (a: { declaredAt: Date }, b: { declaredAt: Date }) => b.declaredAt.getTime() - a.declaredAt.getTime();

export function median(values: number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Count and median time to mitigate per priority, computed here: FerretDB's $group has only $sum and $count. */
export function monthFigures(settings: Settings, rows: Array<{ priority: number; declaredAt: Date; mitigatedAt: Date | null }>): MonthFigures[] {
  const priorities = [...new Set([...settings.priorities.map((p) => p.value), ...rows.map((r) => r.priority)])].sort((a, b) => a - b);
  return priorities.map((priority) => {
    const ofPriority = rows.filter((r) => r.priority === priority);
    const durations = ofPriority.flatMap((r) => (r.mitigatedAt && r.mitigatedAt >= r.declaredAt ? [r.mitigatedAt.getTime() - r.declaredAt.getTime()] : []));
    return { priority, declared: ofPriority.length, mitigated: durations.length, medianTimeToMitigateMs: median(durations) };
  });
}

/**
 * Reads the incidents and computes the board. One query fetches the open incidents and those declared this month
 * (MongoDB answers each branch of the $or from an index: { status, priority } and { milestones.declared }); the
 * latest low-priority tickets come from the month's when there are enough of them, else from a second query
 * ({ priority, milestones.declared }). On FerretDB every query here reads the whole collection.
 */
export async function computeHomeBoard(settings: Settings, now: Date): Promise<HomeBoard> {
  const monthStart = monthStartOf(now);
  const low = lowPriorities(settings);
  const rows = (await Incident.find({ $or: [{ status: { $in: OPEN_STATUSES } }, { 'milestones.declared': { $gte: monthStart } }] }, PROJECTION).lean()) as unknown as IncidentRow[];

  const open = rows
    .filter((r) => r.status !== 'CLOSED')
    .map(toHomeIncident)
    .sort((a, b) => a.priority - b.priority || newestFirst(a, b));
  const ofMonth = rows.filter((r) => r.milestones?.declared && r.milestones.declared >= monthStart);

  // Anything declared this month is newer than anything declared before: if the month has enough, they are the latest.
  let latestLow = ofMonth.filter((r) => low.includes(r.priority)).map(toHomeIncident).sort(newestFirst).slice(0, LATEST_LOW_ON_BOARD);
  if (latestLow.length < LATEST_LOW_ON_BOARD && low.length > 0) {
    const found = (await Incident.find({ priority: { $in: low } }, PROJECTION).sort({ 'milestones.declared': -1 }).limit(LATEST_LOW_ON_BOARD).lean()) as unknown as IncidentRow[];
    latestLow = found.map(toHomeIncident).sort(newestFirst);
  }

  return {
    computedAt: now,
    monthStart,
    open: open.slice(0, MAX_OPEN_ON_BOARD),
    openTotal: open.length,
    latestLow,
    month: monthFigures(
      settings,
      ofMonth.map((r) => ({ priority: r.priority, declaredAt: r.milestones!.declared!, mitigatedAt: r.milestones?.mitigated ?? null })),
    ),
  };
}

const homeIncidentShape = z.object({
  id: z.string(),
  number: z.number(),
  title: z.string(),
  status: z.enum(INCIDENT_STATUSES),
  priority: z.number(),
  declaredAt: z.coerce.date(),
  commanderSlackId: z.string().nullable(),
  channelId: z.string().nullable(),
  jira: z.object({ key: z.string(), url: z.string() }).nullable(),
  private: z.boolean(),
  people: z.array(z.string()),
});

const boardShape = z.object({
  computedAt: z.coerce.date(),
  monthStart: z.coerce.date(),
  open: z.array(homeIncidentShape),
  openTotal: z.number(),
  latestLow: z.array(homeIncidentShape),
  month: z.array(z.object({ priority: z.number(), declared: z.number(), mitigated: z.number(), medianTimeToMitigateMs: z.number().nullable() })),
});

/** The stored board, or null when there is none yet or it no longer reads as a board (written by another version). */
export async function readStoredHomeBoard(): Promise<{ board: HomeBoard; payload: string } | null> {
  const stored = await HomeSnapshot.findById(SNAPSHOT_ID).lean();
  if (!stored) return null;
  try {
    const parsed = boardShape.safeParse(JSON.parse(stored.payload));
    return parsed.success ? { board: parsed.data, payload: stored.payload } : null;
  } catch {
    return null;
  }
}

/** The board as stored: comparable between two computations (the time of computation left out). */
export function boardContent(board: HomeBoard): string {
  return JSON.stringify({ ...board, computedAt: undefined });
}

/**
 * Stores the board unless a computation that started later already stored its own. Two instances may race here;
 * whichever loses only leaves a board a few milliseconds older, and the next change recomputes it anyway.
 */
export async function storeHomeBoard(board: HomeBoard): Promise<void> {
  try {
    await HomeSnapshot.updateOne(
      { _id: SNAPSHOT_ID, computedAt: { $lt: board.computedAt } },
      { $set: { computedAt: board.computedAt, payload: JSON.stringify(board) } },
      { upsert: true },
    );
  } catch (error) {
    // The filter missed because a newer board is there, and the upsert then collided with it: keep the newer one.
    if ((error as { code?: number }).code !== 11000) throw error;
  }
}

/**
 * The board to show now: the stored one, or a fresh computation when there is none yet or it is from another month
 * (its month's figures would be wrong). Changes keep the stored one fresh (refresh-home-tabs.ts).
 */
export async function loadHomeBoard(settings: Settings, now: Date): Promise<HomeBoard> {
  const stored = await readStoredHomeBoard();
  if (stored && stored.board.monthStart.getTime() === monthStartOf(now).getTime()) return stored.board;
  const board = await computeHomeBoard(settings, now);
  await storeHomeBoard(board);
  return board;
}

/**
 * The board as one user sees it: "my open incidents" are those where they hold a role or are in the channel; a
 * private incident shows only to its people and to the admins of the settings.
 */
export function homeDataFor(settings: Settings, board: HomeBoard, userId: string): HomeData {
  const admin = settings.admins.includes(userId);
  const visible = (i: HomeIncident) => !i.private || admin || i.people.includes(userId);
  const open = board.open.filter(visible);
  const hidden = board.open.length - open.length;
  return {
    userId,
    mine: open.filter((i) => i.people.includes(userId)),
    open,
    openTotal: board.openTotal - hidden,
    latestLow: board.latestLow.filter(visible).slice(0, LATEST_LOW_SHOWN),
    month: { start: board.monthStart, figures: board.month },
    computedAt: board.computedAt,
  };
}
