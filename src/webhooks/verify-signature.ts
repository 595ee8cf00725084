// HubSpot request signatures v1, v2 and v3 (docs/hubspot-platform.md §1.6), checked on the raw body bytes, never a re-serialised one.
// Transport-free: the caller passes the method, the public URL HubSpot called, the headers and the clock.
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

/** HubSpot rejects v3 timestamps older than 5 minutes (docs/hubspot-platform.md §1.6). */
export const MAX_SIGNATURE_AGE_MS = 5 * 60 * 1000;
/** Clock skew tolerated for timestamps ahead of ours; HubSpot's SDK has no such check (docs/hubspot-platform.md §8.3). */
export const MAX_SIGNATURE_SKEW_MS = 60 * 1000;

export interface SignatureHeaders {
  /** `X-HubSpot-Signature` (v1/v2). */
  signature?: string | undefined;
  /** `X-HubSpot-Signature-Version`. */
  signatureVersion?: string | undefined;
  /** `X-HubSpot-Signature-v3`. */
  signatureV3?: string | undefined;
  /** `X-HubSpot-Request-Timestamp`, epoch ms. */
  timestamp?: string | undefined;
}

export interface SignedRequest {
  method: string;
  /** The URL as HubSpot called it: PUBLIC_BASE_URL + path and query. */
  url: string;
  rawBody: Buffer;
  headers: SignatureHeaders;
}

export type SignatureFailure = 'missing_signature' | 'missing_timestamp' | 'stale_timestamp' | 'future_timestamp' | 'unsupported_version' | 'bad_signature';

export type SignatureVerdict =
  | { ok: true; version: 'v1' | 'v2' | 'v3'; /** 0 = current secret, 1 = the previous one (rotation). */ secretIndex: number }
  | { ok: false; failure: SignatureFailure; message: string };

export interface VerifyOptions {
  /** Current client secret first, then the previous one while a rotation is under way. */
  secrets: string[];
  /** Epoch ms, a parameter so the 5-minute window is testable. */
  now: number;
  maxAgeMs?: number;
  maxSkewMs?: number;
}

/** The `%XX` sequences HubSpot decodes before hashing v3 URLs (docs/hubspot-platform.md §1.6). */
const V3_DECODINGS: Record<string, string> = {
  '%3A': ':',
  '%2F': '/',
  '%3F': '?',
  '%40': '@',
  '%21': '!',
  '%24': '$',
  '%27': "'",
  '%28': '(',
  '%29': ')',
  '%2A': '*',
  '%2C': ',',
  '%3B': ';',
};

/** Decodes only HubSpot's listed sequences, as listed (upper case); everything else (e.g. `%20`, `%26`) stays encoded. */
export function decodeSignedUrl(url: string): string {
  return url.replace(/%(3A|2F|3F|40|21|24|27|28|29|2A|2C|3B)/g, (match) => V3_DECODINGS[match] ?? match);
}

export function computeSignatureV1(secret: string, rawBody: Buffer): string {
  return createHash('sha256').update(secret, 'utf8').update(rawBody).digest('hex');
}

export function computeSignatureV2(secret: string, method: string, url: string, rawBody: Buffer): string {
  return createHash('sha256').update(secret + method + url, 'utf8').update(rawBody).digest('hex');
}

export function computeSignatureV3(secret: string, method: string, url: string, rawBody: Buffer, timestamp: string): string {
  return createHmac('sha256', secret).update(method + decodeSignedUrl(url), 'utf8').update(rawBody).update(timestamp, 'utf8').digest('base64');
}

/** Constant-time string comparison; a length mismatch still costs one comparison. */
export function safeEqual(expected: string, given: string): boolean {
  const a = Buffer.from(expected, 'utf8');
  const b = Buffer.from(given, 'utf8');
  if (a.length !== b.length) {
    timingSafeEqual(a, a);
    return false;
  }
  return timingSafeEqual(a, b);
}

export type SignatureFailureVerdict = Extract<SignatureVerdict, { ok: false }>;

const fail = (failure: SignatureFailure, message: string): SignatureFailureVerdict => ({ ok: false, failure, message });

/**
 * The failures the headers alone decide (no secret, no signature, a missing, stale or future v3 timestamp, an unknown
 * v1/v2 version), so a request can be refused before a byte of its body is read; undefined when only the body can tell.
 */
export function checkSignatureHeaders(headers: SignatureHeaders, options: VerifyOptions): SignatureFailureVerdict | undefined {
  if (!options.secrets.some((s) => s.length > 0)) return fail('bad_signature', 'no client secret configured to check signatures');
  if (headers.signatureV3) return checkTimestamp(headers.timestamp, options);
  if (headers.signature) return checkDeclaredVersion(headers.signatureVersion);
  return fail('missing_signature', 'missing X-HubSpot-Signature-v3 (or X-HubSpot-Signature) header');
}

/** v3 whenever `X-HubSpot-Signature-v3` is present; otherwise v1/v2 by `X-HubSpot-Signature-Version` (docs/hubspot-platform.md §1.4). */
export function verifySignature(request: SignedRequest, options: VerifyOptions): SignatureVerdict {
  const refused = checkSignatureHeaders(request.headers, options);
  if (refused) return refused;
  const secrets = options.secrets.filter((s) => s.length > 0);
  const { headers } = request;
  if (headers.signatureV3) return verifyV3(request, headers.signatureV3, secrets);
  return verifyV1V2(request, headers.signature ?? '', secrets);
}

function checkTimestamp(header: string | undefined, options: VerifyOptions): SignatureFailureVerdict | undefined {
  const timestamp = header?.trim();
  if (!timestamp) return fail('missing_timestamp', 'missing X-HubSpot-Request-Timestamp header');
  if (!/^\d{1,16}$/.test(timestamp)) return fail('missing_timestamp', 'X-HubSpot-Request-Timestamp is not epoch milliseconds');
  const age = options.now - Number(timestamp);
  if (age > (options.maxAgeMs ?? MAX_SIGNATURE_AGE_MS)) return fail('stale_timestamp', 'X-HubSpot-Request-Timestamp is older than 5 minutes');
  if (-age > (options.maxSkewMs ?? MAX_SIGNATURE_SKEW_MS)) return fail('future_timestamp', 'X-HubSpot-Request-Timestamp is in the future');
  return undefined;
}

function checkDeclaredVersion(header: string | undefined): SignatureFailureVerdict | undefined {
  const declared = header?.trim().toLowerCase();
  if (declared !== undefined && declared !== '' && declared !== 'v1' && declared !== 'v2') {
    return fail('unsupported_version', `unsupported X-HubSpot-Signature-Version "${declared.slice(0, 10)}"`);
  }
  return undefined;
}

function verifyV3(request: SignedRequest, signature: string, secrets: string[]): SignatureVerdict {
  const timestamp = request.headers.timestamp?.trim() ?? '';
  const given = signature.trim();
  for (const [secretIndex, secret] of secrets.entries()) {
    const expected = computeSignatureV3(secret, request.method.toUpperCase(), request.url, request.rawBody, timestamp);
    if (safeEqual(expected, given)) return { ok: true, version: 'v3', secretIndex };
  }
  return fail('bad_signature', 'X-HubSpot-Signature-v3 does not match: check the client secret and that PUBLIC_BASE_URL is the URL HubSpot calls');
}

function verifyV1V2(request: SignedRequest, signature: string, secrets: string[]): SignatureVerdict {
  const declared = request.headers.signatureVersion?.trim().toLowerCase();
  const versions: Array<'v1' | 'v2'> = declared === 'v1' ? ['v1'] : declared === 'v2' ? ['v2'] : ['v1', 'v2'];
  const given = signature.trim().toLowerCase();
  for (const [secretIndex, secret] of secrets.entries()) {
    for (const version of versions) {
      const expected =
        version === 'v1'
          ? computeSignatureV1(secret, request.rawBody)
          : computeSignatureV2(secret, request.method.toUpperCase(), request.url, request.rawBody);
      if (safeEqual(expected, given)) return { ok: true, version, secretIndex };
    }
  }
  return fail('bad_signature', 'X-HubSpot-Signature does not match: check the client secret and that PUBLIC_BASE_URL is the URL HubSpot calls');
}
