// A contact's score history and outcomes as a timeline for the console (issue #17 part 4): per entry what moved
// (outcome, priority, lead score, BANT states with their evidence), the reasons that came or went, and the model
// version. The sentences are worded in the console, so they can be translated there.
import type { OutcomeRecord, ScoreChange } from '../store/store.ts';

const CRITERIA = ['budget', 'authority', 'need', 'timeline'] as const;
const FIELDS = ['qualification', 'priority', 'leadScore', ...CRITERIA] as const;
type Field = (typeof FIELDS)[number];

export interface TimelineMove {
  field: Field;
  from: string | null;
  to: string | null;
  /** For a BANT criterion: what it rests on now (`Budget approved`), when recorded. */
  evidence?: string;
}

export interface ScoreEntry {
  kind: 'score';
  at: string;
  modelVersion: string;
  /** The first entry of the history: `moves` are the state it started in. */
  first: boolean;
  /** Scored by another model version than the entry before. */
  newModel: boolean;
  moves: TimelineMove[];
  /** Reasons new in this entry (or with other points), largest first as scored. */
  gained: string[];
  /** Reasons of the entry before that are gone. */
  dropped: string[];
  /** The reasons are worded in another language than the entry before's (the installation's language was switched): they are not compared, so `gained` and `dropped` are empty. */
  languageChanged?: 'en' | 'de';
}

export interface OutcomeEntry {
  kind: 'outcome';
  at: string;
  outcome: 'won' | 'lost';
  source: OutcomeRecord['source'];
  criterion?: string;
  competitor?: string;
  feedback?: string;
}

export type TimelineEntry = ScoreEntry | OutcomeEntry;

/** `+25 webinar registration` → `webinar registration`: a reason whose points changed is the same reason. */
const labelOf = (reason: string) => reason.replace(/^[+-]\d+(?:\.\d+)?\s+/, '');

function scoreEntry(previous: ScoreChange | undefined, next: ScoreChange): ScoreEntry {
  const moves: TimelineMove[] = [];
  for (const field of FIELDS) {
    const from = previous ? previous[field] : null;
    const to = next[field];
    if (previous && from === to) continue;
    const move: TimelineMove = { field, from, to };
    const evidence = field !== 'qualification' && field !== 'priority' && field !== 'leadScore' ? next.evidence?.[field] : undefined;
    if (evidence) move.evidence = evidence;
    moves.push(move);
  }
  // After a language switch every reason reads differently; comparing the texts would list them all as changed.
  if (previous?.language && next.language && previous.language !== next.language) {
    return { kind: 'score', at: next.at, modelVersion: next.modelVersion, first: false, newModel: previous.modelVersion !== next.modelVersion, moves, gained: [], dropped: [], languageChanged: next.language };
  }
  const before = previous?.reasons ?? [];
  const now = next.reasons ?? [];
  const gained = now.filter((r) => !before.includes(r));
  const gainedLabels = new Set(gained.map(labelOf));
  // Entries recorded before reasons were kept have none: nothing can be said to be gone.
  const dropped = previous?.reasons && next.reasons ? before.filter((r) => !now.includes(r) && !gainedLabels.has(labelOf(r))) : [];
  return { kind: 'score', at: next.at, modelVersion: next.modelVersion, first: !previous, newModel: previous !== undefined && previous.modelVersion !== next.modelVersion, moves, gained, dropped };
}

/** Newest first; an outcome and a score change at the same time list the outcome first. */
export function buildTimeline(history: readonly ScoreChange[], outcomes: readonly OutcomeRecord[]): TimelineEntry[] {
  const entries: TimelineEntry[] = history.map((change, i) => scoreEntry(history[i - 1], change));
  for (const o of outcomes) {
    entries.push({
      kind: 'outcome',
      at: o.at,
      outcome: o.outcome,
      source: o.source,
      ...(o.criterion ? { criterion: o.criterion } : {}),
      ...(o.competitor ? { competitor: o.competitor } : {}),
      ...(o.feedback ? { feedback: o.feedback } : {}),
    });
  }
  return entries.sort((a, b) => b.at.localeCompare(a.at) || (a.kind === b.kind ? 0 : a.kind === 'outcome' ? -1 : 1));
}
