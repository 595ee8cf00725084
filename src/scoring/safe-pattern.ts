// Model patterns run on RE2 (re2js, a pure-JS port): matching time is linear in the text, whatever an admin saves.
// JavaScript's RegExp backtracks, so a pattern such as `(a+)+$` against a job title anyone can type into a form takes
// seconds to hours and blocks every portal's webhooks. Features RE2 cannot run in linear time (lookarounds,
// backreferences) are refused at validation, naming the pattern. Texts are matched on their first MAX_MATCHED_CHARS.
import { RE2JS } from 're2js';

/** Only the start of a title, URL or job title is matched: enough for any real value, bounded for any input. */
export const MAX_MATCHED_CHARS = 512;

/**
 * Answers remembered per matcher, for texts of at most REMEMBERED_CHARS. Job titles, industries and page URLs repeat
 * across contacts, and RE2 in JavaScript costs microseconds per match (most of `bant score FILE.jsonl`'s scoring time
 * before); when full the memory is cleared rather than evicted piecemeal, so it stays small (under 0.5 MB a matcher).
 */
export const REMEMBERED_ANSWERS = 1024;
export const REMEMBERED_CHARS = 200;

export interface SafePattern {
  /** True if the pattern occurs anywhere in the first MAX_MATCHED_CHARS characters of `text` (case-insensitively). */
  test(text: string): boolean;
}

function whyUnsafe(source: string): string {
  if (/\(\?<?[=!]/.test(source)) return 'lookarounds ((?=, (?!, (?<=, (?<!) need a backtracking engine';
  if (/\\[1-9]|\\k</.test(source)) return 'backreferences need a backtracking engine';
  return 'RE2, the linear-time engine model patterns run on, does not support it';
}

/**
 * checkPattern's answers: a model's patterns are checked when it is validated and again when it is compiled, and
 * each check compiles the pattern twice (a model load was a few percent of scoring 100,000 contacts).
 */
const checkedPatterns = new Map<string, string | undefined>();

/** Why `source` cannot be a model pattern, or undefined when it can (valid as a JavaScript RegExp and on RE2). */
export function checkPattern(source: string): string | undefined {
  if (checkedPatterns.has(source)) return checkedPatterns.get(source);
  const problem = findProblem(source);
  if (checkedPatterns.size >= REMEMBERED_ANSWERS) checkedPatterns.clear();
  checkedPatterns.set(source, problem);
  return problem;
}

function findProblem(source: string): string | undefined {
  try {
    new RegExp(source, 'i');
  } catch (error) {
    return `pattern "${source}" is not a valid regular expression: ${(error as Error).message}`;
  }
  try {
    RE2JS.compile(source, RE2JS.CASE_INSENSITIVE);
  } catch (error) {
    return `pattern "${source}" cannot run in linear time: ${whyUnsafe(source)} (${(error as Error).message})`;
  }
  return undefined;
}

/** One matcher for any of `sources` (each checked by checkPattern), or null when there are none. */
export function compileSafePatterns(sources: readonly string[] | undefined): SafePattern | null {
  if (!sources || sources.length === 0) return null;
  for (const source of sources) {
    const problem = checkPattern(source);
    if (problem) throw new Error(problem);
  }
  const re = RE2JS.compile(sources.map((p) => `(?:${p})`).join('|'), RE2JS.CASE_INSENSITIVE);
  const answers = new Map<string, boolean>();
  return {
    test(text) {
      const matched = text.length > MAX_MATCHED_CHARS ? text.slice(0, MAX_MATCHED_CHARS) : text;
      if (matched.length > REMEMBERED_CHARS) return re.matcher(matched).find();
      let answer = answers.get(matched);
      if (answer === undefined) {
        answer = re.matcher(matched).find();
        if (answers.size >= REMEMBERED_ANSWERS) answers.clear();
        answers.set(matched, answer);
      }
      return answer;
    },
  };
}
