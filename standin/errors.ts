// HubSpot's error body: {status:'error', message, correlationId, category, ...}.
import { randomUUID } from 'node:crypto';

export class HubSpotError extends Error {
  readonly status: number;
  readonly body: Record<string, unknown>;
  readonly headers: Record<string, string>;

  constructor(status: number, category: string, message: string, extra: Record<string, unknown> = {}, headers: Record<string, string> = {}) {
    super(message);
    this.status = status;
    this.body = { status: 'error', message, correlationId: randomUUID(), category, ...extra };
    this.headers = headers;
  }
}

export interface PropertyValueError {
  name: string;
  error: string;
  message: string;
}

/** 400 VALIDATION_ERROR in the shape HubSpot uses for invalid property values on object writes. */
export function propertyValuesError(errors: PropertyValueError[]): HubSpotError {
  const details = errors.map((e) => ({ isValid: false, message: e.message, error: e.error, name: e.name, localizedErrorMessage: e.message }));
  return new HubSpotError(400, 'VALIDATION_ERROR', `Property values were not valid: ${JSON.stringify(details)}`, {
    errors: errors.map((e) => ({ message: e.message, code: e.error, context: { propertyName: [e.name] } })),
  });
}

export function notFound(message = 'Object not found.  objectId are usually numeric.'): HubSpotError {
  return new HubSpotError(404, 'OBJECT_NOT_FOUND', message);
}

export function badRequest(message: string, extra: Record<string, unknown> = {}): HubSpotError {
  return new HubSpotError(400, 'VALIDATION_ERROR', message, extra);
}
