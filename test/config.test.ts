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

describe('loadConfig refuses values that would be read loosely', () => {
  const fieldsOf = (env: Record<string, string>) => {
    try {
      loadConfig({ ...oauthEnv, ...env });
      return [];
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      return (error as ConfigError).issues.map((i) => i.field);
    }
  };
  const key = Buffer.alloc(32, 9).toString('base64');

  it('when TOKEN_ENCRYPTION_KEY is not strict base64 of exactly 32 bytes, then the error names it', () => {
    expect(fieldsOf({ TOKEN_ENCRYPTION_KEY: key })).toEqual([]);
    expect(fieldsOf({ TOKEN_ENCRYPTION_KEY: key.slice(0, -1) })).toEqual(['TOKEN_ENCRYPTION_KEY']);
    expect(fieldsOf({ TOKEN_ENCRYPTION_KEY: `${key.slice(0, 20)}!${key.slice(21)}` })).toEqual(['TOKEN_ENCRYPTION_KEY']);
    expect(fieldsOf({ TOKEN_ENCRYPTION_KEY: Buffer.alloc(32, 9).toString('base64url') })).toEqual(['TOKEN_ENCRYPTION_KEY']);
    expect(fieldsOf({ TOKEN_ENCRYPTION_KEY: Buffer.alloc(33, 9).toString('base64') })).toEqual(['TOKEN_ENCRYPTION_KEY']);
    expect(fieldsOf({ TOKEN_ENCRYPTION_KEY: `${key} ${key}` })).toEqual(['TOKEN_ENCRYPTION_KEY']);
    expect(() => loadConfig({ ...oauthEnv, TOKEN_ENCRYPTION_KEY: key.slice(0, -1) })).toThrow(/TOKEN_ENCRYPTION_KEY.*32/);
  });

  it('when WEBHOOK_MAX_BYTES is above 16 MiB, then the error names it and the bound', () => {
    expect(loadConfig({ ...oauthEnv, WEBHOOK_MAX_BYTES: String(16 * 1024 * 1024) }).WEBHOOK_MAX_BYTES).toBe(16 * 1024 * 1024);
    expect(fieldsOf({ WEBHOOK_MAX_BYTES: String(16 * 1024 * 1024 + 1) })).toEqual(['WEBHOOK_MAX_BYTES']);
    expect(() => loadConfig({ ...oauthEnv, WEBHOOK_MAX_BYTES: '1000000000' })).toThrow(/WEBHOOK_MAX_BYTES.*16777216/);
  });

  it('when PUBLIC_BASE_URL carries a query or fragment, then the error names it', () => {
    expect(fieldsOf({ PUBLIC_BASE_URL: 'https://bant.example.com/app' })).toEqual([]);
    expect(fieldsOf({ PUBLIC_BASE_URL: 'https://bant.example.com/?x=1' })).toEqual(['PUBLIC_BASE_URL']);
    expect(fieldsOf({ PUBLIC_BASE_URL: 'https://bant.example.com#top' })).toEqual(['PUBLIC_BASE_URL']);
    expect(fieldsOf({ PUBLIC_BASE_URL: 'https://bant.example.com?' })).toEqual(['PUBLIC_BASE_URL']);
    expect(() => loadConfig({ ...oauthEnv, PUBLIC_BASE_URL: 'https://bant.example.com/?x=1' })).toThrow(/PUBLIC_BASE_URL.*query or fragment/);
  });

  it('when METRICS_TOKEN is set, then it is kept, and a short one is refused by name', () => {
    expect(loadConfig({ ...oauthEnv, METRICS_TOKEN: 'metrics-token-0123456789' }).METRICS_TOKEN).toBe('metrics-token-0123456789');
    expect(fieldsOf({ METRICS_TOKEN: 'short' })).toEqual(['METRICS_TOKEN']);
  });
});
