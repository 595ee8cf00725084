// The installation's language (a setting; default English): tasks, reasons, property labels and the card follow it.
import { DEFAULT_LANGUAGE, isLanguage, type Language } from '../scoring/catalogue.ts';
import type { InstallationSettings } from './store.ts';

export function languageOf(settings: Pick<InstallationSettings, 'language'> | undefined): Language {
  const language = settings?.language;
  return isLanguage(language) ? language : DEFAULT_LANGUAGE;
}
