// Tokens at rest: AES-256-GCM under TOKEN_ENCRYPTION_KEY (docs/contract.md section 1). The blob is
// `v1.<iv>.<tag>.<ciphertext>` in base64url; the associated data binds a blob to its portal and token kind,
// so a blob copied onto another installation does not decrypt.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Config } from '../config.ts';
import { CodedError } from '../errors.ts';
import type { Logger } from '../log.ts';

const KEY_FILE = 'token-encryption.key';

export function encryptToken(key: Buffer, plaintext: string, associatedData = ''): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(associatedData, 'utf8'));
  const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return ['v1', iv, cipher.getAuthTag(), ciphertext].map((p) => (typeof p === 'string' ? p : p.toString('base64url'))).join('.');
}

export function decryptToken(key: Buffer, blob: string, associatedData = ''): string {
  const [version, iv, tag, ciphertext] = blob.split('.');
  if (version !== 'v1' || iv === undefined || tag === undefined || ciphertext === undefined) {
    throw new CodedError('token_decrypt_failed', 'Stored token has an unknown format');
  }
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
    decipher.setAAD(Buffer.from(associatedData, 'utf8'));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(ciphertext, 'base64url')), decipher.final()]).toString('utf8');
  } catch (error) {
    throw new CodedError(
      'token_decrypt_failed',
      'Stored token does not decrypt: TOKEN_ENCRYPTION_KEY differs from the key it was stored with (reinstall the app or restore the key)',
      { cause: error },
    );
  }
}

/** Outside production the app may run without TOKEN_ENCRYPTION_KEY: it keeps a generated key in DATA_DIR (mode 0600). */
export function loadOrCreateTokenKey(dataDir: string, log: Logger): Buffer {
  const path = join(dataDir, KEY_FILE);
  if (existsSync(path)) {
    const key = Buffer.from(readFileSync(path, 'utf8').trim(), 'base64');
    if (key.length !== 32) throw new CodedError('token_key_invalid', `${KEY_FILE} in DATA_DIR does not hold 32 bytes in base64`);
    return key;
  }
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const key = randomBytes(32);
  writeFileSync(path, `${key.toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
  chmodSync(path, 0o600);
  log.warn('TOKEN_ENCRYPTION_KEY is not set: generated a key in DATA_DIR; set TOKEN_ENCRYPTION_KEY (openssl rand -base64 32) before production', {
    file: KEY_FILE,
  });
  return key;
}

export function resolveTokenKey(
  config: Pick<Config, 'TOKEN_ENCRYPTION_KEY' | 'DATA_DIR' | 'NODE_ENV'> & { DATABASE_URL?: string | undefined },
  log: Logger,
): Buffer {
  if (config.TOKEN_ENCRYPTION_KEY) return Buffer.from(config.TOKEN_ENCRYPTION_KEY, 'base64');
  if (config.NODE_ENV === 'production') {
    throw new CodedError('token_key_missing', 'TOKEN_ENCRYPTION_KEY is required in production: set 32 random bytes in base64');
  }
  if (config.DATABASE_URL) {
    // Instances sharing one database must decrypt each other's tokens; a key per DATA_DIR cannot do that.
    log.warn('TOKEN_ENCRYPTION_KEY is not set while DATABASE_URL is: set the same key on every instance, or tokens stored by one instance fail to decrypt on the others');
  }
  return loadOrCreateTokenKey(config.DATA_DIR, log);
}
