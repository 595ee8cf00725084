// `npm run hubspot:project -- --base-url URL [--out DIR]`: the HubSpot developer project for one deployment (docs/contract.md §6).
import { parseArgs } from 'node:util';
import { CodedError } from '../errors.ts';
import { generateProject } from './generate-project.ts';

const USAGE = 'usage: npm run hubspot:project -- --base-url https://bant.example.com [--out hubspot-project]';

async function main(): Promise<number> {
  let values: { 'base-url'?: string; out?: string; help?: boolean };
  try {
    ({ values } = parseArgs({
      options: { 'base-url': { type: 'string' }, out: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
      strict: true,
    }));
  } catch (error) {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n${USAGE}\n`);
    return 2;
  }
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  if (!values['base-url']) {
    process.stderr.write(`--base-url is required: the address HubSpot reaches the app at (PUBLIC_BASE_URL)\n${USAGE}\n`);
    return 2;
  }
  try {
    const result = await generateProject({ baseUrl: values['base-url'], outDir: values.out ?? 'hubspot-project' });
    process.stdout.write(`wrote ${result.files.length} files to ${result.outDir}/ (platform 2026.03); upload with: cd ${result.outDir} && hs project upload\n`);
    return 0;
  } catch (error) {
    if (error instanceof CodedError && error.status < 500) {
      process.stderr.write(`${error.message}\n`);
      return 2;
    }
    throw error;
  }
}

process.exitCode = await main();
