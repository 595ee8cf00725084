import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { decryptToken, encryptToken, loadOrCreateTokenKey, resolveTokenKey } from '../../src/hubspot/token-crypto.ts';
import { captureLogs } from './fixtures.ts';

const dirs: string[] = [];
const tempDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'bant-key-'));
  dirs.push(dir);
  return dir;
};
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('token encryption', () => {
  const key = randomBytes(32);

  it('when a token is encrypted, then it decrypts with the same key and context and the blob does not contain it', () => {
    const blob = encryptToken(key, 'CJSP-secret-access-token', 'hubspot:1:access');
    expect(blob).not.toContain('CJSP-secret-access-token');
    expect(blob.startsWith('v1.')).toBe(true);
    expect(decryptToken(key, blob, 'hubspot:1:access')).toBe('CJSP-secret-access-token');
  });

  it('when the same token is encrypted twice, then the blobs differ (random IV)', () => {
    expect(encryptToken(key, 'x'.repeat(20))).not.toBe(encryptToken(key, 'x'.repeat(20)));
  });

  it('when the key or the portal context differs, then decryption fails with a coded error', () => {
    const blob = encryptToken(key, 'token-value-123', 'hubspot:1:refresh');
    expect(() => decryptToken(randomBytes(32), blob, 'hubspot:1:refresh')).toThrow(/TOKEN_ENCRYPTION_KEY/);
    expect(() => decryptToken(key, blob, 'hubspot:2:refresh')).toThrow(/does not decrypt/);
    expect(() => decryptToken(key, 'garbage', '')).toThrow(/unknown format/);
  });

  it('when no key is configured outside production, then one is generated in DATA_DIR with mode 0600, reused, and a warning logged', () => {
    const dir = tempDir();
    const { log, lines } = captureLogs();
    const first = loadOrCreateTokenKey(dir, log);
    expect(first.length).toBe(32);
    expect(statSync(join(dir, 'token-encryption.key')).mode & 0o777).toBe(0o600);
    expect(lines.some((l) => l.includes('"level":"warn"') && l.includes('TOKEN_ENCRYPTION_KEY'))).toBe(true);
    expect(loadOrCreateTokenKey(dir, log).equals(first)).toBe(true);
    expect(resolveTokenKey({ DATA_DIR: dir, NODE_ENV: 'development', TOKEN_ENCRYPTION_KEY: undefined }, log).equals(first)).toBe(true);
  });

  it('when TOKEN_ENCRYPTION_KEY is set, then it is used; in production without it, start-up fails', () => {
    const { log } = captureLogs();
    const configured = randomBytes(32);
    expect(resolveTokenKey({ TOKEN_ENCRYPTION_KEY: configured.toString('base64'), DATA_DIR: tempDir(), NODE_ENV: 'production' }, log).equals(configured)).toBe(true);
    expect(() => resolveTokenKey({ DATA_DIR: tempDir(), NODE_ENV: 'production', TOKEN_ENCRYPTION_KEY: undefined }, log)).toThrow(/required in production/);
  });
});
