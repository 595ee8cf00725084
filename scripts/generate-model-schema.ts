// Writes config/scoring-model.schema.json from the zod schema; test/scoring/model-json-schema.test.ts fails when it is stale.
import { writeFile } from 'node:fs/promises';
import { generateModelJsonSchema } from '../src/scoring/model-json-schema.ts';

const target = new URL('../config/scoring-model.schema.json', import.meta.url);
await writeFile(target, `${JSON.stringify(generateModelJsonSchema(), null, 2)}\n`);
console.log('wrote config/scoring-model.schema.json');
