// The JSON Schema admins' editors use for config/scoring-model.json, derived from the zod schema so the two never drift.
import { z } from 'zod';
import { modelSchema } from './model-schema.ts';

export function generateModelJsonSchema(): Record<string, unknown> {
  return {
    ...z.toJSONSchema(modelSchema, { target: 'draft-2020-12', io: 'input', unrepresentable: 'any' }),
    title: 'hubspot-bant-scoring model',
  };
}
