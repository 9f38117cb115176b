import { z } from 'zod';
import type { Settings } from '../../settings/schema.js';
import type { DeclarationDraft, DeclarationField } from '../../services/incidents/validate-declaration.js';
import { ACTION, BLOCK, impactBlockId } from '../../views/ids.js';
import { PayloadError } from '../../errors.js';
import { describeZodIssues } from '../../validation.js';

// The shapes Slack sends in view.state.values, per element type (platform-facts §2).
const selected = z.object({ selected_option: z.object({ value: z.string().max(150) }).nullable().optional() });
const multi = z.object({ selected_options: z.array(z.object({ value: z.string().max(150) })).max(100).optional() });
const text = z.object({ value: z.string().max(3000).nullable().optional() });
const stateValues = z.record(z.string().max(255), z.record(z.string().max(255), z.looseObject({ type: z.string().optional() })));

export type ViewStateValues = z.infer<typeof stateValues>;

/** Reads the declare form out of a view's state; a malformed payload is a PayloadError naming the field. */
export function readDeclareForm(settings: Settings, raw: unknown): DeclarationDraft {
  const parsed = stateValues.safeParse(raw ?? {});
  if (!parsed.success) throw new PayloadError(`view.state.values is malformed:\n${describeZodIssues(parsed.error).join('\n')}`, ['view.state.values']);
  const values = parsed.data;
  const element = <T extends z.ZodType>(schema: T, blockId: string, actionId: string): z.infer<T> | undefined => {
    const value = values[blockId]?.[actionId];
    if (value === undefined) return undefined;
    const result = schema.safeParse(value);
    if (!result.success) throw new PayloadError(`view.state.values.${blockId}.${actionId} is malformed`, [blockId]);
    return result.data;
  };
  const single = (blockId: string, actionId: string) => element(selected, blockId, actionId)?.selected_option?.value ?? null;
  const many = (blockId: string, actionId: string) => (element(multi, blockId, actionId)?.selected_options ?? []).map((o) => o.value);
  const textOf = (blockId: string, actionId: string) => element(text, blockId, actionId)?.value ?? null;

  const flags = many(BLOCK.sellerFlags, ACTION.sellerFlags);
  return {
    impacts: Object.fromEntries(settings.impactTypes.map((t) => [t.value, single(impactBlockId(t.value), ACTION.impactLevel) ?? undefined])),
    category: single(BLOCK.category, ACTION.category),
    environments: many(BLOCK.environments, ACTION.environments),
    platforms: many(BLOCK.platforms, ACTION.platforms),
    title: textOf(BLOCK.title, ACTION.title),
    description: textOf(BLOCK.description, ACTION.description),
    zendeskTicketId: textOf(BLOCK.zendeskTicketId, ACTION.zendeskTicketId),
    sellerContractId: textOf(BLOCK.sellerContractId, ACTION.sellerContractId),
    zohoDeskTicketId: textOf(BLOCK.zohoDeskTicketId, ACTION.zohoDeskTicketId),
    isKeyAccount: flags.includes('key_account'),
    isGoldenList: flags.includes('golden_list'),
    featureTeam: single(BLOCK.featureTeam, ACTION.featureTeam),
  };
}

/** Slack shows each error under the input block it names. The impact error goes under the first impact. */
export function errorsByBlock(settings: Settings, errors: Partial<Record<DeclarationField, string>>): Record<string, string> {
  const blockOf: Record<DeclarationField, string> = {
    impacts: impactBlockId(settings.impactTypes[0]!.value),
    category: BLOCK.category,
    environments: BLOCK.environments,
    platforms: BLOCK.platforms,
    title: BLOCK.title,
    description: BLOCK.description,
    zendeskTicketId: BLOCK.zendeskTicketId,
    sellerContractId: BLOCK.sellerContractId,
    zohoDeskTicketId: BLOCK.zohoDeskTicketId,
    featureTeam: BLOCK.featureTeam,
  };
  return Object.fromEntries(Object.entries(errors).map(([field, message]) => [blockOf[field as DeclarationField], message as string]));
}

const metadataSchema = z.object({ originChannelId: z.string().max(20).nullable().optional() });

export function readDeclareMetadata(raw: string | undefined): { originChannelId: string | null } {
  try {
    const parsed = metadataSchema.safeParse(JSON.parse(raw || '{}'));
    return { originChannelId: parsed.success ? (parsed.data.originChannelId ?? null) : null };
  } catch {
    return { originChannelId: null };
  }
}
