// The admin console: one page, no build step. Every value from the server is set as text, never as HTML.
import { drawHistogram } from './chart.js';
import { locatePath, parseWithLines } from './json-locate.js';

const $ = (id) => document.getElementById(id);
let csrf = '';
let portalId = 0;

/** h('p', { class: 'x' }, 'text', child) */
function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
    else if (k === 'style') Object.assign(el.style, v); // CSSOM, which the page's CSP allows (style attributes it does not)
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  for (const child of children.flat(Number.POSITIVE_INFINITY)) if (child !== null && child !== undefined && child !== false) el.append(child instanceof Node ? child : String(child));
  return el;
}
const fill = (el, ...children) => el.replaceChildren(...children.flat(Number.POSITIVE_INFINITY).filter((c) => c !== null && c !== undefined && c !== false));
const fmtNumber = (n) => (typeof n === 'number' ? n.toLocaleString('en-US') : '–');
const fmtPercent = (r) => (r === null || r === undefined ? '–' : `${(r * 100).toFixed(1)} %`);
const fmtTime = (iso) => (iso ? new Date(iso).toLocaleString('en-GB', { dateStyle: 'medium', timeStyle: 'short' }) : '–');

class ApiError extends Error {
  constructor(status, body) {
    super(body?.error?.message ?? `request failed (${status})`);
    this.status = status;
    this.issues = body?.error?.issues ?? [];
  }
}

async function api(path, { method = 'GET', body } = {}) {
  const headers = { Accept: 'application/json' };
  if (method !== 'GET') headers['X-CSRF-Token'] = csrf;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const response = await fetch(`/admin/api${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), credentials: 'same-origin' });
  const data = await response.json().catch(() => ({}));
  if (response.status === 401) showSignedOut();
  if (!response.ok) throw new ApiError(response.status, data);
  return data;
}

function flash(message, isError = false) {
  const el = $('flash');
  el.className = isError ? 'flash error' : 'flash';
  el.textContent = message;
}

async function busy(button, work) {
  button.disabled = true;
  try {
    await work();
  } catch (error) {
    flash(error.message, true);
  } finally {
    button.disabled = false;
  }
}

function showSignedOut() {
  $('console').hidden = true;
  $('account').hidden = true;
  $('signed-out').hidden = false;
}

// ---------- tabs ----------
const loaders = {};
function selectTab(tab) {
  for (const t of document.querySelectorAll('[role="tab"]')) {
    const on = t === tab;
    t.setAttribute('aria-selected', String(on));
    t.tabIndex = on ? 0 : -1;
    $(t.getAttribute('aria-controls')).hidden = !on;
  }
  flash('');
  loaders[tab.id]?.().catch((error) => flash(error.message, true));
}
function wireTabs() {
  const tabs = [...document.querySelectorAll('[role="tab"]')];
  for (const tab of tabs) {
    tab.addEventListener('click', () => selectTab(tab));
    tab.addEventListener('keydown', (event) => {
      const i = tabs.indexOf(tab);
      const next = event.key === 'ArrowRight' ? tabs[(i + 1) % tabs.length] : event.key === 'ArrowLeft' ? tabs[(i - 1 + tabs.length) % tabs.length] : null;
      if (next) {
        next.focus();
        selectTab(next);
      }
    });
  }
}

// ---------- overview ----------
function renderInstallation(data) {
  const i = data.installation;
  fill(
    $('installation'),
    h(
      'dl',
      { class: 'facts' },
      h('dt', {}, 'Status'),
      h('dd', {}, h('span', { class: `pill ${i.status === 'active' ? 'ok' : 'bad'}`, 'data-testid': 'install-status' }, i.status === 'active' ? 'Active' : 'Inactive'), i.statusReason ? ` ${i.statusReason}` : ''),
      h('dt', {}, 'Portal'),
      h('dd', {}, String(data.portalId)),
      h('dt', {}, 'Installed'),
      h('dd', {}, fmtTime(i.installedAt), i.installedBy ? ` by ${i.installedBy}` : ''),
      h('dt', {}, 'Mode'),
      h('dd', {}, i.mode === 'oauth' ? 'OAuth (marketplace)' : 'Static token'),
      h('dt', {}, 'Scored contacts'),
      h('dd', {}, fmtNumber(data.contacts)),
      h('dt', {}, 'Scopes'),
      h('dd', {}, i.scopes.join(', ') || '–'),
    ),
    i.missingScopes.length ? h('p', { class: 'pill warn', role: 'alert' }, `Missing scopes: ${i.missingScopes.join(', ')}; reinstall to grant them.`) : null,
  );
  const a = data.api;
  fill(
    $('api-budget'),
    h(
      'dl',
      { class: 'facts' },
      h('dt', {}, 'Calls'),
      h('dd', { 'data-testid': 'api-calls' }, `${fmtNumber(a.calls)} since ${fmtTime(a.since)}`),
      h('dt', {}, 'Rate-limited (429)'),
      h('dd', {}, fmtNumber(a.rateLimited)),
      h('dt', {}, 'Errors'),
      h('dd', {}, `${fmtNumber(a.errors)} (${fmtPercent(a.errorShare)}) `, h('span', { class: `pill ${a.errorShare < 0.05 ? 'ok' : 'bad'}` }, a.errorShare < 0.05 ? 'below 5 %' : 'above 5 %')),
      h('dt', {}, 'Limits'),
      h('dd', {}, `${a.limitPer10s} requests per 10 s, search ${a.searchPerSecond} per s`),
    ),
  );
}

function renderJobs(jobs) {
  const rows = jobs.map(({ job, state }) => {
    const p = state?.progress;
    const last = state?.lastRun;
    const share = p?.total ? Math.min(1, p.done / p.total) : 0;
    return h(
      'tr',
      {},
      h('td', {}, job),
      h(
        'td',
        {},
        p
          ? h('div', {}, h('div', { class: 'progress', role: 'progressbar', 'aria-label': `${job} progress`, 'aria-valuemin': 0, 'aria-valuemax': 100, 'aria-valuenow': Math.round(share * 100) }, h('span', { style: { width: `${(share * 100).toFixed(1)}%` } })), `${fmtNumber(p.done)}${p.total ? ` of ${fmtNumber(p.total)}` : ''}${p.etaSeconds !== undefined ? ` · ${Math.ceil(p.etaSeconds / 60)} min left` : ''}`)
          : h('span', { class: 'empty' }, 'not running'),
      ),
      h('td', {}, last ? h('span', { class: `pill ${last.ok ? 'ok' : 'bad'}` }, last.ok ? 'ok' : 'failed') : '–', last?.summary ? ` ${last.summary}` : ''),
      h('td', {}, fmtTime(last?.finishedAt)),
    );
  });
  fill($('jobs'), h('table', {}, h('thead', {}, h('tr', {}, h('th', {}, 'Job'), h('th', {}, 'Progress'), h('th', {}, 'Last run'), h('th', {}, 'Finished'))), h('tbody', {}, rows)));
}

function renderQueue(queue) {
  fill(
    $('queue'),
    h('p', {}, 'Waiting: ', h('strong', { 'data-testid': 'queue-depth' }, fmtNumber(queue.depth)), ' · Dead letters: ', h('strong', {}, fmtNumber(queue.deadLetterCount))),
    queue.deadLetters.length
      ? h(
          'table',
          {},
          h('thead', {}, h('tr', {}, h('th', {}, 'Kind'), h('th', {}, 'Key'), h('th', {}, 'Reason'), h('th', { class: 'num' }, 'Attempts'), h('th', {}, 'Failed'))),
          h('tbody', {}, queue.deadLetters.map((d) => h('tr', {}, h('td', {}, d.kind), h('td', {}, d.key), h('td', {}, d.reason), h('td', { class: 'num' }, d.attempts), h('td', {}, fmtTime(d.failedAt))))),
        )
      : h('p', { class: 'empty' }, 'No dead letters.'),
  );
}

loaders['tab-overview'] = async () => {
  const data = await api('/overview');
  renderInstallation(data);
  renderJobs(data.jobs);
  renderQueue(data.queue);
};

// ---------- funnel ----------
function kpi(label, value, sub) {
  return h('div', { class: 'kpi' }, h('div', { class: 'label' }, label), h('div', { class: 'value' }, value), sub ? h('div', { class: 'sub' }, sub) : null);
}
function barList(entries) {
  const max = Math.max(1, ...entries.map(([, n]) => n));
  return h('div', { class: 'bars' }, entries.map(([label, n, kind]) => [h('span', {}, label), h('div', { class: kind ? `bar ${kind}` : 'bar', style: { width: `${(n / max) * 100}%` }, 'aria-hidden': 'true' }), h('span', { class: 'num' }, fmtNumber(n))]));
}
loaders['tab-funnel'] = async () => {
  const f = await api('/funnel');
  const v = f.leadVelocity;
  fill(
    $('kpis'),
    kpi('Contacts scored', fmtNumber(f.contacts)),
    kpi('MQL', fmtNumber(f.outcomes.mql)),
    kpi('SQL', fmtNumber(f.outcomes.sql)),
    kpi('MQL → SQL', fmtPercent(f.mqlToSqlRate), 'target 20–40 %'),
    kpi('Lead velocity', v.growthRate === null ? `${fmtNumber(v.sqlThisWindow)} SQL` : `${v.growthRate >= 0 ? '+' : ''}${(v.growthRate * 100).toFixed(0)} %`, `${fmtNumber(v.sqlThisWindow)} new SQL in ${v.windowDays} d (before: ${fmtNumber(v.sqlPreviousWindow)})`),
    kpi('Days to SQL', v.medianDaysToSql === null ? '–' : String(v.medianDaysToSql), 'median, first activity → SQL'),
  );
  drawHistogram($('score-chart'), f.scoreDistribution.fitBuckets, { label: 'Contacts per fit score range', xLabel: 'Fit score', yLabel: 'Contacts' });
  const names = { sql: 'SQL', mql: 'MQL', nurture: 'Nurture', disqualified: 'Disqualified', unscored: 'Not scored' };
  fill($('outcomes'), barList(Object.entries(f.outcomes).map(([k, n]) => [names[k] ?? k, n, `outcome-${k}`])), h('h3', {}, 'Grades and tiers'), barList([...Object.entries(f.scoreDistribution.grades).map(([g, n]) => [`Grade ${g}`, n]), ...Object.entries(f.scoreDistribution.tiers).map(([t, n]) => [`Tier ${t}`, n])]));
  fill($('stages'), f.lifecycleStages.length ? barList(f.lifecycleStages.map((s) => [s.stage, s.count])) : h('p', { class: 'empty' }, 'No contacts scored yet.'));
  const t = f.tasks;
  fill(
    $('tasks'),
    h('p', {}, `Created ${fmtNumber(t.created)} · open ${fmtNumber(t.open)} · completed ${fmtNumber(t.completed)} · escalated ${fmtNumber(t.escalated)}`),
    h(
      'table',
      {},
      h('thead', {}, h('tr', {}, h('th', {}, 'Kind'), h('th', { class: 'num' }, 'Created'), h('th', { class: 'num' }, 'Open'), h('th', { class: 'num' }, 'Completed'))),
      h('tbody', {}, Object.entries(t.byKind).map(([kind, k]) => h('tr', {}, h('td', {}, kind), h('td', { class: 'num' }, fmtNumber(k.created)), h('td', { class: 'num' }, fmtNumber(k.open)), h('td', { class: 'num' }, fmtNumber(k.completed))))),
    ),
  );
};

// ---------- scoring model ----------
let activeModel = null;
const editor = () => $('draft-text');

function renderGutter(badLines = new Map()) {
  const count = editor().value.split('\n').length;
  const lines = [];
  for (let n = 1; n <= count; n += 1) {
    const issue = badLines.get(n);
    lines.push(h('div', issue ? { class: 'bad', title: issue } : {}, n));
  }
  fill($('gutter'), lines);
  $('gutter').scrollTop = editor().scrollTop;
}

/** Brings a line into view without moving the caret. */
function revealLine(line) {
  editor().scrollTop = Math.max(0, (line - 5) * 18);
  $('gutter').scrollTop = editor().scrollTop;
}

function jumpToLine(line) {
  const text = editor().value;
  let offset = 0;
  for (let n = 1; n < line; n += 1) offset = text.indexOf('\n', offset) + 1;
  editor().focus();
  editor().setSelectionRange(offset, Math.max(offset, text.indexOf('\n', offset) === -1 ? text.length : text.indexOf('\n', offset)));
  revealLine(line);
}

/** Each issue next to its line: a marker in the gutter and a list entry that jumps there. */
function showIssues(issues, text) {
  const box = $('draft-issues');
  if (!issues.length) {
    box.className = 'issues valid';
    fill(box, 'The draft is valid.');
    renderGutter();
    return;
  }
  box.className = 'issues';
  const located = issues.map((issue) => ({ ...issue, line: issue.line ?? locatePath(text, issue.path) }));
  renderGutter(new Map(located.map((i) => [i.line, `${i.path || '(model)'}: ${i.message}`])));
  fill(
    box,
    h('strong', {}, `${issues.length} problem${issues.length === 1 ? '' : 's'} in the draft:`),
    h('ul', { 'data-testid': 'draft-issues' }, located.map((i) => h('li', {}, h('button', { type: 'button', class: 'jump', onclick: () => jumpToLine(i.line) }, `line ${i.line}`), ' ', h('code', {}, i.path || '(model)'), `: ${i.message}`))),
  );
  revealLine(Math.min(...located.map((i) => i.line)));
}

/** The editor's JSON, or null after showing where it does not parse. */
function readDraft() {
  const text = editor().value;
  try {
    return parseWithLines(text);
  } catch (error) {
    showIssues([{ path: '', line: error.line ?? 1, message: `not valid JSON: ${error.message}` }], text);
    return null;
  }
}

function renderHistory(history, active) {
  fill(
    $('history'),
    h(
      'table',
      {},
      h('thead', {}, h('tr', {}, h('th', {}, 'Version'), h('th', {}, 'Activated'), h('th', {}, ''))),
      h(
        'tbody',
        {},
        history.map((entry) => h('tr', {}, h('td', {}, entry.version), h('td', {}, fmtTime(entry.activatedAt)), h('td', {}, entry.version === active.version ? h('span', { class: 'pill ok' }, 'active') : ''))),
        h('tr', {}, h('td', {}, 'default model'), h('td', {}, 'config/scoring-model.json'), h('td', {}, active.isDefault ? h('span', { class: 'pill ok' }, 'active') : '')),
      ),
    ),
  );
}

loaders['tab-model'] = async () => {
  const data = await api('/model');
  activeModel = data.active.model;
  fill(
    $('active-model'),
    h('p', {}, 'Version ', h('strong', { 'data-testid': 'active-version' }, data.active.version), data.active.isDefault ? ' (the default model)' : ''),
    h('details', {}, h('summary', {}, 'Show the JSON'), h('pre', {}, JSON.stringify(activeModel, null, 2))),
  );
  if (!editor().dataset.loaded) {
    editor().value = JSON.stringify(data.draft ? data.draft.model : activeModel, null, 2);
    editor().dataset.loaded = 'yes';
    if (data.draft) showIssues(data.draft.issues, editor().value);
    else renderGutter();
  }
  renderHistory(data.history, data.active);
};

function describeOutcome(o) {
  return `${fmtNumber(o.outcomes.mql)} MQL, ${fmtNumber(o.outcomes.sql)} SQL, ${o.tasksPerDayPerRep} tasks per day per rep`;
}

function renderWhatIf(w) {
  const row = (label, pick) => h('tr', {}, h('td', {}, label), h('td', { class: 'num' }, pick(w.draft)), h('td', { class: 'num' }, pick(w.active)));
  fill(
    $('whatif'),
    h('p', { class: 'headline', 'data-testid': 'whatif-headline' }, `On your contacts this draft gives ${describeOutcome(w.draft)}.`),
    h('p', { class: 'hint' }, `The active model gives ${describeOutcome(w.active)}. ${fmtNumber(w.draft.changedOutcomes)} contacts would change outcome. Based on ${fmtNumber(w.evaluated)} of ${fmtNumber(w.total)} stored contacts; task flow estimated from the last ${w.windowDays} days; no HubSpot calls.`),
    h(
      'table',
      {},
      h('thead', {}, h('tr', {}, h('th', {}, ''), h('th', { class: 'num' }, `Draft ${w.draft.version}`), h('th', { class: 'num' }, `Active ${w.active.version}`))),
      h(
        'tbody',
        {},
        ['sql', 'mql', 'nurture', 'disqualified'].map((q) => row(q.toUpperCase(), (o) => fmtNumber(o.outcomes[q]))),
        row('Tasks to create now', (o) => fmtNumber(o.tasksNow)),
        row('New tasks per day', (o) => String(o.tasksPerDay)),
        row('Per rep per day', (o) => String(o.tasksPerDayPerRep)),
      ),
    ),
  );
}

async function saveDraft() {
  const model = readDraft();
  if (model === null) return false;
  const result = await api('/model/draft', { method: 'PUT', body: { model } });
  showIssues(result.issues, editor().value);
  return result.valid;
}

function wireModel() {
  editor().addEventListener('input', () => renderGutter());
  editor().addEventListener('scroll', () => {
    $('gutter').scrollTop = editor().scrollTop;
  });
  $('draft-from-active').addEventListener('click', () => {
    editor().value = JSON.stringify(activeModel, null, 2);
    fill($('draft-issues'));
    fill($('whatif'));
    renderGutter();
  });
  $('draft-save').addEventListener('click', (e) =>
    busy(e.currentTarget, async () => {
      if (await saveDraft()) flash('Draft saved.');
    }),
  );
  $('draft-whatif').addEventListener('click', (e) =>
    busy(e.currentTarget, async () => {
      if (!(await saveDraft())) return;
      fill($('whatif'), h('p', {}, 'Scoring your contacts with the draft…'));
      renderWhatIf(await api('/model/what-if', { method: 'POST', body: {} }));
    }),
  );
  $('draft-activate').addEventListener('click', (e) =>
    busy(e.currentTarget, async () => {
      if (!(await saveDraft())) return;
      try {
        const result = await api('/model/activate', { method: 'POST', body: {} });
        flash(`Model ${result.version} is active; every contact is being rescored.`);
        delete editor().dataset.loaded;
        fill($('whatif'));
        await loaders['tab-model']();
      } catch (error) {
        if (error.issues?.length) showIssues(error.issues, editor().value);
        throw error;
      }
    }),
  );
}

// ---------- settings ----------
const TASK_KINDS = { call_sql: 'Call sales-ready leads (call_sql)', qualify: 'Qualify missing BANT criteria (qualify)', follow_up: 'Follow up nurture leads later (follow_up)', escalate: 'Escalate missed call SLAs (escalate)' };

function numberField(name, label, value, placeholder) {
  return h('div', { class: 'field' }, h('label', { for: `s-${name}` }, label), h('input', { id: `s-${name}`, name, type: 'number', value: value ?? '', placeholder, 'aria-describedby': `e-${name}` }), h('div', { class: 'error', id: `e-${name}` }));
}

function ownerField(name, label, value, owners, placeholder) {
  const describe = (o) => [o.firstName, o.lastName].filter(Boolean).join(' ') || o.email || o.id;
  const control = owners.length
    ? h('select', { id: `s-${name}`, name, 'aria-describedby': `e-${name}` }, h('option', { value: '' }, placeholder), owners.map((o) => h('option', { value: o.id, selected: o.id === value }, describe(o))))
    : h('input', { id: `s-${name}`, name, value: value ?? '', placeholder, inputmode: 'numeric', 'aria-describedby': `e-${name}` });
  return h('div', { class: 'field' }, h('label', { for: `s-${name}` }, label), control, h('div', { class: 'error', id: `e-${name}` }));
}

loaders['tab-settings'] = async () => {
  const [{ settings, modelDefaults }, { owners }] = await Promise.all([api('/settings'), api('/owners')]);
  const s = settings;
  const sw = (name, label, checked) => h('div', { class: 'field switch' }, h('label', {}, h('input', { type: 'checkbox', name, checked }), label));
  fill(
    $('settings-form'),
    h('fieldset', {}, h('legend', {}, 'Write to standard properties'), sw('syncLifecycleStage', 'Move lifecyclestage forward with the recommended stage', s.syncLifecycleStage), sw('syncLeadStatus', 'Set hs_lead_status to UNQUALIFIED for disqualified contacts', s.syncLeadStatus)),
    h('fieldset', {}, h('legend', {}, 'Tasks the app creates'), Object.entries(TASK_KINDS).map(([kind, label]) => sw(`task:${kind}`, label, s.taskKinds[kind]))),
    numberField('callSlaHours', 'Call SLA (hours)', s.callSlaHours, `model: ${modelDefaults.callSlaHours}`),
    numberField('dailyTaskBudget', 'Task budget per rep and day', s.dailyTaskBudget, `model: ${modelDefaults.dailyTaskBudget}`),
    ownerField('escalationOwnerId', 'Escalation owner', s.escalationOwnerId, owners, modelDefaults.escalationOwnerId ? `model: ${modelDefaults.escalationOwnerId}` : 'the contact owner'),
    ownerField('fallbackOwnerId', 'Owner for contacts without one', s.fallbackOwnerId, owners, 'none (unassigned)'),
    h('button', { type: 'submit', class: 'button primary' }, 'Save settings'),
  );
};

function readSettings(form) {
  const data = new FormData(form);
  const num = (name) => (data.get(name) === '' || data.get(name) === null ? undefined : Number(data.get(name)));
  const text = (name) => (data.get(name) ? String(data.get(name)).trim() : undefined);
  return {
    syncLifecycleStage: data.has('syncLifecycleStage'),
    syncLeadStatus: data.has('syncLeadStatus'),
    taskKinds: Object.fromEntries(Object.keys(TASK_KINDS).map((k) => [k, data.has(`task:${k}`)])),
    callSlaHours: num('callSlaHours'),
    dailyTaskBudget: num('dailyTaskBudget'),
    escalationOwnerId: text('escalationOwnerId'),
    fallbackOwnerId: text('fallbackOwnerId'),
  };
}

function wireSettings() {
  $('settings-form').addEventListener('submit', async (event) => {
    event.preventDefault();
    const form = event.currentTarget;
    for (const el of form.querySelectorAll('.error')) el.textContent = '';
    for (const el of form.querySelectorAll('[aria-invalid]')) el.removeAttribute('aria-invalid');
    try {
      await api('/settings', { method: 'PUT', body: readSettings(form) });
      flash('Settings saved.');
    } catch (error) {
      for (const issue of error.issues ?? []) {
        const field = issue.path.split('.')[0];
        $(`e-${field}`)?.replaceChildren(issue.message);
        $(`s-${field}`)?.setAttribute('aria-invalid', 'true');
      }
      flash(error.message, true);
    }
  });
  $('disconnect-form').addEventListener('submit', async (event) => {
    event.preventDefault();
    const typed = Number($('disconnect-confirm').value.trim());
    if (typed !== portalId) {
      flash(`Type ${portalId} to confirm.`, true);
      return;
    }
    try {
      const answer = await api('/disconnect', { method: 'POST', body: { confirmPortalId: typed, completeOpenTasks: $('disconnect-complete-tasks').checked } });
      showSignedOut();
      const tasks = answer?.tasksNotCompleted ?? `${answer?.completedTasks ?? 0} open tasks of the app were completed.`;
      fill($('signed-out'), h('h1', {}, 'Disconnected'), h('p', {}, `The app was uninstalled from portal ${typed} and its data deleted. ${tasks}`));
    } catch (error) {
      flash(error.message, true);
    }
  });
}

// ---------- card preview ----------
const STATE_LABEL = { met: 'Met', partial: 'Partly met', not_met: 'Not met', unknown: 'Unknown' };
const OUTCOME_LABEL = { sql: 'SQL: sales-ready', mql: 'MQL: marketing-qualified', nurture: 'Nurture: not ready yet', disqualified: 'Disqualified' };

export function renderCard(card) {
  if (!card.scored) return h('div', { class: 'hs-card' }, h('header', {}, 'BANT score'), h('div', {}, h('p', { class: 'empty' }, card.message)));
  const stat = (n, l, sub) => h('div', { class: 'stat' }, h('div', { class: 'l' }, l), h('div', { class: 'n' }, n), h('div', { class: 'micro' }, sub));
  return h(
    'div',
    { class: 'hs-card', 'data-testid': 'card' },
    h('header', {}, h('span', {}, 'BANT score'), h('span', { class: 'micro' }, `contact ${card.contactId}`)),
    h(
      'div',
      {},
      h('div', { class: 'outcome' }, h('span', { class: `pill state-${card.qualification === 'sql' ? 'met' : card.qualification === 'disqualified' ? 'not_met' : card.qualification === 'nurture' ? 'partial' : 'unknown'}` }, OUTCOME_LABEL[card.qualification]), h('span', {}, card.why)),
      h('div', { class: 'stats' }, stat(card.fit.grade, 'Fit grade', `score ${card.fit.score} of 100`), stat(card.engagement.tier, 'Engagement tier', `${card.engagement.score} points`), stat(card.priority, 'Priority', `${card.criteriaMet} of 4 BANT criteria met`)),
      h('h3', {}, 'BANT checklist'),
      card.bant.map((c) => h('div', { class: 'criterion' }, h('strong', {}, c.label), h('span', { class: `pill state-${c.state}` }, STATE_LABEL[c.state]), h('span', { class: 'micro' }, c.evidence.join('; ') || 'No evidence yet'))),
      h('h3', {}, 'Top reasons'),
      card.reasons.length ? h('ul', {}, card.reasons.map((r) => h('li', {}, r.text))) : h('p', { class: 'empty' }, 'No scoring contributions yet.'),
      h('h3', {}, 'Open tasks from the app'),
      card.openTasks.length ? h('ul', {}, card.openTasks.map((t) => h('li', {}, `${t.label}: due ${fmtTime(t.dueAt)}${t.overdue ? ' (overdue)' : ''}`))) : h('p', { class: 'empty' }, 'No open tasks.'),
      h('p', { class: 'micro' }, `Scored ${fmtTime(card.scoredAt)} by model ${card.modelVersion}${card.modelCurrent ? '' : ' (a newer model is active; the contact is being rescored)'}`),
    ),
  );
}

async function showCard(contactId) {
  fill($('card-preview'), renderCard(await api(`/card-preview?contactId=${encodeURIComponent(contactId)}`)));
}

loaders['tab-card'] = async () => {
  if (!$('card-contact').value) {
    const { contacts } = await api('/contacts?limit=1');
    if (contacts[0]) $('card-contact').value = contacts[0].contactId;
  }
  if ($('card-contact').value) await showCard($('card-contact').value);
};

function wireCard() {
  $('card-form').addEventListener('submit', (event) => {
    event.preventDefault();
    showCard($('card-contact').value.trim()).catch((error) => flash(error.message, true));
  });
}

// ---------- start ----------
async function start() {
  wireTabs();
  wireModel();
  wireSettings();
  wireCard();
  $('signout').addEventListener('click', async () => {
    await api('/signout', { method: 'POST' }).catch(() => {});
    showSignedOut();
  });
  let session;
  try {
    session = await api('/session');
  } catch {
    showSignedOut();
    return;
  }
  csrf = session.csrfToken;
  portalId = session.portalId;
  $('account-portal').textContent = `Portal ${session.portalId}${session.user ? ` · ${session.user}` : ''}`;
  $('account').hidden = false;
  $('console').hidden = false;
  const wanted = document.getElementById(`tab-${location.hash.slice(1)}`);
  selectTab(wanted ?? $('tab-overview'));
}

start();
