// JSON-lines logger on pino. Two layers keep secrets out of the lines: fields named like a credential (token, secret,
// cookie, authorization, at the top level or one object down) print `[Redacted]` (pino's redaction), and values
// registered with `registerSecret` are masked wherever they occur in a line, whatever field they hide in.
import pino from 'pino';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent';

export interface Logger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
  child(fields: Record<string, unknown>): Logger;
}

const secrets = new Set<string>();

/** Any later log line containing this value shows `[redacted]` instead. Short values are ignored (too likely to be ordinary text). */
export function registerSecret(value: string | undefined | null): void {
  if (value && value.length >= 8) secrets.add(value);
}

export function redact(text: string): string {
  let out = text;
  for (const secret of secrets) if (out.includes(secret)) out = out.split(secret).join('[redacted]');
  return out.replace(/(Bearer\s+)[A-Za-z0-9._~+/=-]{8,}/g, '$1[redacted]');
}

const CREDENTIAL_FIELDS = [
  'token',
  'accessToken',
  'access_token',
  'refreshToken',
  'refresh_token',
  'secret',
  'clientSecret',
  'client_secret',
  'cookie',
  'authorization',
  'Authorization',
];

/** pino paths: each credential field at the top level and one object down (e.g. `headers.authorization`). */
export const REDACTED_PATHS: readonly string[] = CREDENTIAL_FIELDS.flatMap((field) => [field, `*.${field}`]);

/** Errors as their name, message and code: a stack or a request object could carry a token. */
function plainFields(fields: Record<string, unknown>): Record<string, unknown> {
  let out: Record<string, unknown> | undefined;
  for (const [key, value] of Object.entries(fields)) {
    if (!(value instanceof Error)) continue;
    out ??= { ...fields };
    out[key] = { name: value.name, message: value.message, code: (value as { code?: unknown }).code };
  }
  return out ?? fields;
}

function wrap(logger: pino.Logger): Logger {
  const emit = (level: 'debug' | 'info' | 'warn' | 'error') => (message: string, fields?: Record<string, unknown>) => {
    if (!logger.isLevelEnabled(level)) return;
    if (fields) logger[level](plainFields(fields), message);
    else logger[level](message);
  };
  return {
    debug: emit('debug'),
    info: emit('info'),
    warn: emit('warn'),
    error: emit('error'),
    child: (fields) => wrap(logger.child(plainFields(fields))),
  };
}

let stdoutStream: pino.DestinationStream | undefined;
/** One synchronous stdout stream for every logger of the process. */
function stdout(): pino.DestinationStream {
  stdoutStream ??= pino.destination({ dest: 1, sync: true });
  return stdoutStream;
}

export function createLogger(options: {
  level?: LogLevel;
  /** Receives each line without its newline; default: stdout, written synchronously so a crash loses no line. */
  write?: (line: string) => void;
  fields?: Record<string, unknown>;
} = {}): Logger {
  const write = options.write;
  const destination = write ? { write: (chunk: string) => write(chunk.endsWith('\n') ? chunk.slice(0, -1) : chunk) } : stdout();
  const logger = pino(
    {
      level: options.level ?? 'info',
      base: null,
      messageKey: 'msg',
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      redact: { paths: [...REDACTED_PATHS], censor: '[Redacted]' },
      hooks: { streamWrite: redact },
    },
    destination,
  );
  return wrap(options.fields ? logger.child(plainFields(options.fields)) : logger);
}

export const silentLogger: Logger = createLogger({ level: 'silent' });
