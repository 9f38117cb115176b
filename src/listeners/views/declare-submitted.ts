import type { AllMiddlewareArgs, SlackViewMiddlewareArgs, ViewSubmitAction } from '@slack/bolt';
import { validateDeclaration } from '../../services/incidents/validate-declaration.js';
import { declaredModal, declareFailedModal, declaringModal } from '../../views/declare-modal.js';
import { userMessageFor } from '../../views/error-text.js';
import type { ListenerDeps } from '../deps.js';
import { errorsByBlock, readDeclareForm } from './declare-form-state.js';

/**
 * The declare form was submitted. Invalid input is answered in the form, field by field. Valid input is acked at
 * once (the form turns into "declaring…"), then the incident is saved and the form shows its number.
 */
export function declareSubmitted(deps: ListenerDeps) {
  return async ({ ack, body, view, client, logger }: AllMiddlewareArgs & SlackViewMiddlewareArgs<ViewSubmitAction>): Promise<void> => {
    let declaration;
    try {
      const result = validateDeclaration(deps.settings, readDeclareForm(deps.settings, view.state.values));
      if (!result.ok) {
        await ack({ response_action: 'errors', errors: errorsByBlock(deps.settings, result.errors) });
        return;
      }
      declaration = result.value;
    } catch (error) {
      await ack({ response_action: 'update', view: declareFailedModal(userMessageFor(error)) });
      return;
    }
    await ack({ response_action: 'update', view: declaringModal(declaration.title) });

    let confirmation;
    try {
      const { incident } = await deps.services.declareIncident({
        declaration,
        reporter: { slackId: body.user.id, name: body.user.name ?? null },
        submissionKey: view.id,
      });
      confirmation = declaredModal({
        number: incident.number,
        title: incident.title,
        priorityLabel: `${declaration.priority.emoji} ${declaration.priority.name}`,
        critical: declaration.priority.responseType === 'critical',
      });
    } catch (error) {
      logger.error('declaration not saved', error);
      confirmation = declareFailedModal(userMessageFor(error));
    }
    try {
      await client.views.update({ view_id: view.id, view: confirmation });
    } catch (error) {
      logger.warn('could not show the declaration result', error);
    }
  };
}
