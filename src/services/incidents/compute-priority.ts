import type { PrioritySetting, Settings } from '../../settings/schema.js';

export interface PriorityAssessment {
  /** null when every impact is "none": there is no incident to declare. */
  priority: PrioritySetting | null;
  /** The level name of the business impact type, as Jira's business impact field wants it; null if not set. */
  businessImpact: string | null;
}

/** The lowest priority number implied by any selected impact level wins (FireFighter's rule). */
export function computePriority(settings: Settings, impacts: Record<string, string | undefined>): PriorityAssessment {
  let best: number | null = null;
  let businessImpact: string | null = null;
  for (const type of settings.impactTypes) {
    const selected = impacts[type.value];
    const level = type.levels.find((l) => l.value === selected);
    if (!level) continue;
    if (type.isBusinessImpact && level.priority !== null) businessImpact = level.name;
    if (level.priority !== null && (best === null || level.priority < best)) best = level.priority;
  }
  const priority = best === null ? null : (settings.priorities.find((p) => p.value === best) ?? null);
  return { priority, businessImpact };
}

export function prioritySetting(settings: Settings, value: number): PrioritySetting {
  const found = settings.priorities.find((p) => p.value === value);
  if (!found) throw new Error(`priority ${value} is not in the settings`);
  return found;
}

/** The level that means "no impact" for a type: the form's default. */
export function noImpactLevel(settings: Settings, impactType: string): string {
  const type = settings.impactTypes.find((t) => t.value === impactType);
  const level = type?.levels.find((l) => l.priority === null);
  if (!level) throw new Error(`impact type ${impactType} has no "none" level`);
  return level.value;
}
