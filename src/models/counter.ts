import { Schema, model } from 'mongoose';

/** Named sequences (incident numbers). */
const counterSchema = new Schema(
  {
    _id: { type: String, required: true },
    seq: { type: Number, required: true, default: 0 },
  },
  { versionKey: false },
);

export const Counter = model('Counter', counterSchema, 'counters');
