// Settings from the environment (docs/contract.md section 1), validated once at start-up.
// An invalid or missing value stops the process with a message naming the variable and how to fix it.
import { z } from 'zod';
import { ConfigError } from './errors.ts';
import { DEFAULT_LOWDB_CONTACT_LIMIT } from './store/embedded-store-limit.ts';

const cronExpression = z
  .string()
  .trim()
  .refine((v) => {
    const fields = v.split(/\s+/);
    return (fields.length === 5 || fields.length === 6) && fields.every((f) => /^[\d*/,\-A-Za-z?LW#]+$/.test(f));
  }, 'expected a node-cron expression with 5 fields (or 6 with leading seconds), e.g. "0 * * * *"');

const url = (hint: string) =>
  z
    .string()
    .trim()
    .refine((v) => {
      try {
        const u = new URL(v);
        return u.protocol === 'http:' || u.protocol === 'https:';
      } catch {
        return false;
      }
    }, `expected an http(s) URL, ${hint}`)
    .transform((v) => v.replace(/\/+$/, ''));

/** Paths are appended to it (`/oauth/callback`, `/webhooks/hubspot`), and HubSpot signs the exact URL it calls. */
const baseUrl = (hint: string) =>
  url(hint).refine((v) => !/[?#]/.test(v), 'must not carry a query or fragment: the app appends paths to it, e.g. https://bant.example.com');

/** Canonical base64 of exactly 32 bytes: anything Buffer would read loosely (missing padding, stray characters) is refused. */
function isKey32(value: string): boolean {
  if (!/^[A-Za-z0-9+/]{43}=$/.test(value)) return false;
  const bytes = Buffer.from(value, 'base64');
  return bytes.length === 32 && bytes.toString('base64') === value;
}

/** 16 MiB: HubSpot sends under 100 events per delivery (docs/hubspot-platform.md §1.4); a larger limit only costs memory. */
export const WEBHOOK_MAX_BYTES_LIMIT = 16 * 1024 * 1024;

const optionalString = z
  .string()
  .trim()
  .optional()
  .transform((v) => (v === '' ? undefined : v));

const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  PORT: z.coerce.number().int('expected a whole number').min(0).max(65535).default(3000),
  PUBLIC_BASE_URL: baseUrl('the address HubSpot reaches the app at, e.g. https://bant.example.com').optional(),
  HUBSPOT_CLIENT_ID: optionalString,
  HUBSPOT_CLIENT_SECRET: optionalString,
  /** A second secret accepted for webhook signatures while a rotation is under way. */
  HUBSPOT_CLIENT_SECRET_PREVIOUS: optionalString,
  HUBSPOT_APP_ID: optionalString.refine((v) => v === undefined || /^\d+$/.test(v), 'expected the numeric app id from the app settings'),
  HUBSPOT_PRIVATE_APP_TOKEN: optionalString,
  /** Private-app mode only: the portal the token belongs to; learned from the token when absent. */
  HUBSPOT_PORTAL_ID: optionalString.refine((v) => v === undefined || /^\d+$/.test(v), 'expected a numeric portal id'),
  HUBSPOT_API_BASE_URL: url('e.g. https://api.hubapi.com').default('https://api.hubapi.com'),
  HUBSPOT_AUTH_BASE_URL: url('e.g. https://app.hubspot.com').default('https://app.hubspot.com'),
  DATA_DIR: z.string().trim().min(1).default('./data'),
  DATABASE_URL: optionalString.refine(
    (v) => v === undefined || /^postgres(ql)?:\/\//.test(v),
    'expected a postgres:// or postgresql:// URL',
  ),
  /** Contacts the embedded (lowdb) store is measured for; beyond them the app warns (start-up log, console). */
  LOWDB_CONTACT_LIMIT: z.coerce.number().int().min(1).default(DEFAULT_LOWDB_CONTACT_LIMIT),
  REDIS_URL: optionalString.refine((v) => v === undefined || /^rediss?:\/\//.test(v), 'expected a redis:// or rediss:// URL'),
  TOKEN_ENCRYPTION_KEY: optionalString.refine(
    (v) => v === undefined || isKey32(v),
    'expected exactly 32 random bytes in strict base64 (44 characters ending in "="), e.g. from `openssl rand -base64 32`',
  ),
  /** When set, GET /metrics requires `Authorization: Bearer <token>`. */
  METRICS_TOKEN: optionalString.refine((v) => v === undefined || v.length >= 16, 'expected at least 16 characters, e.g. from `openssl rand -hex 24`'),
  SCORING_MODEL: z.string().trim().min(1).default('config/scoring-model.json'),
  LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error', 'silent']).default('info'),
  CRON_RECONCILE: cronExpression.default('0 * * * *'),
  CRON_DECAY: cronExpression.default('30 3 * * *'),
  CRON_TASKS: cronExpression.default('*/5 * * * *'),
  /** Coalescing window for webhook-driven rescoring, ms. */
  RESCORE_DELAY_MS: z.coerce.number().int().min(0).default(1000),
  /** Per-portal HubSpot budget: requests per rolling 10 s, and search requests per second. */
  HUBSPOT_RATE_LIMIT_PER_10S: z.coerce.number().int().min(1).default(110),
  HUBSPOT_SEARCH_RATE_PER_S: z.coerce.number().int().min(1).default(5),
  /**
   * Live queue batches in flight per instance, each of another portal. A batch mostly waits on its portal's rate limit
   * (a few calls ~91 ms apart), so with many portals the instance needs many at once, not CPU.
   */
  QUEUE_CONCURRENCY: z.coerce.number().int().min(1).max(1024).default(128),
  /** Live queue items (contacts, companies, …) in flight per instance: bounds memory when many batches are full (16 × 100). */
  QUEUE_ITEMS_IN_FLIGHT: z.coerce.number().int().min(1).max(100_000).default(1600),
  /** Largest webhook body accepted, bytes. */
  WEBHOOK_MAX_BYTES: z.coerce
    .number()
    .int('expected a whole number of bytes')
    .min(1024, 'expected at least 1024 bytes')
    .max(WEBHOOK_MAX_BYTES_LIMIT, `expected at most ${WEBHOOK_MAX_BYTES_LIMIT} bytes (16 MiB)`)
    .default(1_048_576),
  /**
   * Bytes of webhook bodies being read before their signature is checked, all requests together; beyond it a delivery
   * gets 503 with Retry-After (HubSpot retries). Never below WEBHOOK_MAX_BYTES, so the largest delivery always fits.
   */
  WEBHOOK_PENDING_BYTES: z.coerce
    .number()
    .int('expected a whole number of bytes')
    .min(1024, 'expected at least 1024 bytes')
    .max(1024 * 1024 * 1024, 'expected at most 1073741824 bytes (1 GiB)')
    .default(8 * 1024 * 1024),
});

export type Env = z.infer<typeof envSchema>;

/** Every setting the app reads, for docs and `.env.example` checks. */
export const SETTING_NAMES = Object.keys(envSchema.shape) as Array<keyof Env>;

export interface Config extends Omit<Env, 'PUBLIC_BASE_URL'> {
  PUBLIC_BASE_URL: string;
  privateAppMode: boolean;
}

/** Validate the environment; throws ConfigError listing every problem. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((issue) => ({ field: String(issue.path[0] ?? '(environment)'), message: issue.message })),
    );
  }
  const e = parsed.data;
  const issues: Array<{ field: string; message: string }> = [];
  const privateAppMode = e.HUBSPOT_PRIVATE_APP_TOKEN !== undefined;
  if (!e.HUBSPOT_CLIENT_SECRET) {
    issues.push({
      field: 'HUBSPOT_CLIENT_SECRET',
      message: "is missing: copy it from the app's Auth settings in HubSpot (it also keys webhook signatures)",
    });
  }
  if (!privateAppMode && !e.HUBSPOT_CLIENT_ID) {
    issues.push({ field: 'HUBSPOT_CLIENT_ID', message: "is missing: copy it from the app's Auth settings (or set HUBSPOT_PRIVATE_APP_TOKEN for private-app mode)" });
  }
  if (!privateAppMode && !e.HUBSPOT_APP_ID) {
    issues.push({ field: 'HUBSPOT_APP_ID', message: "is missing: the app id lets the app recognise its own changes in webhooks" });
  }
  if (e.NODE_ENV === 'production' && !e.TOKEN_ENCRYPTION_KEY) {
    issues.push({ field: 'TOKEN_ENCRYPTION_KEY', message: 'is required in production: set 32 random bytes in base64 (`openssl rand -base64 32`)' });
  }
  if (issues.length) throw new ConfigError(issues);
  return { ...e, PUBLIC_BASE_URL: e.PUBLIC_BASE_URL ?? `http://localhost:${e.PORT}`, privateAppMode };
}
