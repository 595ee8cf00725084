import { describe, expect, it } from 'vitest';
import { createLogger, registerSecret } from '../src/log.ts';

function capture(level: 'debug' | 'info' | 'warn' | 'error' | 'silent' = 'debug') {
  const lines: string[] = [];
  return { log: createLogger({ level, write: (line) => lines.push(line) }), lines };
}

describe('logger', () => {
  it('when a line is logged, then it is one JSON object with time, level, msg and the fields', () => {
    const { log, lines } = capture();
    log.info('contact scored', { portalId: 42, contactId: '7' });
    expect(lines).toHaveLength(1);
    expect(lines[0]).not.toContain('\n');
    const line = JSON.parse(lines[0]!) as Record<string, unknown>;
    expect(line).toMatchObject({ level: 'info', msg: 'contact scored', portalId: 42, contactId: '7' });
    expect(new Date(String(line.time)).toISOString()).toBe(line.time);
  });

  it('when fields are named token, secret, cookie or authorization, then their values print [Redacted]', () => {
    const { log, lines } = capture();
    log.warn('request failed', {
      token: 'plain-token-value',
      secret: 'plain-secret-value',
      cookie: 'session=abc',
      authorization: 'Basic dXNlcjpwYXNz',
      headers: { authorization: 'Basic nested', cookie: 'nested=1', accept: 'application/json' },
      access_token: 'snake-case-token',
      portalId: 42,
    });
    const line = JSON.parse(lines[0]!) as Record<string, unknown>;
    expect(line).toMatchObject({
      token: '[Redacted]',
      secret: '[Redacted]',
      cookie: '[Redacted]',
      authorization: '[Redacted]',
      access_token: '[Redacted]',
      headers: { authorization: '[Redacted]', cookie: '[Redacted]', accept: 'application/json' },
      portalId: 42,
    });
    for (const value of ['plain-token-value', 'plain-secret-value', 'session=abc', 'dXNlcjpwYXNz', 'nested=1', 'snake-case-token']) {
      expect(lines[0]).not.toContain(value);
    }
  });

  it('when a registered secret appears in any field or the message, then the line shows [redacted] instead', () => {
    const { log, lines } = capture();
    registerSecret('registered-secret-4711');
    log.error('refresh failed for registered-secret-4711', { detail: { body: 'token=registered-secret-4711' }, header: 'Bearer abcdefghijklmnop' });
    expect(lines[0]).not.toContain('registered-secret-4711');
    expect(lines[0]).not.toContain('abcdefghijklmnop');
    expect(lines[0]).toContain('[redacted]');
  });

  it('when an Error is logged as a field, then only its name, message and code appear', () => {
    const { log, lines } = capture();
    const error = Object.assign(new Error('boom'), { code: 'E_BOOM', request: { headers: { Authorization: 'x' } } });
    log.error('failed', { error });
    const line = JSON.parse(lines[0]!) as { error: unknown };
    expect(line.error).toEqual({ name: 'Error', message: 'boom', code: 'E_BOOM' });
  });

  it('when a child logger logs, then its fields are on every line and the call fields win', () => {
    const { log, lines } = capture();
    const child = log.child({ portalId: 1, job: 'decay' });
    child.info('one', { job: 'override' });
    const line = JSON.parse(lines[0]!) as Record<string, unknown>;
    expect(line).toMatchObject({ portalId: 1, job: 'override', msg: 'one' });
  });

  it('when a level is below the threshold, then nothing is written', () => {
    const { log, lines } = capture('warn');
    log.info('hidden');
    log.debug('hidden');
    log.warn('shown');
    expect(lines.map((l) => (JSON.parse(l) as { msg: string }).msg)).toEqual(['shown']);
    const silent = capture('silent');
    silent.log.error('nothing');
    expect(silent.lines).toEqual([]);
  });
});
