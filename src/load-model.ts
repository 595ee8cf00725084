// Reads and validates a scoring model file; the only part of the model's path that touches the disk.
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { ModelValidationError } from './errors.ts';
import { parseModel, type ScoringModel } from './scoring/index.ts';

export async function loadModelFile(path: string): Promise<ScoringModel> {
  const name = basename(path);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new ModelValidationError([{ path: '', message: `cannot read ${path}: ${(error as Error).message}` }], `scoring model ${name}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new ModelValidationError([{ path: '', message: `not valid JSON: ${(error as Error).message}` }], `scoring model ${name}`);
  }
  const parsed = parseModel(json);
  if (!parsed.ok) throw new ModelValidationError(parsed.issues, `scoring model ${name}`);
  return parsed.model;
}
