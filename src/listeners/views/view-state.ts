import { z } from 'zod';
import { PayloadError } from '../../errors.js';

/** Typed readers over `view.state.values`, each shape-checked with zod; a malformed value names its block. */
const stateValues = z.record(z.string().max(255), z.record(z.string().max(255), z.looseObject({ type: z.string().optional() })));
const selected = z.object({ selected_option: z.object({ value: z.string().max(150) }).nullable().optional() });
const multi = z.object({ selected_options: z.array(z.object({ value: z.string().max(150) })).max(100).optional() });
const text = z.object({ value: z.string().max(12000).nullable().optional() });
const user = z.object({ selected_user: z.string().regex(/^[UW][A-Z0-9]+$/).nullable().optional() });
const dateTime = z.object({ selected_date_time: z.number().int().positive().nullable().optional() });

export class ViewState {
  private readonly values: z.infer<typeof stateValues>;
  constructor(raw: unknown) {
    const parsed = stateValues.safeParse(raw ?? {});
    if (!parsed.success) throw new PayloadError('view.state.values is malformed', ['view.state.values']);
    this.values = parsed.data;
  }
  private read<T extends z.ZodType>(schema: T, blockId: string, actionId: string): z.infer<T> | undefined {
    const value = this.values[blockId]?.[actionId];
    if (value === undefined) return undefined;
    const result = schema.safeParse(value);
    if (!result.success) throw new PayloadError(`view.state.values.${blockId}.${actionId} is malformed`, [blockId]);
    return result.data;
  }
  select(blockId: string, actionId: string): string | null {
    return this.read(selected, blockId, actionId)?.selected_option?.value ?? null;
  }
  multiSelect(blockId: string, actionId: string): string[] {
    return (this.read(multi, blockId, actionId)?.selected_options ?? []).map((o) => o.value);
  }
  text(blockId: string, actionId: string): string | null {
    const value = this.read(text, blockId, actionId)?.value ?? null;
    return value && value.trim().length > 0 ? value : null;
  }
  user(blockId: string, actionId: string): string | null {
    return this.read(user, blockId, actionId)?.selected_user ?? null;
  }
  dateTime(blockId: string, actionId: string): Date | null {
    const seconds = this.read(dateTime, blockId, actionId)?.selected_date_time;
    return seconds ? new Date(seconds * 1000) : null;
  }
}

const incidentMetadata = z.object({ incidentId: z.string().regex(/^[a-f0-9]{24}$/) });

/** The incident id an incident modal carries in its private_metadata. */
export function incidentIdOf(privateMetadata: string | undefined): string {
  try {
    const parsed = incidentMetadata.safeParse(JSON.parse(privateMetadata || '{}'));
    if (parsed.success) return parsed.data.incidentId;
  } catch {
    // fall through
  }
  throw new PayloadError('view.private_metadata does not name an incident', ['view.private_metadata']);
}
