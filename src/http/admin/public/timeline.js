// A contact's score history as sentences: "Tuesday 3 Nov: mql → sql, +25 webinar registration, Budget approved".
import { fmtNumber, h } from './dom.js';
import { locale, TEXT } from './texts.js';

/** Every word the timeline shows, in the console's language (texts.js). */
export const TIMELINE_TEXT = TEXT.timeline;

const REASONS_SHOWN = 4;

export function timelineDay(iso, now = new Date()) {
  const date = new Date(iso);
  const options = { weekday: 'long', day: 'numeric', month: 'short', ...(date.getFullYear() === now.getFullYear() ? {} : { year: 'numeric' }) };
  return date.toLocaleDateString(locale(), options).replace(',', '');
}

const t = TIMELINE_TEXT;
/** A criterion, state or outcome in the console's words; anything else (priorities, scores) as it is. */
export const wordFor = (dictionary, value) => (Object.hasOwn(dictionary, value) ? dictionary[value] : value);
const show = (field, value) => {
  if (value === null || value === undefined) return '–';
  if (field === 'qualification') return wordFor(t.qualification, value);
  if (field === 'leadScore') return value !== '' && Number.isFinite(Number(value)) ? fmtNumber(Number(value)) : value;
  return field === 'priority' ? value : wordFor(t.state, value);
};

function moveText(move, first) {
  const label = move.field === 'qualification' ? '' : `${t.field[move.field]} `;
  const value = first ? show(move.field, move.to) : `${show(move.field, move.from)} → ${show(move.field, move.to)}`;
  return `${label}${value}${move.evidence ? ` (${move.evidence})` : ''}`;
}

/** One sentence per entry, without the day. */
export function describeEntry(entry) {
  if (entry.kind === 'outcome') {
    const parts = [`${entry.outcome === 'won' ? t.won : t.lost} (${t.source[entry.source] ?? entry.source})`];
    if (entry.criterion) parts.push(t.lostOn(wordFor(t.field, entry.criterion)));
    if (entry.competitor) parts.push(t.competitor(entry.competitor));
    return parts.join(', ');
  }
  const moves = entry.first ? entry.moves.filter((m) => m.field === 'qualification' || m.field === 'priority' || m.field === 'leadScore') : entry.moves;
  const parts = moves.map((m) => moveText(m, entry.first));
  if (entry.first) parts[0] = `${t.firstScored}: ${parts[0]}`;
  parts.push(...entry.gained.slice(0, REASONS_SHOWN));
  if (entry.gained.length > REASONS_SHOWN) parts.push(t.more(entry.gained.length - REASONS_SHOWN));
  if (entry.dropped.length) parts.push(t.gone(entry.dropped));
  if (entry.languageChanged) parts.push(t.reasonsNowIn(entry.languageChanged));
  return parts.join(', ');
}

/** Why the history is empty or short, from what the history route found (the route's own message is English). */
function messageOf(data) {
  if (!data.scored && data.exists === false) return t.notInHubSpot(data.contactId);
  if (!data.scored && data.exists === true) return t.notScoredYet(data.contactId);
  if (!data.scored) return t.existsUnknown(data.contactId);
  if (!data.changes?.length) return t.noChanges(data.contactId);
  return null;
}

export function renderTimeline(data) {
  const message = messageOf(data);
  if (!data.timeline.length) return h('p', { class: 'empty', 'data-testid': 'timeline-message' }, message ?? t.empty);
  return [
    message ? h('p', { class: 'hint' }, message) : null,
    h(
      'ol',
      { class: 'timeline', 'data-testid': 'timeline' },
      data.timeline.map((entry) =>
        h(
          'li',
          { class: entry.kind === 'outcome' ? `outcome ${entry.outcome}` : `score q-${entry.moves.find((m) => m.field === 'qualification')?.to ?? 'same'}` },
          h('time', { datetime: entry.at }, timelineDay(entry.at)),
          ': ',
          describeEntry(entry),
          entry.kind === 'score' ? h('span', { class: 'micro' }, ` · ${entry.newModel ? t.newModel(entry.modelVersion) : t.model(entry.modelVersion)}`) : null,
        ),
      ),
    ),
  ];
}
