import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseIsoTime } from '../../src/scoring/parse-iso-time.ts';

describe('parseIsoTime', () => {
  it('when given any ISO time toISOString can produce, then it equals Date.parse', () => {
    fc.assert(
      fc.property(fc.integer({ min: -30_000_000_000_000, max: 250_000_000_000_000 }), (ms) => {
        const iso = new Date(ms).toISOString();
        expect(parseIsoTime(iso)).toBe(Date.parse(iso));
        const noMillis = `${iso.slice(0, 19)}Z`;
        expect(parseIsoTime(noMillis)).toBe(Date.parse(noMillis));
      }),
    );
  });

  it.each(['2026-11-20T10:00:00+01:00', '2026-02-30T10:00:00Z', '2026-13-01T10:00:00Z', '2026-11-2xT10:00:00Z', 'yesterday', '2026-11-20'])(
    'when given "%s", then it answers as Date.parse does',
    (text) => {
      expect(parseIsoTime(text)).toEqual(Date.parse(text));
    },
  );
});
