import type { AllMiddlewareArgs, SlackViewMiddlewareArgs, ViewSubmitAction } from '@slack/bolt';
import type { DeclarationOutcome } from '../../services/incidents/accept-declaration.js';
import type { Declaration } from '../../services/incidents/validate-declaration.js';
import { declaredModal, declareFailedModal, declareQueuedModal, declaringModal } from '../../views/declare-modal.js';
import { declarationQueuedText, userMessageFor } from '../../views/error-text.js';
import type { ListenerDeps } from '../deps.js';
import { errorsByBlock, readDeclareForm } from './declare-form-state.js';

/**
 * The declare form was submitted. Invalid input is answered in the form, field by field. Valid input is kept on disk
 * and acked at once (the form turns into "declaring…"); the form then shows the incident number, or says it is saved
 * as soon as the database is back.
 */
export function declareSubmitted(deps: ListenerDeps) {
  return async ({ ack, body, view, client, logger }: AllMiddlewareArgs & SlackViewMiddlewareArgs<ViewSubmitAction>): Promise<void> => {
    let acceptance;
    try {
      acceptance = await deps.services.acceptDeclaration({
        draft: readDeclareForm(deps.settings, view.state.values),
        reporter: { slackId: body.user.id, name: body.user.name ?? null },
        submissionKey: view.id,
      });
    } catch (error) {
      await ack({ response_action: 'update', view: declareFailedModal(userMessageFor(error)) });
      return;
    }
    if (acceptance.kind === 'invalid') {
      await ack({ response_action: 'errors', errors: errorsByBlock(deps.settings, acceptance.errors) });
      return;
    }
    await ack({ response_action: 'update', view: declaringModal(acceptance.declaration.title) });
    const outcome = await acceptance.saved;
    if (outcome.kind === 'failed') logger.error('declaration not saved', outcome.error);
    try {
      await client.views.update({ view_id: view.id, view: outcomeModal(acceptance.declaration, outcome) });
    } catch (error) {
      logger.warn('could not show the declaration result', error);
    }
  };
}

function outcomeModal(declaration: Declaration, outcome: DeclarationOutcome) {
  switch (outcome.kind) {
    case 'declared':
      return declaredModal({
        number: outcome.incident.number,
        title: outcome.incident.title,
        priorityLabel: `${declaration.priority.emoji} ${declaration.priority.name}`,
        critical: declaration.priority.responseType === 'critical',
      });
    case 'queued':
      return declareQueuedModal(declarationQueuedText());
    case 'failed':
      return declareFailedModal(userMessageFor(outcome.error));
  }
}
