import { describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.ts';
import { ConfigError } from '../src/errors.ts';

const oauthEnv = { HUBSPOT_CLIENT_ID: 'cid', HUBSPOT_CLIENT_SECRET: 'secret-value-123', HUBSPOT_APP_ID: '42' };

describe('loadConfig', () => {
  it('when OAuth settings are complete, then defaults follow the contract', () => {
    const config = loadConfig(oauthEnv);
    expect(config.PORT).toBe(3000);
    expect(config.PUBLIC_BASE_URL).toBe('http://localhost:3000');
    expect(config.HUBSPOT_API_BASE_URL).toBe('https://api.hubapi.com');
    expect(config.CRON_RECONCILE).toBe('0 * * * *');
    expect(config.privateAppMode).toBe(false);
  });

  it('when the client secret is missing, then the error names the variable and the fix', () => {
    try {
      loadConfig({ HUBSPOT_CLIENT_ID: 'cid', HUBSPOT_APP_ID: '1' });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as ConfigError).issues.map((i) => i.field)).toEqual(['HUBSPOT_CLIENT_SECRET']);
      expect((error as Error).message).toMatch(/Auth settings/);
    }
  });

  it('when values are malformed, then every bad variable is named', () => {
    expect(() => loadConfig({ ...oauthEnv, PORT: 'abc', CRON_DECAY: 'daily', TOKEN_ENCRYPTION_KEY: 'short' })).toThrow(
      /PORT[\s\S]*TOKEN_ENCRYPTION_KEY[\s\S]*CRON_DECAY|PORT[\s\S]*CRON_DECAY[\s\S]*TOKEN_ENCRYPTION_KEY/,
    );
  });

  it('when in production without an encryption key, then start-up is refused', () => {
    expect(() => loadConfig({ ...oauthEnv, NODE_ENV: 'production' })).toThrow(/TOKEN_ENCRYPTION_KEY/);
  });

  it('when a private-app token is set, then client id and app id are optional', () => {
    const config = loadConfig({ HUBSPOT_PRIVATE_APP_TOKEN: 'pat-123', HUBSPOT_CLIENT_SECRET: 'secret-value-123' });
    expect(config.privateAppMode).toBe(true);
  });
});

describe('settings documentation', () => {
  it('when a setting exists in the schema, then README and .env.example name it, and they name nothing else', async () => {
    const { readFile } = await import('node:fs/promises');
    const { SETTING_NAMES } = await import('../src/config.ts');
    const readme = await readFile(new URL('../README.md', import.meta.url), 'utf8');
    const example = await readFile(new URL('../.env.example', import.meta.url), 'utf8');
    const exampleNames = example
      .split('\n')
      .filter((line) => /^[A-Z0-9_]+=/.test(line))
      .map((line) => line.slice(0, line.indexOf('=')));
    expect([...exampleNames].sort()).toEqual([...SETTING_NAMES].sort());
    for (const name of SETTING_NAMES.filter((n) => n !== 'NODE_ENV')) expect(readme, name).toContain(`\`${name}\``);
  });
});
