// Workflow: statuses, the initial status and the transitions available from each status.

import type { StatusCategoryKey, WorkflowDefinition, WorkflowStatus, WorkflowTransition } from './types.js';

/**
 * FireFighter-like incident workflow:
 * Incoming -> Pending resolution -> in progress -> Reporter validation, a global "Close" (from any status to Closed)
 * and "Reopen" (Closed -> Incoming).
 */
export function defaultWorkflow(): WorkflowDefinition {
  return {
    statuses: [
      { id: '10001', name: 'Incoming', category: 'new' },
      { id: '10002', name: 'Pending resolution', category: 'indeterminate' },
      { id: '3', name: 'in progress', category: 'indeterminate' },
      { id: '10003', name: 'Reporter validation', category: 'indeterminate' },
      { id: '6', name: 'Closed', category: 'done' },
    ],
    initial: 'Incoming',
    transitions: [
      { id: '21', name: 'Pending resolution', from: ['Incoming'], to: 'Pending resolution' },
      { id: '31', name: 'In progress', from: ['Pending resolution'], to: 'in progress' },
      { id: '41', name: 'Reporter validation', from: ['in progress'], to: 'Reporter validation' },
      { id: '51', name: 'Close', from: [], to: 'Closed' },
      { id: '61', name: 'Reopen', from: ['Closed'], to: 'Incoming' },
    ],
  };
}

export interface StatusCategoryInfo {
  id: number;
  key: StatusCategoryKey;
  colorName: string;
  name: string;
}

export const STATUS_CATEGORIES: Record<StatusCategoryKey, StatusCategoryInfo> = {
  new: { id: 2, key: 'new', colorName: 'blue-gray', name: 'To Do' },
  indeterminate: { id: 4, key: 'indeterminate', colorName: 'yellow', name: 'In Progress' },
  done: { id: 3, key: 'done', colorName: 'green', name: 'Done' },
};

export class Workflow {
  readonly definition: WorkflowDefinition;

  constructor(definition: WorkflowDefinition) {
    Workflow.validate(definition);
    this.definition = {
      statuses: definition.statuses.map((s) => ({ ...s })),
      initial: definition.initial,
      transitions: definition.transitions.map((t) => ({ ...t, from: [...t.from] })),
    };
  }

  private static validate(def: WorkflowDefinition): void {
    const names = new Set(def.statuses.map((s) => s.name));
    if (!names.has(def.initial)) throw new Error(`workflow: initial status '${def.initial}' is not among the statuses`);
    const ids = new Set<string>();
    for (const t of def.transitions) {
      if (ids.has(t.id)) throw new Error(`workflow: duplicate transition id '${t.id}'`);
      ids.add(t.id);
      if (!names.has(t.to)) throw new Error(`workflow: transition '${t.name}' goes to unknown status '${t.to}'`);
      for (const f of t.from) if (!names.has(f)) throw new Error(`workflow: transition '${t.name}' starts from unknown status '${f}'`);
    }
  }

  get initial(): WorkflowStatus {
    return this.requireStatus(this.definition.initial);
  }

  statuses(): WorkflowStatus[] {
    return this.definition.statuses;
  }

  /** Status by name (case-insensitive, as JQL and Jira's UI match them) or by id. */
  findStatus(nameOrId: string): WorkflowStatus | undefined {
    const lower = nameOrId.toLowerCase();
    return this.definition.statuses.find((s) => s.name.toLowerCase() === lower) ?? this.definition.statuses.find((s) => s.id === nameOrId);
  }

  requireStatus(name: string): WorkflowStatus {
    const status = this.findStatus(name);
    if (!status) throw new Error(`workflow: unknown status '${name}'`);
    return status;
  }

  isGlobal(t: WorkflowTransition): boolean {
    return t.from.length === 0;
  }

  /** Transitions a user can perform from `statusName`. A global transition is not offered from its own target. */
  available(statusName: string): WorkflowTransition[] {
    return this.definition.transitions.filter((t) =>
      this.isGlobal(t) ? t.to !== statusName : t.from.includes(statusName),
    );
  }

  all(): WorkflowTransition[] {
    return this.definition.transitions;
  }
}
