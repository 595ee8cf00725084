import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { generateModelJsonSchema } from '../../src/scoring/index.ts';
import { MODEL_JSON } from './fixtures.ts';

describe('config/scoring-model.schema.json', () => {
  it('when the zod schema is turned into JSON Schema afresh, then it equals the committed file (run scripts/generate-model-schema.ts)', () => {
    const committed = JSON.parse(readFileSync(new URL('../../config/scoring-model.schema.json', import.meta.url), 'utf8'));
    expect(committed).toEqual(generateModelJsonSchema());
  });

  it('when an editor opens the default model, then it finds the schema beside it and the schema allows the $schema key', () => {
    expect(MODEL_JSON.$schema).toBe('./scoring-model.schema.json');
    const schema = generateModelJsonSchema() as { properties: Record<string, unknown>; additionalProperties: unknown };
    expect(schema.properties.$schema).toEqual({ type: 'string' });
    expect(schema.additionalProperties).toBe(false);
  });
});
