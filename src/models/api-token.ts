import { Schema, model, type InferSchemaType } from 'mongoose';

/**
 * A token of the external ticket API. Only the SHA-256 of the token is kept, as `_id`: a request's token is found by
 * one `_id` lookup (the one indexed read on FerretDB), and a copy of the database gives away no usable token.
 * Revoking deletes the document, so the next request with it is refused.
 */
const apiTokenSchema = new Schema(
  {
    _id: { type: String, required: true },
    name: { type: String, required: true },
    createdAt: { type: Date, required: true },
    lastUsedAt: { type: Date, default: null },
  },
  { versionKey: false, collection: 'api_tokens' },
);

apiTokenSchema.index({ name: 1 }, { unique: true });

export type ApiTokenFields = InferSchemaType<typeof apiTokenSchema>;
export const ApiToken = model('ApiToken', apiTokenSchema);
