// German and English (issue 15 item 7): every text a rep or admin reads comes from a catalogue with one template per
// key and language. Templates name their parameters in braces (`Call now: {who} is sales-ready`); the English
// catalogue is the reference, so a key or parameter missing in another language is a type error or a failing test
// (test/scoring/catalogue.test.ts).

export const LANGUAGES = ['en', 'de'] as const;
export type Language = (typeof LANGUAGES)[number];
export const DEFAULT_LANGUAGE: Language = 'en';

export function isLanguage(value: unknown): value is Language {
  return value === 'en' || value === 'de';
}

/**
 * The language of a BCP 47 locale as HubSpot passes it (`de-DE`, `de`, `en-us`), or undefined when the app has no
 * catalogue for it (the caller falls back to the installation's language).
 */
export function languageOfLocale(locale: string | undefined | null): Language | undefined {
  if (typeof locale !== 'string') return undefined;
  const primary = locale.trim().toLowerCase().split(/[-_]/)[0];
  return isLanguage(primary) ? primary : undefined;
}

/** The names in braces of a template: `'{who} is {state}'` → `'who' | 'state'`. */
export type ParamsOf<T extends string> = T extends `${string}{${infer P}}${infer Rest}` ? P | ParamsOf<Rest> : never;

export type Templates = Readonly<Record<string, string>>;

/** The keys of a catalogue whose templates take no parameters (for keys built at run time, e.g. `state.${state}`). */
export type PlainKeys<E extends Templates> = { [K in keyof E & string]: [ParamsOf<E[K]>] extends [never] ? K : never }[keyof E & string];

const PLACEHOLDER = /\{(\w+)\}/g;

/** The parameter names of a template, sorted (for the catalogue test). */
export function placeholdersOf(template: string): string[] {
  return [...new Set([...template.matchAll(PLACEHOLDER)].map((m) => m[1]!))].sort();
}

export type Say<E extends Templates> = <K extends keyof E & string>(
  key: K,
  ...params: ParamsOf<E[K]> extends never ? [] : [Record<ParamsOf<E[K]>, string | number>]
) => string;

export interface Catalogue<E extends Templates> {
  readonly templates: { readonly [L in Language]: { readonly [K in keyof E]: string } };
  /** The texts of one language. */
  in(language: Language): Say<E>;
}

/** The English templates (with their literal types) of a catalogue. */
export type TemplatesOf<C> = C extends Catalogue<infer E> ? E : never;

/** The same as `template.replace(PLACEHOLDER, …)` with `params`: the general form, which fillCut must always match. */
export function fillByReplace(template: string, params: Record<string, string | number> | undefined): string {
  if (!params) return template;
  return template.replace(PLACEHOLDER, (whole, name: string) => (Object.hasOwn(params, name) ? String(params[name]) : whole));
}

/** A template cut at its placeholders: texts[0], names[0], texts[1], …, texts[names.length]. */
interface CutTemplate {
  texts: string[];
  names: string[];
}

export function cutTemplate(template: string): CutTemplate {
  const texts: string[] = [];
  const names: string[] = [];
  let from = 0;
  for (const m of template.matchAll(PLACEHOLDER)) {
    texts.push(template.slice(from, m.index));
    names.push(m[1]!);
    from = m.index + m[0].length;
  }
  texts.push(template.slice(from));
  return { texts, names };
}

/** fillByReplace without a regular expression and a callback per call: texts are cut once per template (scoring is hot). */
export function fillCut(cut: CutTemplate, params: Record<string, string | number> | undefined): string {
  const { texts, names } = cut;
  let out = texts[0]!;
  for (let i = 0; i < names.length; i++) {
    const name = names[i]!;
    out += params !== undefined && Object.hasOwn(params, name) ? String(params[name]) : `{${name}}`;
    out += texts[i + 1]!;
  }
  return out;
}

/** A catalogue from its English templates and their German translation (the same keys, checked by the compiler). */
export function defineCatalogue<const E extends Templates>(en: E, de: { readonly [K in keyof E]: string }): Catalogue<E> {
  const templates = { en, de } as Catalogue<E>['templates'];
  const byLanguage = new Map<Language, Say<E>>(
    LANGUAGES.map((language) => {
      const own = templates[language] as Record<string, string>;
      const cuts = new Map<string, CutTemplate>();
      const say = ((key: string, params?: Record<string, string | number>) => {
        let cut = cuts.get(key);
        if (cut === undefined) {
          const template = Object.hasOwn(own, key) ? own[key] : undefined;
          cut = cutTemplate(template ?? (en as Record<string, string>)[key]!);
          cuts.set(key, cut);
        }
        return fillCut(cut, params);
      }) as Say<E>;
      return [language, say];
    }),
  );
  return { templates, in: (language) => byLanguage.get(language) ?? byLanguage.get(DEFAULT_LANGUAGE)! };
}
