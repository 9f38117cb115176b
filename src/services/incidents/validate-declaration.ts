import type { PrioritySetting, Settings } from '../../settings/schema.js';
import { computePriority } from './compute-priority.js';

/** What the declare form holds, as typed by the user (already shape-checked, not yet checked against the rules). */
export interface DeclarationDraft {
  impacts: Record<string, string | undefined>;
  category: string | null;
  environments: string[];
  platforms: string[];
  title: string | null;
  description: string | null;
  zendeskTicketId: string | null;
  sellerContractId: string | null;
  zohoDeskTicketId: string | null;
  isKeyAccount: boolean;
  isGoldenList: boolean;
  featureTeam: string | null;
}

export interface Declaration {
  impacts: Array<{ impactType: string; level: string }>;
  priority: PrioritySetting;
  businessImpact: string | null;
  category: string;
  private: boolean;
  environments: string[];
  platforms: string[];
  title: string;
  description: string;
  customer: { zendeskTicketId: string | null };
  seller: { contractId: string | null; zohoDeskTicketId: string | null; isKeyAccount: boolean; isGoldenList: boolean };
  featureTeam: string | null;
}

export type DeclarationField =
  | 'impacts'
  | 'category'
  | 'environments'
  | 'platforms'
  | 'title'
  | 'description'
  | 'zendeskTicketId'
  | 'sellerContractId'
  | 'zohoDeskTicketId'
  | 'featureTeam';

export type DeclarationResult = { ok: true; value: Declaration } | { ok: false; errors: Partial<Record<DeclarationField, string>> };

/** Which conditional parts of the form apply, given the impacts: the view and the rules agree through this. */
export function declarationShape(settings: Settings, impacts: Record<string, string | undefined>) {
  const { priority, businessImpact } = computePriority(settings, impacts);
  const impacted = (reveals: 'customer' | 'seller') =>
    settings.impactTypes.some((t) => t.reveals === reveals && t.levels.some((l) => l.value === impacts[t.value] && l.priority !== null));
  return {
    priority,
    businessImpact,
    showsCustomerFields: impacted('customer'),
    showsSellerFields: impacted('seller'),
    needsFeatureTeam: priority?.responseType === 'normal',
  };
}

export function validateDeclaration(settings: Settings, draft: DeclarationDraft): DeclarationResult {
  const errors: Partial<Record<DeclarationField, string>> = {};
  const shape = declarationShape(settings, draft.impacts);
  const limits = settings.declare;

  if (!shape.priority) errors.impacts = 'Select at least one impact: with no impact there is no incident to declare.';

  const category = settings.categoryGroups.flatMap((g) => g.categories).find((c) => c.value === draft.category);
  if (!category) errors.category = 'Choose a category.';

  const envValues = new Set(settings.environments.map((e) => e.value));
  if (draft.environments.length === 0) errors.environments = 'Choose at least one environment.';
  else if (draft.environments.some((e) => !envValues.has(e))) errors.environments = 'Unknown environment.';

  const platformValues = new Set(settings.platforms.map((p) => p.value));
  if (draft.platforms.length === 0) errors.platforms = 'Choose at least one platform.';
  else if (draft.platforms.some((p) => !platformValues.has(p))) errors.platforms = 'Unknown platform.';

  const title = (draft.title ?? '').trim();
  if (title.length < limits.titleMin) errors.title = `The title needs at least ${limits.titleMin} characters.`;
  else if (title.length > limits.titleMax) errors.title = `The title can have at most ${limits.titleMax} characters (it has ${title.length}).`;

  const description = (draft.description ?? '').trim();
  if (description.length < limits.descriptionMin) errors.description = `The description needs at least ${limits.descriptionMin} characters.`;
  else if (description.length > limits.descriptionMax)
    errors.description = `The description can have at most ${limits.descriptionMax} characters (it has ${description.length}).`;

  const optionalText = (value: string | null, field: DeclarationField, max: number): string | null => {
    const v = (value ?? '').trim();
    if (v.length > max) errors[field] = `At most ${max} characters.`;
    return v.length > 0 ? v : null;
  };
  const zendesk = shape.showsCustomerFields ? optionalText(draft.zendeskTicketId, 'zendeskTicketId', 128) : null;
  const contractId = shape.showsSellerFields ? optionalText(draft.sellerContractId, 'sellerContractId', 128) : null;
  const zoho = shape.showsSellerFields ? optionalText(draft.zohoDeskTicketId, 'zohoDeskTicketId', 256) : null;

  let featureTeam: string | null = null;
  if (shape.needsFeatureTeam) {
    const team = settings.featureTeams.find((t) => t.name === draft.featureTeam);
    if (!team) errors.featureTeam = 'A feature team is required for P4–P5 incidents.';
    else featureTeam = team.name;
  }

  if (Object.keys(errors).length > 0 || !shape.priority || !category) return { ok: false, errors };

  // Environments keep the settings' order, so the primary one (first) is stable.
  const environments = settings.environments.map((e) => e.value).filter((v) => draft.environments.includes(v));
  return {
    ok: true,
    value: {
      impacts: settings.impactTypes
        .filter((t) => draft.impacts[t.value] !== undefined)
        .map((t) => ({ impactType: t.value, level: draft.impacts[t.value] as string })),
      priority: shape.priority,
      businessImpact: shape.businessImpact,
      category: category.value,
      private: category.private,
      environments,
      platforms: settings.platforms.map((p) => p.value).filter((v) => draft.platforms.includes(v)),
      title,
      description,
      customer: { zendeskTicketId: zendesk },
      seller: {
        contractId,
        zohoDeskTicketId: zoho,
        isKeyAccount: shape.showsSellerFields && draft.isKeyAccount,
        isGoldenList: shape.showsSellerFields && draft.isGoldenList,
      },
      featureTeam,
    },
  };
}
