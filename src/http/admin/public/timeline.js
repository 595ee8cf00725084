// A contact's score history as sentences: "Tuesday 3 Nov: mql → sql, +25 webinar registration, Budget approved".
import { h } from './dom.js';

/** Every word the timeline shows, in one place for translation. */
export const TIMELINE_TEXT = {
  locale: 'en-GB',
  title: 'Score history',
  heading: (name) => `Score history of ${name}`,
  noContact: 'No contact to show.',
  field: { qualification: 'outcome', priority: 'priority', leadScore: 'lead score', budget: 'budget', authority: 'authority', need: 'need', timeline: 'timeline' },
  state: { met: 'met', partial: 'partly met', not_met: 'not met', unknown: 'unknown' },
  firstScored: 'first scored',
  gone: (reasons) => `no longer: ${reasons.join(', ')}`,
  model: (version) => `model ${version}`,
  newModel: (version) => `new model ${version}`,
  won: 'won',
  lost: 'lost',
  source: { deal: 'deal', feedback: 'sales feedback', lifecycle: 'lifecycle stage customer' },
  lostOn: (criterion) => `${criterion} not met`,
  competitor: (name) => `went to ${name}`,
  more: (n) => `${n} more reasons`,
  empty: 'No score changes recorded yet.',
};

const REASONS_SHOWN = 4;

export function timelineDay(iso, now = new Date()) {
  const date = new Date(iso);
  const options = { weekday: 'long', day: 'numeric', month: 'short', ...(date.getFullYear() === now.getFullYear() ? {} : { year: 'numeric' }) };
  return date.toLocaleDateString(TIMELINE_TEXT.locale, options).replace(',', '');
}

const t = TIMELINE_TEXT;
const show = (field, value) => (value === null || value === undefined ? '–' : Object.hasOwn(t.state, value) && !['qualification', 'priority', 'leadScore'].includes(field) ? t.state[value] : value);

function moveText(move, first) {
  const label = move.field === 'qualification' ? '' : `${t.field[move.field]} `;
  const value = first ? show(move.field, move.to) : `${show(move.field, move.from)} → ${show(move.field, move.to)}`;
  return `${label}${value}${move.evidence ? ` (${move.evidence})` : ''}`;
}

/** One sentence per entry, without the day. */
export function describeEntry(entry) {
  if (entry.kind === 'outcome') {
    const parts = [`${entry.outcome === 'won' ? t.won : t.lost} (${t.source[entry.source] ?? entry.source})`];
    if (entry.criterion) parts.push(t.lostOn(entry.criterion));
    if (entry.competitor) parts.push(t.competitor(entry.competitor));
    return parts.join(', ');
  }
  const moves = entry.first ? entry.moves.filter((m) => m.field === 'qualification' || m.field === 'priority' || m.field === 'leadScore') : entry.moves;
  const parts = moves.map((m) => moveText(m, entry.first));
  if (entry.first) parts[0] = `${t.firstScored}: ${parts[0]}`;
  parts.push(...entry.gained.slice(0, REASONS_SHOWN));
  if (entry.gained.length > REASONS_SHOWN) parts.push(t.more(entry.gained.length - REASONS_SHOWN));
  if (entry.dropped.length) parts.push(t.gone(entry.dropped));
  return parts.join(', ');
}

export function renderTimeline(data) {
  if (!data.timeline.length) return h('p', { class: 'empty', 'data-testid': 'timeline-message' }, data.message ?? t.empty);
  return [
    data.message ? h('p', { class: 'hint' }, data.message) : null,
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
