import { describe, expect, it } from 'vitest';
import {
  checkSignatureHeaders,
  computeSignatureV3,
  decodeSignedUrl,
  MAX_SIGNATURE_AGE_MS,
  type SignatureHeaders,
  type SignedRequest,
  verifySignature,
} from '../../src/webhooks/verify-signature.ts';

// HubSpot's documented examples (docs/hubspot-platform.md §1.6): v1 and v2 are the docs' worked examples; the docs give v3 inputs,
// and the expected v3 value was computed from the documented algorithm.
const SECRET = 'yyyyyyyy-yyyy-yyyy-yyyy-yyyyyyyyyyyy';
const V1_BODY =
  '[{"eventId":1,"subscriptionId":12345,"portalId":62515,"occurredAt":1564113600000,"subscriptionType":"contact.creation","attemptNumber":0,"objectId":123,"changeSource":"CRM","changeFlag":"NEW","appId":54321}]';
const V1_SIGNATURE = '232db2615f3d666fe21a8ec971ac7b5402d33b9a925784df3ca654d05f4817de';
const DOC_URL = 'https://www.example.com/webhook_uri';
const V2_GET_SIGNATURE = 'eee2dddcc73c94d699f5e395f4b9d454a069a6855fbfa152e91e88823087200e';
const V2_POST_BODY = '{"example_field":"example_value"}';
const V2_POST_SIGNATURE = '9569219f8ba981ffa6f6f16aa0f48637d35d728c7e4d93d0d52efaa512af7900';
const V3_BODY = "{'example_field':'example_value'}";
const V3_TIMESTAMP = '1693657560000';
const V3_SIGNATURE = 'K36dawei4A+QBNolUOqo7s91KQDWQ5MXZ/QufNYuk/Y=';
const V3_NOW = Number(V3_TIMESTAMP) + 1000;

const v1Request = (body = V1_BODY, signature = V1_SIGNATURE): SignedRequest => ({
  method: 'POST',
  url: DOC_URL,
  rawBody: Buffer.from(body),
  headers: { signature, signatureVersion: 'v1' },
});
const v3Request = (fields: Partial<SignedRequest> = {}, headers: SignedRequest['headers'] = {}): SignedRequest => ({
  method: 'POST',
  url: DOC_URL,
  rawBody: Buffer.from(V3_BODY),
  headers: { signatureV3: V3_SIGNATURE, timestamp: V3_TIMESTAMP, ...headers },
  ...fields,
});

describe('verifySignature', () => {
  describe('HubSpot documented vectors', () => {
    it('when the v1 docs example is checked, then it is valid', () => {
      expect(verifySignature(v1Request(), { secrets: [SECRET], now: 0 })).toEqual({ ok: true, version: 'v1', secretIndex: 0 });
    });

    it('when the v2 GET docs example (empty body) is checked, then it is valid', () => {
      const request: SignedRequest = { method: 'GET', url: DOC_URL, rawBody: Buffer.alloc(0), headers: { signature: V2_GET_SIGNATURE, signatureVersion: 'v2' } };
      expect(verifySignature(request, { secrets: [SECRET], now: 0 })).toMatchObject({ ok: true, version: 'v2' });
    });

    it('when the v2 POST docs example is checked, then it is valid', () => {
      const request: SignedRequest = { method: 'POST', url: DOC_URL, rawBody: Buffer.from(V2_POST_BODY), headers: { signature: V2_POST_SIGNATURE, signatureVersion: 'v2' } };
      expect(verifySignature(request, { secrets: [SECRET], now: 0 })).toMatchObject({ ok: true, version: 'v2' });
    });

    it('when the v3 docs example is checked within 5 minutes, then it is valid', () => {
      expect(verifySignature(v3Request(), { secrets: [SECRET], now: V3_NOW })).toEqual({ ok: true, version: 'v3', secretIndex: 0 });
    });

    it('when X-HubSpot-Signature-Version is absent, then v1 and v2 are both tried', () => {
      const request = { ...v1Request(), headers: { signature: V1_SIGNATURE } };
      expect(verifySignature(request, { secrets: [SECRET], now: 0 })).toMatchObject({ ok: true, version: 'v1' });
    });
  });

  describe('rejections', () => {
    it('when one byte of the body is changed, then v1 fails', () => {
      const verdict = verifySignature(v1Request(V1_BODY.replace('"objectId":123', '"objectId":124')), { secrets: [SECRET], now: 0 });
      expect(verdict).toMatchObject({ ok: false, failure: 'bad_signature' });
    });

    it('when the body is re-serialised (same JSON, other whitespace), then v3 fails', () => {
      const request = v3Request({ rawBody: Buffer.from("{'example_field': 'example_value'}") });
      expect(verifySignature(request, { secrets: [SECRET], now: V3_NOW })).toMatchObject({ ok: false, failure: 'bad_signature' });
    });

    it('when the URL differs (host, path or query), then v3 fails', () => {
      for (const url of ['https://evil.example.com/webhook_uri', 'https://www.example.com/webhook_uri/', 'https://www.example.com/webhook_uri?a=1', 'http://www.example.com/webhook_uri']) {
        expect(verifySignature(v3Request({ url }), { secrets: [SECRET], now: V3_NOW })).toMatchObject({ ok: false, failure: 'bad_signature' });
      }
    });

    it('when the method differs, then v3 fails', () => {
      expect(verifySignature(v3Request({ method: 'PUT' }), { secrets: [SECRET], now: V3_NOW })).toMatchObject({ ok: false, failure: 'bad_signature' });
    });

    it('when the timestamp is more than 5 minutes old, then v3 is rejected as stale even with a valid signature', () => {
      const now = Number(V3_TIMESTAMP) + MAX_SIGNATURE_AGE_MS + 1;
      expect(verifySignature(v3Request(), { secrets: [SECRET], now })).toMatchObject({ ok: false, failure: 'stale_timestamp' });
      expect(verifySignature(v3Request(), { secrets: [SECRET], now: now - 1 })).toMatchObject({ ok: true });
    });

    it('when the timestamp is far in the future, then v3 is rejected', () => {
      const now = Number(V3_TIMESTAMP) - 10 * 60 * 1000;
      expect(verifySignature(v3Request(), { secrets: [SECRET], now })).toMatchObject({ ok: false, failure: 'future_timestamp' });
    });

    it('when the timestamp is changed, then the signature no longer matches', () => {
      const verdict = verifySignature(v3Request({}, { timestamp: String(Number(V3_TIMESTAMP) + 1) }), { secrets: [SECRET], now: V3_NOW });
      expect(verdict).toMatchObject({ ok: false, failure: 'bad_signature' });
    });

    it('when the v3 timestamp header is missing or not a number, then it is rejected', () => {
      expect(verifySignature(v3Request({}, { timestamp: undefined }), { secrets: [SECRET], now: V3_NOW })).toMatchObject({ ok: false, failure: 'missing_timestamp' });
      expect(verifySignature(v3Request({}, { timestamp: 'yesterday' }), { secrets: [SECRET], now: V3_NOW })).toMatchObject({ ok: false, failure: 'missing_timestamp' });
    });

    it('when no signature header is present, then it is rejected as missing', () => {
      expect(verifySignature({ ...v1Request(), headers: {} }, { secrets: [SECRET], now: 0 })).toMatchObject({ ok: false, failure: 'missing_signature' });
    });

    it('when the secret is wrong, then every version fails', () => {
      const wrong = { secrets: ['not-the-secret'], now: V3_NOW };
      expect(verifySignature(v1Request(), wrong)).toMatchObject({ ok: false, failure: 'bad_signature' });
      expect(verifySignature(v3Request(), wrong)).toMatchObject({ ok: false, failure: 'bad_signature' });
    });

    it('when a v3 header is present, then a valid v1 signature alongside does not let a bad v3 through', () => {
      const request = v3Request({ rawBody: Buffer.from(V1_BODY) }, { signature: V1_SIGNATURE, signatureVersion: 'v1' });
      expect(verifySignature(request, { secrets: [SECRET], now: V3_NOW })).toMatchObject({ ok: false, failure: 'bad_signature' });
    });

    it('when the signature version is unknown, then it is rejected', () => {
      const request = { ...v1Request(), headers: { signature: V1_SIGNATURE, signatureVersion: 'v9' } };
      expect(verifySignature(request, { secrets: [SECRET], now: 0 })).toMatchObject({ ok: false, failure: 'unsupported_version' });
    });

    it('when no secret is configured, then nothing is valid', () => {
      expect(verifySignature(v1Request(), { secrets: [''], now: 0 })).toMatchObject({ ok: false });
    });
  });

  describe('secret rotation', () => {
    it('when the delivery is signed with the previous secret, then it is valid and says so', () => {
      expect(verifySignature(v3Request(), { secrets: ['new-secret', SECRET], now: V3_NOW })).toEqual({ ok: true, version: 'v3', secretIndex: 1 });
      expect(verifySignature(v1Request(), { secrets: ['new-secret', SECRET], now: 0 })).toEqual({ ok: true, version: 'v1', secretIndex: 1 });
    });
  });

  describe('URL decoding (docs/hubspot-platform.md §1.6)', () => {
    it("when the URL has HubSpot's listed %XX sequences, then they are decoded and others are kept", () => {
      expect(decodeSignedUrl('https://x.example/h?a=%3A%2F%3F%40%21%24%27%28%29%2A%2C%3B&b=%20%26')).toBe("https://x.example/h?a=:/?@!$'()*,;&b=%20%26");
    });

    it('when HubSpot signed the decoded URL and the request arrives encoded, then v3 is valid', () => {
      const now = 1_700_000_000_000;
      const signed = computeSignatureV3(SECRET, 'POST', "https://x.example/webhooks/hubspot?src=a:b@c'", Buffer.from('[]'), String(now));
      const request: SignedRequest = {
        method: 'POST',
        url: 'https://x.example/webhooks/hubspot?src=a%3Ab%40c%27',
        rawBody: Buffer.from('[]'),
        headers: { signatureV3: signed, timestamp: String(now) },
      };
      expect(verifySignature(request, { secrets: [SECRET], now })).toMatchObject({ ok: true, version: 'v3' });
    });
  });
});

describe('checkSignatureHeaders', () => {
  const now = 1_772_441_000_000;
  const options = { secrets: ['secret'], now };
  it('when the headers alone decide, then it gives the same failure as verifySignature, and undefined when only the body can tell', () => {
    const cases: Array<SignatureHeaders> = [
      {},
      { signatureV3: 'x' },
      { signatureV3: 'x', timestamp: 'soon' },
      { signatureV3: 'x', timestamp: String(now - 5 * 60_000 - 1) },
      { signatureV3: 'x', timestamp: String(now + 61_000) },
      { signature: 'x', signatureVersion: 'v7' },
    ];
    for (const headers of cases) {
      const early = checkSignatureHeaders(headers, options);
      expect(early, JSON.stringify(headers)).toBeDefined();
      expect(verifySignature({ method: 'POST', url: 'https://x.example/webhooks/hubspot', rawBody: Buffer.from('[]'), headers }, options)).toEqual(early);
    }
    expect(checkSignatureHeaders({ signatureV3: 'x', timestamp: String(now) }, options)).toBeUndefined();
    expect(checkSignatureHeaders({ signature: 'x', signatureVersion: 'v2' }, options)).toBeUndefined();
    expect(checkSignatureHeaders({ signature: 'x' }, options)).toBeUndefined();
    expect(checkSignatureHeaders({ signatureV3: 'x', timestamp: String(now) }, { secrets: [''], now })).toMatchObject({ ok: false, failure: 'bad_signature' });
  });
});
