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

function fill(template: string, params: Record<string, string | number> | undefined): string {
  if (!params) return template;
  return template.replace(PLACEHOLDER, (whole, name: string) => (Object.hasOwn(params, name) ? String(params[name]) : whole));
}

/** A catalogue from its English templates and their German translation (the same keys, checked by the compiler). */
export function defineCatalogue<const E extends Templates>(en: E, de: { readonly [K in keyof E]: string }): Catalogue<E> {
  const templates = { en, de } as Catalogue<E>['templates'];
  const byLanguage = new Map<Language, Say<E>>(
    LANGUAGES.map((language) => {
      const own = templates[language] as Record<string, string>;
      const say = ((key: string, params?: Record<string, string | number>) => fill(own[key] ?? (en as Record<string, string>)[key]!, params)) as Say<E>;
      return [language, say];
    }),
  );
  return { templates, in: (language) => byLanguage.get(language) ?? byLanguage.get(DEFAULT_LANGUAGE)! };
}
