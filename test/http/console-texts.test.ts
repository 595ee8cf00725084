// The console's catalogue (src/http/admin/public/texts.js): English and German have the same keys and the same
// parameters, German is actually German, and switching the language changes the live texts the modules hold.
import { afterEach, describe, expect, it } from 'vitest';
// @ts-expect-error: a browser module without types, plain ES module JavaScript
import { CATALOGUES, currentLanguage, locale, setLanguage, TEXT } from '../../src/http/admin/public/texts.js';

type Leaf = string | ((...args: unknown[]) => string);
type Tree = { [key: string]: Leaf | Tree };

function leaves(tree: Tree, prefix = ''): Map<string, Leaf> {
  const out = new Map<string, Leaf>();
  for (const [key, value] of Object.entries(tree)) {
    const path = prefix ? `${prefix}.${key}` : key;
    if (typeof value === 'object') for (const [p, v] of leaves(value, path)) out.set(p, v);
    else out.set(path, value);
  }
  return out;
}

/** Calls a text with a marker per parameter (a list of one marker where the text joins a list) and returns what it says. */
function render(fn: (...args: unknown[]) => string): string {
  const markers = Array.from({ length: fn.length }, (_, i) => `«${i}»`);
  try {
    return fn(...markers);
  } catch {
    return fn(...markers.map((m) => [m]));
  }
}
const markersIn = (text: string) => [...new Set(text.match(/«\d+»/g) ?? [])].sort();

const en = leaves(CATALOGUES.en as Tree);
const de = leaves(CATALOGUES.de as Tree);

/** Words that are the same in both languages: names, abbreviations and loanwords German admins use. */
const SAME_IN_BOTH = new Set([
  'meta.locale',
  'meta.htmlLang',
  'page.installation',
  'page.tabFunnel',
  'page.ok',
  'common.account',
  'overview.status',
  'overview.portal',
  'overview.statusCode',
  'overview.ok',
  'funnel.outcomeName.sql',
  'funnel.outcomeName.mql',
  'funnel.outcomeName.nurture',
  'funnel.nSql',
  'funnel.nMql',
  'funnel.fitRange',
  'funnel.bucket',
  'model.version',
  'model.versionHeading',
  'model.activeVersion',
  'whatif.filter',
  'whatif.outcome.sql',
  'whatif.outcome.mql',
  'whatif.outcome.nurture',
  'form.cellMql',
  'form.matrixCorner',
  'accuracy.auc',
  'accuracy.mql',
  'accuracy.sql',
  'accuracy.mqlToSql',
  'accuracy.outcomeName.sql',
  'accuracy.outcomeName.mql',
  'accuracy.outcomeName.nurture',
  'timeline.field.budget',
]);

describe('console texts', () => {
  afterEach(() => setLanguage('en'));

  it('has the same keys in English and German', () => {
    expect([...de.keys()].sort()).toEqual([...en.keys()].sort());
  });

  it('gives every text the same kind and the same parameters in both languages', () => {
    for (const [key, english] of en) {
      const german = de.get(key);
      expect(typeof german, key).toBe(typeof english);
      if (typeof english !== 'function' || typeof german !== 'function') continue;
      expect(german.length, `${key}: parameters`).toBe(english.length);
      expect(markersIn(render(german)), `${key}: placeholders`).toEqual(markersIn(render(english)));
    }
  });

  it('translates every text except names and abbreviations', () => {
    const untranslated = [...en].filter(([key, english]) => {
      const german = de.get(key);
      const same = typeof english === 'function' ? render(english) === render(german as (...args: unknown[]) => string) : english === german;
      return same && !SAME_IN_BOTH.has(key);
    });
    expect(untranslated.map(([key]) => key)).toEqual([]);
  });

  it('uses the seed terms: sales-ready is verkaufsbereit, follow-up is Wiedervorlage', () => {
    expect(CATALOGUES.en.card.outcome.sql).toContain('sales-ready');
    expect(CATALOGUES.de.card.outcome.sql).toContain('verkaufsbereit');
    expect(CATALOGUES.de.settings.taskKinds.follow_up).toContain('Wiedervorlage');
    expect(CATALOGUES.de.form.followUpAfter).toContain('Wiedervorlage');
  });

  it('switches the live sections in place, with the locale, and falls back to English for anything unknown', () => {
    const timeline = TEXT.timeline;
    expect(setLanguage('de')).toBe(true);
    expect(currentLanguage()).toBe('de');
    expect(TEXT.timeline).toBe(timeline);
    expect(timeline.title).toBe('Bewertungsverlauf');
    expect(locale()).toBe('de-DE');
    expect(setLanguage('de')).toBe(false);
    for (const unknown of ['fr', undefined, '__proto__', 'toString']) {
      setLanguage('de');
      setLanguage(unknown);
      expect(currentLanguage(), String(unknown)).toBe('en');
      expect(timeline.title).toBe('Score history');
      expect(locale()).toBe('en-GB');
    }
  });
});
