// Where a validation issue's path (`fit.rules[3].points`) sits in the JSON text, so the editor can mark its line.
// A small JSON reader that keeps the offset of every value and key; it also reports syntax errors by line.

export class JsonSyntaxError extends Error {
  constructor(message, offset) {
    super(message);
    this.offset = offset;
  }
}

function read(text) {
  let i = 0;
  const ws = () => {
    while (i < text.length && ' \t\r\n'.includes(text[i])) i += 1;
  };
  const fail = (message) => {
    throw new JsonSyntaxError(message, Math.min(i, text.length));
  };
  const string = () => {
    const start = i;
    i += 1;
    while (i < text.length && text[i] !== '"') i += text[i] === '\\' ? 2 : 1;
    if (i >= text.length) fail('unterminated string');
    i += 1;
    return JSON.parse(text.slice(start, i));
  };
  const value = () => {
    ws();
    const start = i;
    const c = text[i];
    if (c === '{') {
      i += 1;
      const entries = new Map();
      ws();
      if (text[i] === '}') {
        i += 1;
        return { start, entries };
      }
      for (;;) {
        ws();
        if (text[i] !== '"') fail('expected a "quoted" property name');
        const keyStart = i;
        const key = string();
        ws();
        if (text[i] !== ':') fail(`expected ":" after "${key}"`);
        i += 1;
        const node = value();
        node.keyStart = keyStart;
        entries.set(key, node);
        ws();
        if (text[i] === ',') {
          i += 1;
          continue;
        }
        if (text[i] === '}') {
          i += 1;
          return { start, entries };
        }
        fail('expected "," or "}"');
      }
    }
    if (c === '[') {
      i += 1;
      const items = [];
      ws();
      if (text[i] === ']') {
        i += 1;
        return { start, items };
      }
      for (;;) {
        items.push(value());
        ws();
        if (text[i] === ',') {
          i += 1;
          continue;
        }
        if (text[i] === ']') {
          i += 1;
          return { start, items };
        }
        fail('expected "," or "]"');
      }
    }
    if (c === '"') {
      string();
      return { start };
    }
    const literal = /^(-?\d+(\.\d+)?([eE][+-]?\d+)?|true|false|null)/.exec(text.slice(i));
    if (!literal) fail(i >= text.length ? 'unexpected end of the text' : `unexpected "${c}"`);
    i += literal[0].length;
    return { start };
  };
  const root = value();
  ws();
  if (i < text.length) fail('unexpected text after the end');
  return root;
}

/** `engagement.rules[pricing_page].points` → ['engagement', 'rules', { id: 'pricing_page' }, 'points']; `[3]` → 3 */
export function splitPath(path) {
  const parts = [];
  for (const m of path.matchAll(/\.?([A-Za-z_$][\w$]*)|\[(\d+)\]|\[([a-z][a-z0-9_]*)\]|\[("(?:[^"\\]|\\.)*")\]/g)) {
    if (m[1] !== undefined) parts.push(m[1]);
    else if (m[2] !== undefined) parts.push(Number(m[2]));
    else if (m[3] !== undefined) parts.push({ id: m[3] });
    else parts.push(JSON.parse(m[4]));
  }
  return parts;
}

export function lineOf(text, offset) {
  let line = 1;
  for (let i = 0; i < offset && i < text.length; i += 1) if (text[i] === '\n') line += 1;
  return line;
}

/** Parses the text; throws JsonSyntaxError with `line`. */
export function parseWithLines(text) {
  try {
    read(text);
  } catch (error) {
    if (error instanceof JsonSyntaxError) error.line = lineOf(text, error.offset);
    throw error;
  }
  return JSON.parse(text);
}

/** The line of the deepest part of `path` that exists in the text (1 when nothing matches). */
export function locatePath(text, path) {
  let node;
  let value;
  try {
    node = read(text);
    value = JSON.parse(text);
  } catch {
    return 1;
  }
  let offset = node.start;
  for (const part of splitPath(path)) {
    let key = part;
    // A list element named by its id (engagement rules, penalties): find its position.
    if (typeof part === 'object') key = Array.isArray(value) ? value.findIndex((e) => e && typeof e === 'object' && e.id === part.id) : -1;
    const next = typeof key === 'number' ? node.items?.[key] : node.entries?.get(key);
    if (!next) break;
    node = next;
    value = value?.[key];
    offset = next.keyStart ?? next.start;
  }
  return lineOf(text, offset);
}
