// The scoring model as a form: rules as rows (points, cap, half-life, patterns with a live test box), grade and tier
// thresholds, the MQL cells as a 4×4 matrix and the task settings. It edits the draft object in place and calls
// onChange after every edit; each control carries the path the server's issues use (engagement rules by id), so an
// issue lands next to its field.
import { fill, h } from './dom.js';
import { TEXT } from './texts.js';

const GRADES = ['A', 'B', 'C', 'D'];
const TIERS = ['1', '2', '3', '4'];
const F = TEXT.form;

let uid = 0;
function nextId(prefix) {
  uid += 1;
  return `${prefix}-${uid}`;
}

/** What the admin typed: a number when it is one, else the text (the server then says what is wrong). */
const readNumber = (raw) => (raw.trim() !== '' && Number.isFinite(Number(raw)) ? Number(raw) : raw);
const lines = (raw) =>
  raw
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);

function errorSlot() {
  return h('div', { class: 'field-error', 'aria-live': 'polite' });
}

function numberField(label, target, key, path, onChange, hint) {
  const id = nextId('f');
  const input = h('input', { id, type: 'text', inputmode: 'decimal', value: target[key] ?? '', 'data-path': path, oninput: (e) => {
    target[key] = readNumber(e.currentTarget.value);
    onChange();
  } });
  return h('div', { class: 'field compact' }, h('label', { for: id }, label), input, hint ? h('div', { class: 'micro' }, hint) : null, errorSlot());
}

function textField(label, target, key, path, onChange) {
  const id = nextId('f');
  return h(
    'div',
    { class: 'field compact' },
    h('label', { for: id }, label),
    h('input', { id, type: 'text', value: target[key] ?? '', 'data-path': path, oninput: (e) => {
      target[key] = e.currentTarget.value;
      onChange();
    } }),
    errorSlot(),
  );
}

/** Why a pattern does not compile, in the browser's words, or null. */
function patternProblem(source) {
  try {
    new RegExp(source, 'i');
    return null;
  } catch (error) {
    return error.message.replace(/^Invalid regular expression: \/.*\/\w*: /, '');
  }
}

/** One pattern per line, and a box to try sample titles or URLs against them as you type. */
function patternsField(label, target, key, path, onChange, sampleLabel) {
  const id = nextId('p');
  const testId = nextId('t');
  const result = h('div', { class: 'pattern-result', 'aria-live': 'polite' });
  const sample = h('textarea', { id: testId, rows: 2, placeholder: F.samplePlaceholder, class: 'pattern-sample' });
  const test = () => {
    const patterns = target[key] ?? [];
    const compiled = patterns.map((p) => ({ p, problem: patternProblem(p) }));
    const rows = compiled.filter((c) => c.problem).map((c) => h('div', { class: 'bad' }, F.notRegex(c.p, c.problem)));
    for (const s of lines(sample.value)) {
      const hit = compiled.find((c) => !c.problem && new RegExp(c.p, 'i').test(s));
      rows.push(h('div', { class: hit ? 'hit' : 'miss' }, hit ? F.matches(s, hit.p) : F.noMatch(s)));
    }
    fill(result, rows);
  };
  sample.addEventListener('input', test);
  const area = h('textarea', { id, rows: Math.min(6, Math.max(2, (target[key] ?? []).length)), 'data-path': path, spellcheck: 'false', value: (target[key] ?? []).join('\n'), oninput: (e) => {
    target[key] = lines(e.currentTarget.value);
    test();
    onChange();
  } });
  test();
  return h(
    'div',
    { class: 'field patterns' },
    h('label', { for: id }, label),
    area,
    errorSlot(),
    h('label', { for: testId, class: 'sample-label' }, sampleLabel),
    sample,
    result,
  );
}

function listField(label, target, key, path, onChange) {
  const id = nextId('l');
  return h(
    'div',
    { class: 'field patterns' },
    h('label', { for: id }, label),
    h('textarea', { id, rows: 2, 'data-path': path, value: (target[key] ?? []).join('\n'), oninput: (e) => {
      target[key] = lines(e.currentTarget.value);
      onChange();
    } }),
    errorSlot(),
  );
}

function ruleRow(title, description, fields, extra) {
  return h('div', { class: 'rule-row', 'data-rule': title }, h('div', { class: 'rule-head' }, h('strong', {}, title), description ? h('span', { class: 'micro' }, description) : null), h('div', { class: 'rule-fields' }, fields), extra ?? null);
}

function fitSection(model, onChange) {
  const fit = model.fit;
  const rules = (fit.rules ?? []).map((rule, i) => {
    const base = `fit.rules[${i}]`;
    const fields = [numberField(F.points, rule, 'points', `${base}.points`, onChange)];
    let extra = null;
    if (rule.dimension === 'position') extra = patternsField(F.titlePatterns, rule, 'titlePatterns', `${base}.titlePatterns`, onChange, F.tryTitles);
    if (rule.dimension === 'size') fields.push(numberField(F.fromEmployees, rule, 'minEmployees', `${base}.minEmployees`, onChange));
    if (rule.dimension === 'industry')
      extra = h('div', { class: 'rule-extra' }, listField(F.industries, rule, 'industries', `${base}.industries`, onChange), patternsField(F.industryPatterns, rule, 'patterns', `${base}.patterns`, onChange, F.tryIndustries));
    return ruleRow(`${rule.dimension} ${rule.grade}`, rule.description, fields, extra);
  });
  return h(
    'fieldset',
    { class: 'model-section' },
    h('legend', {}, F.fitLegend),
    h('p', { class: 'hint' }, fit.description ?? ''),
    h('div', { class: 'row-fields' }, GRADES.slice(0, 3).map((g) => numberField(F.gradeFrom(g), fit.gradeThresholds, g, `fit.gradeThresholds.${g}`, onChange)), h('div', { class: 'micro align-end' }, F.belowC)),
    h('div', { class: 'row-fields' }, numberField(F.freeMail, fit.freeMail, 'points', 'fit.freeMail.points', onChange, F.freeMailHint)),
    rules,
  );
}

function engagementSection(model, onChange) {
  const e = model.engagement;
  const rules = (e.rules ?? []).map((rule, i) => {
    const base = `engagement.rules[${rule.id || i}]`;
    return ruleRow(
      rule.label || rule.id,
      rule.description,
      [
        numberField(F.points, rule, 'points', `${base}.points`, onChange),
        numberField(F.cap, rule, 'cap', `${base}.cap`, onChange),
        numberField(F.halfLife, rule, 'halfLifeDays', `${base}.halfLifeDays`, onChange),
        h('div', { class: 'field compact' }, h('span', { class: 'label' }, F.activities), h('div', { class: 'micro' }, (rule.activityTypes ?? []).join(', '))),
      ],
      rule.patterns ? patternsField(F.urlPatterns, rule, 'patterns', `${base}.patterns`, onChange, F.tryUrls) : null,
    );
  });
  const penalties = (e.penalties ?? []).map((p, i) => {
    const base = `engagement.penalties[${p.id || i}]`;
    return ruleRow(p.label || p.id, p.description, [numberField(F.points, p, 'points', `${base}.points`, onChange), numberField(F.cap, p, 'cap', `${base}.cap`, onChange)]);
  });
  return h(
    'fieldset',
    { class: 'model-section' },
    h('legend', {}, F.engagementLegend),
    h('p', { class: 'hint' }, e.description ?? ''),
    h('div', { class: 'row-fields' }, ['1', '2', '3'].map((t) => numberField(F.tierAbove(t), e.tiers, t, `engagement.tiers.${t}`, onChange)), h('div', { class: 'micro align-end' }, F.belowTier3)),
    rules,
    penalties.length ? [h('h3', {}, F.penalties), penalties] : null,
  );
}

function mqlMatrix(model, onChange) {
  const cells = () => new Set(model.mqlCells ?? []);
  const toggle = (cell, button) => {
    const set = cells();
    if (set.has(cell)) set.delete(cell);
    else set.add(cell);
    model.mqlCells = [...GRADES.flatMap((g) => TIERS.map((t) => `${g}${t}`))].filter((c) => set.has(c));
    button.setAttribute('aria-pressed', String(set.has(cell)));
    button.textContent = set.has(cell) ? F.cellMql(cell) : cell;
    onChange();
  };
  const table = h(
    'table',
    { class: 'matrix', 'data-path': 'mqlCells' },
    h('caption', { class: 'micro' }, F.matrixCaption),
    h('thead', {}, h('tr', {}, h('th', {}, F.matrixCorner), TIERS.map((t) => h('th', {}, F.tier(t), h('div', { class: 'micro' }, F.tierHint[t]))))),
    h(
      'tbody',
      {},
      GRADES.map((g) =>
        h(
          'tr',
          {},
          h('th', {}, F.grade(g)),
          TIERS.map((t) => {
            const cell = `${g}${t}`;
            const on = cells().has(cell);
            return h('td', {}, h('button', { type: 'button', class: 'cell', 'aria-pressed': String(on), 'data-cell': cell, onclick: (e) => toggle(cell, e.currentTarget) }, on ? F.cellMql(cell) : cell));
          }),
        ),
      ),
    ),
  );
  return h('fieldset', { class: 'model-section' }, h('legend', {}, F.mqlLegend), table, errorSlot());
}

function tasksSection(model, onChange) {
  const t = model.tasks;
  return h(
    'fieldset',
    { class: 'model-section' },
    h('legend', {}, F.tasksLegend),
    h('p', { class: 'hint' }, t.description ?? ''),
    h(
      'div',
      { class: 'row-fields' },
      numberField(F.callWithin, t, 'callSlaHours', 'tasks.callSlaHours', onChange),
      numberField(F.qualifyWithin, t, 'qualifyDueDays', 'tasks.qualifyDueDays', onChange),
      numberField(F.followUpAfter, t, 'followUpDays', 'tasks.followUpDays', onChange),
      numberField(F.escalateAfter, t, 'escalationGraceHours', 'tasks.escalationGraceHours', onChange),
      numberField(F.perRep, t, 'dailyBudgetPerRep', 'tasks.dailyBudgetPerRep', onChange),
    ),
  );
}

/** Renders the form for `model` (edited in place); a model too broken for the form says so and points to the JSON. */
export function renderModelForm(container, model, onChange) {
  const usable = model && typeof model === 'object' && model.fit?.gradeThresholds && model.engagement?.tiers && Array.isArray(model.engagement?.rules) && model.tasks;
  if (!usable) {
    fill(container, h('p', { class: 'empty' }, F.unusable));
    return;
  }
  fill(
    container,
    h('div', { class: 'row-fields' }, textField(F.version, model, 'version', 'version', onChange)),
    fitSection(model, onChange),
    engagementSection(model, onChange),
    mqlMatrix(model, onChange),
    tasksSection(model, onChange),
  );
}

/** Marks each issue at its field: the control with the issue's path, or the nearest one above it. */
export function markFormIssues(container, issues) {
  for (const el of container.querySelectorAll('[aria-invalid]')) el.removeAttribute('aria-invalid');
  for (const el of container.querySelectorAll('.field-error')) el.textContent = '';
  const controls = new Map([...container.querySelectorAll('[data-path]')].map((el) => [el.dataset.path, el]));
  const unplaced = [];
  for (const issue of issues) {
    let path = issue.path;
    let control = controls.get(path);
    while (!control && path) {
      path = path.replace(/(\.[^.[\]]+|\[[^\]]+\])$/, '');
      control = controls.get(path);
    }
    if (!control) {
      unplaced.push(issue);
      continue;
    }
    control.setAttribute('aria-invalid', 'true');
    const slot = control.closest('.field, fieldset')?.querySelector('.field-error');
    if (slot) slot.textContent = slot.textContent ? `${slot.textContent}; ${issue.message}` : issue.message;
  }
  return unplaced;
}
