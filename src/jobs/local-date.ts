// The portal's calendar day. The daily duties (the per-rep task budget, the release of deferred tasks, the follow-up
// check) turn over at midnight in the HubSpot account's time zone, as HubSpot's own daily limit does (docs/hubspot-platform.md §3.1),
// so a rep in San Francisco or Berlin gets a fresh budget at their midnight, not at UTC's.

/** One formatter per zone (building one costs far more than formatting); null for a zone Intl does not know. */
const formatters = new Map<string, Intl.DateTimeFormat | null>();

function formatterFor(timeZone: string): Intl.DateTimeFormat | null {
  let formatter = formatters.get(timeZone);
  if (formatter === undefined) {
    try {
      formatter = new Intl.DateTimeFormat('en-US', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' });
    } catch {
      formatter = null;
    }
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

/** The date (YYYY-MM-DD) at epoch ms `at` in `timeZone`; the UTC date when the zone is unknown or not one Intl knows. */
export function localDate(at: number, timeZone: string | undefined): string {
  const formatter = timeZone ? formatterFor(timeZone) : null;
  if (!formatter) return new Date(at).toISOString().slice(0, 10);
  const parts = formatter.formatToParts(at);
  const part = (type: Intl.DateTimeFormatPartTypes) => parts.find((p) => p.type === type)?.value ?? '';
  return `${part('year')}-${part('month')}-${part('day')}`;
}
