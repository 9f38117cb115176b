import { Schema, model, type InferSchemaType } from 'mongoose';

/** A Jira issue we created, linked to its incident. */
const jiraTicketSchema = new Schema(
  {
    incidentId: { type: Schema.Types.ObjectId, ref: 'Incident', required: true },
    issueId: { type: String, required: true },
    key: { type: String, required: true },
    url: { type: String, required: true },
    projectKey: { type: String, required: true },
    reporterAccountId: { type: String, default: null },
  },
  { timestamps: true, collection: 'jira_tickets' },
);

jiraTicketSchema.index({ key: 1 }, { unique: true });
jiraTicketSchema.index({ incidentId: 1 }, { unique: true });

export type JiraTicketFields = InferSchemaType<typeof jiraTicketSchema>;
export const JiraTicket = model('JiraTicket', jiraTicketSchema);
