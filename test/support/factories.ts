import assert from 'node:assert/strict';
import type { IncidentDocument } from '../../src/models/incident.js';
import { declareIncident } from '../../src/services/incidents/declare-incident.js';
import { validateDeclaration, type Declaration, type DeclarationDraft } from '../../src/services/incidents/validate-declaration.js';
import type { Settings } from '../../src/settings/schema.js';
import type { IncidentFacts } from '../../src/views/incident-messages.js';
import { FakeScheduler, silentLogger } from './fakes.js';

/** A complete declare form as a person fills it (a P1 on the CDN), with changes. */
export function declarationDraft(change: Partial<DeclarationDraft> = {}): DeclarationDraft {
  return {
    impacts: { business: 'HT' },
    category: 'cdn',
    environments: ['PRD'],
    platforms: ['platform-All'],
    title: 'Images do not load',
    description: 'The CDN answers 503 for every image.',
    zendeskTicketId: null,
    sellerContractId: null,
    zohoDeskTicketId: null,
    isKeyAccount: false,
    isGoldenList: false,
    featureTeam: null,
    ...change,
  };
}

export function validDeclaration(settings: Settings, change: Partial<DeclarationDraft> = {}): Declaration {
  const result = validateDeclaration(settings, declarationDraft(change));
  assert.ok(result.ok, `the test declaration is valid: ${JSON.stringify(!result.ok && result.errors)}`);
  return result.value;
}

/** An incident saved through the real declare service (its side-effect steps queued on a fake scheduler). */
export async function declaredIncident(
  settings: Settings,
  options: { change?: Partial<DeclarationDraft>; reporter?: string; submissionKey?: string; scheduler?: FakeScheduler } = {},
): Promise<IncidentDocument> {
  const { incident } = await declareIncident(
    { settings, scheduler: options.scheduler ?? new FakeScheduler(), logger: silentLogger() },
    { declaration: validDeclaration(settings, options.change), reporter: { slackId: options.reporter ?? 'UALICE' }, submissionKey: options.submissionKey ?? `V${Math.random()}` },
  );
  return incident;
}

/** What views show of an incident, every text at its longest, for tests of Slack's limits. */
export function longestIncidentFacts(change: Partial<IncidentFacts> = {}): IncidentFacts {
  return {
    id: '65f000000000000000000001',
    number: 987654,
    title: 'T'.repeat(128),
    description: 'D<&>'.repeat(300),
    status: 'OPEN',
    priority: 1,
    category: 'payment',
    environments: ['PRD', 'STG', 'INT'],
    platforms: ['platform-FR'],
    businessImpact: 'Highest',
    reporterSlackId: 'U0123456789',
    roles: [{ role: 'commander', slackId: 'U0123456789' }],
    jira: { key: 'INC-123456', url: 'https://example.atlassian.net/browse/INC-123456' },
    channelId: 'C0123456789',
    customer: { zendeskTicketId: 'Z'.repeat(128) },
    seller: { contractId: 'S'.repeat(128), zohoDeskTicketId: 'H'.repeat(256), isKeyAccount: true, isGoldenList: true },
    ...change,
  };
}
