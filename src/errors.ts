// A small set of coded errors; the HTTP error middleware and the logs rely on `code` and `status`.
// Messages name what failed and how to fix it, and never contain a token or secret.

export class CodedError extends Error {
  readonly code: string;
  readonly status: number;
  constructor(code: string, message: string, options?: { status?: number; cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.status = options?.status ?? 500;
  }
}

/** An invalid or missing setting; `field` is the environment variable. */
export class ConfigError extends CodedError {
  readonly issues: Array<{ field: string; message: string }>;
  constructor(issues: Array<{ field: string; message: string }>) {
    super('config_invalid', `Invalid configuration:\n${issues.map((i) => `  ${i.field}: ${i.message}`).join('\n')}`);
    this.issues = issues;
  }
}

/** A scoring model that does not validate; each issue carries its path in the file (`fit.rules[3].points`). */
export class ModelValidationError extends CodedError {
  readonly issues: Array<{ path: string; message: string }>;
  constructor(issues: Array<{ path: string; message: string }>, source = 'scoring model') {
    super('model_invalid', `Invalid ${source}:\n${issues.map((i) => `  ${i.path || '(root)'}: ${i.message}`).join('\n')}`, {
      status: 422,
    });
    this.issues = issues;
  }
}

/** HubSpot answered with an error that retrying will not fix (or retries ran out). */
export class HubSpotApiError extends CodedError {
  readonly httpStatus: number;
  readonly category: string | undefined;
  readonly correlationId: string | undefined;
  readonly operation: string;
  constructor(args: { operation: string; httpStatus: number; category?: string; correlationId?: string; message: string }) {
    super(
      'hubspot_api_error',
      `HubSpot ${args.operation} failed with ${args.httpStatus}${args.category ? ` ${args.category}` : ''}: ${args.message}${
        args.correlationId ? ` (correlationId ${args.correlationId})` : ''
      }`,
      { status: 502 },
    );
    this.httpStatus = args.httpStatus;
    this.category = args.category;
    this.correlationId = args.correlationId;
    this.operation = args.operation;
  }
}

/** No usable token for a portal: not installed, inactive, or HubSpot refused the refresh. */
export class AuthorizationError extends CodedError {
  readonly portalId: number;
  constructor(portalId: number, message: string, options?: { cause?: unknown }) {
    super('authorization_failed', `Portal ${portalId}: ${message}`, { status: 401, ...options });
    this.portalId = portalId;
  }
}

export class BadRequestError extends CodedError {
  constructor(message: string, code = 'bad_request') {
    super(code, message, { status: 400 });
  }
}

export class NotFoundError extends CodedError {
  constructor(message: string) {
    super('not_found', message, { status: 404 });
  }
}

export function asCodedError(error: unknown): CodedError {
  if (error instanceof CodedError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new CodedError('internal_error', message, { cause: error });
}
