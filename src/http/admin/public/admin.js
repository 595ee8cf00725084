// The admin console: one page, no build step. Every value from the server is set as text, never as HTML.
import { ACCURACY_TEXT, renderAccuracy, renderCalibration } from './accuracy.js';
import { drawHistogram } from './chart.js';
import { $, confirmDialog, fill, fmtNumber, fmtPercent, fmtTime, h } from './dom.js';
import { locatePath, parseWithLines } from './json-locate.js';
import { markFormIssues, renderModelForm } from './model-form.js';
import { renderTimeline, TIMELINE_TEXT } from './timeline.js';

let csrf = '';
let portalId = 0;

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
  for (const t of document.querySelectorAll('.tabs [role="tab"]')) {
    const on = t === tab;
    t.setAttribute('aria-selected', String(on));
    t.tabIndex = on ? 0 : -1;
    $(t.getAttribute('aria-controls')).hidden = !on;
  }
  flash('');
  loaders[tab.id]?.().catch((error) => flash(error.message, true));
}
function wireTabs() {
  const tabs = [...document.querySelectorAll('.tabs [role="tab"]')];
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
      ...(i.alert ? [h('dt', {}, 'Alert'), h('dd', { 'data-testid': 'install-alert' }, h('span', { class: 'pill bad' }, 'Operator action'), ` ${i.alert.message} (${fmtTime(i.alert.at)})`)] : []),
      h('dt', {}, 'Portal'),
      h('dd', {}, String(data.portalId)),
      h('dt', {}, 'Installed'),
      h('dd', {}, fmtTime(i.installedAt), i.installedBy ? ` by ${i.installedBy}` : ''),
      h('dt', {}, 'Mode'),
      h('dd', {}, i.mode === 'oauth' ? 'OAuth (marketplace)' : 'Static token'),
      h('dt', {}, 'Scored contacts'),
      h('dd', {}, fmtNumber(data.contacts)),
      ...(data.routing?.enabled || data.routing?.assigned
        ? [h('dt', {}, 'Lead routing'), h('dd', { 'data-testid': 'routing-count' }, `${fmtNumber(data.routing.assignedToday)} leads assigned today, ${fmtNumber(data.routing.assigned)} in all${data.routing.enabled ? '' : ' (off)'}`)]
        : []),
      h('dt', {}, 'Scopes'),
      h('dd', {}, i.scopes.join(', ') || '–'),
    ),
    i.missingScopes.length ? h('p', { class: 'pill warn', role: 'alert' }, `Missing scopes: ${i.missingScopes.join(', ')}; reinstall to grant them.`) : null,
    (i.missingOptionalScopes ?? []).includes('crm.objects.marketing_events.read')
      ? h('p', { class: 'pill' }, 'Marketing events are skipped (optional scope crm.objects.marketing_events.read not granted): webinars count only by form name. Reinstall to grant it.')
      : null,
    i.outcomes?.note ? h('p', { class: 'pill warn', role: 'status' }, i.outcomes.note) : null,
    i.restored ? h('p', { class: 'pill ok', 'data-testid': 'install-restored' }, `Settings and model history from ${fmtTime(i.restored.from)} restored at the install of ${fmtTime(i.restored.at)}.`) : null,
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
      h(
        'dd',
        {},
        a.errors ? h('button', { type: 'button', class: 'link', 'aria-expanded': 'false', 'aria-controls': 'api-errors', onclick: (e) => toggleApiErrors(e.currentTarget) }, `${fmtNumber(a.errors)} error${a.errors === 1 ? '' : 's'}`) : '0',
        ` (${fmtPercent(a.errorShare)}) `,
        h('span', { class: `pill ${a.errorShare < 0.05 ? 'ok' : 'bad'}` }, a.errorShare < 0.05 ? 'below 5 %' : 'above 5 %'),
      ),
      h('dt', {}, 'Limits'),
      h('dd', {}, `${a.limitPer10s} requests per 10 s, search ${a.searchPerSecond} per s`),
    ),
    h('div', { id: 'api-errors', hidden: !openDetails.has('api-errors') }),
  );
  if (openDetails.has('api-errors')) loadApiErrors();
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

/** Details the admin opened stay open when the overview refreshes itself. */
const openDetails = new Set();

async function loadApiErrors() {
  const { byStatus } = await api('/api-errors');
  const box = $('api-errors');
  if (!box) return;
  fill(
    box,
    byStatus.length
      ? h('table', { 'data-testid': 'api-error-details' }, h('thead', {}, h('tr', {}, h('th', {}, 'Status'), h('th', {}, 'Meaning'), h('th', { class: 'num' }, 'Calls'))), h('tbody', {}, byStatus.map((e) => h('tr', {}, h('td', {}, String(e.status)), h('td', {}, e.meaning), h('td', { class: 'num' }, fmtNumber(e.count))))))
      : h('p', { class: 'empty' }, 'The failed calls had statuses without a known meaning (network errors or timeouts).'),
  );
}

function toggleApiErrors(button) {
  const open = !openDetails.has('api-errors');
  if (open) openDetails.add('api-errors');
  else openDetails.delete('api-errors');
  button.setAttribute('aria-expanded', String(open));
  $('api-errors').hidden = !open;
  if (open) loadApiErrors().catch((error) => flash(error.message, true));
}

function renderQueue(queue) {
  const open = openDetails.has('dead-letters');
  const toggle = (e) => {
    const now = !openDetails.has('dead-letters');
    if (now) openDetails.add('dead-letters');
    else openDetails.delete('dead-letters');
    e.currentTarget.setAttribute('aria-expanded', String(now));
    $('dead-letters').hidden = !now;
  };
  fill(
    $('queue'),
    h(
      'p',
      {},
      'Waiting: ',
      h('strong', { 'data-testid': 'queue-depth' }, fmtNumber(queue.depth)),
      ' · Dead letters: ',
      queue.deadLetterCount ? h('button', { type: 'button', class: 'link', 'aria-expanded': String(open), 'aria-controls': 'dead-letters', onclick: toggle }, `${fmtNumber(queue.deadLetterCount)} failed item${queue.deadLetterCount === 1 ? '' : 's'}`) : h('strong', {}, '0'),
    ),
    queue.deadLetters.length
      ? h(
          'table',
          { id: 'dead-letters', hidden: !open },
          h('thead', {}, h('tr', {}, h('th', {}, 'Kind'), h('th', {}, 'Key'), h('th', {}, 'Reason'), h('th', { class: 'num' }, 'Attempts'), h('th', {}, 'Failed'))),
          h('tbody', {}, queue.deadLetters.map((d) => h('tr', {}, h('td', {}, d.kind), h('td', {}, d.key), h('td', {}, d.reason), h('td', { class: 'num' }, d.attempts), h('td', {}, fmtTime(d.failedAt))))),
        )
      : h('p', { class: 'empty' }, 'No dead letters.'),
  );
}

const REFRESH_MS = 15_000;
let refreshTimer = 0;

loaders['tab-overview'] = async () => {
  const data = await api('/overview');
  renderInstallation(data);
  renderJobs(data.jobs);
  renderQueue(data.queue);
  $('overview-refreshed').textContent = `Updated ${new Date().toLocaleTimeString('en-GB')}; refreshes every ${REFRESH_MS / 1000} s.`;
  // The overview refreshes itself while it is on screen.
  clearTimeout(refreshTimer);
  refreshTimer = setTimeout(() => {
    if (!$('panel-overview').hidden && !document.hidden) loaders['tab-overview']().catch(() => {});
  }, REFRESH_MS);
};

// ---------- funnel ----------
const OUTCOME_NAMES = { sql: 'SQL', mql: 'MQL', nurture: 'Nurture', disqualified: 'Disqualified', unscored: 'Not scored' };
const METRIC_NAMES = {
  cohort: 'Reached MQL or SQL in the range',
  'cohort:converted': 'Of those, became SQL',
  'cohort:won': 'Of those, won',
  'sql:range': 'New SQL in the range',
  'sql:previous': 'New SQL in the range before',
};

function rangeQuery() {
  const params = new URLSearchParams();
  if ($('range-from').value) params.set('from', $('range-from').value);
  if ($('range-to').value) params.set('to', $('range-to').value);
  return params;
}

/** A number that opens the list of its contacts. */
function drillButton(metric, label, content) {
  return h('button', { type: 'button', class: 'drill-link', 'data-metric': metric, 'aria-label': `${label}: show the contacts`, onclick: () => showDrill(metric, label).catch((error) => flash(error.message, true)) }, content);
}

async function showDrill(metric, label) {
  const params = rangeQuery();
  params.set('metric', metric);
  const data = await api(`/funnel/contacts?${params}`);
  $('drill').hidden = false;
  fill($('h-drill'), `${label}: ${fmtNumber(data.total)} contacts`);
  $('drill-export').href = `/admin/api/funnel/contacts.csv?${params}`;
  fill(
    $('drill-body'),
    data.contacts.length
      ? h(
          'table',
          { 'data-testid': 'drill-table' },
          h('thead', {}, h('tr', {}, h('th', {}, 'Contact'), h('th', {}, 'Company'), h('th', {}, 'Outcome'), h('th', {}, 'Priority'), h('th', {}, 'Lifecycle stage'))),
          h(
            'tbody',
            {},
            data.contacts.map((c) => h('tr', {}, h('td', {}, c.hubspotUrl ? h('a', { href: c.hubspotUrl, target: '_blank', rel: 'noopener' }, c.name) : c.name, c.email ? h('div', { class: 'micro' }, c.email) : null), h('td', {}, c.company ?? '–'), h('td', {}, OUTCOME_NAMES[c.qualification] ?? '–'), h('td', {}, c.priority ?? '–'), h('td', {}, c.stage ?? '–'))),
          ),
        )
      : h('p', { class: 'empty' }, 'No contacts.'),
    data.total > data.contacts.length ? h('p', { class: 'hint' }, `The first ${fmtNumber(data.contacts.length)} are listed; the CSV has all of them.`) : null,
  );
  $('drill').scrollIntoView({ block: 'nearest' });
}

function kpi(label, value, sub, metric) {
  return h('div', { class: 'kpi' }, h('div', { class: 'label' }, label), h('div', { class: 'value' }, metric ? drillButton(metric, label, value) : value), sub ? h('div', { class: 'sub' }, sub) : null);
}
function barList(entries) {
  const max = Math.max(1, ...entries.map((e) => e.n));
  return h(
    'div',
    { class: 'bars' },
    entries.map((e) => [h('span', {}, e.label), h('div', { class: e.kind ? `bar ${e.kind}` : 'bar', style: { width: `${(e.n / max) * 100}%` }, 'aria-hidden': 'true' }), h('span', { class: 'num' }, e.n ? drillButton(e.metric, e.label, fmtNumber(e.n)) : '0')]),
  );
}
const day = (iso) => iso.slice(0, 10);

loaders['tab-funnel'] = async () => {
  const f = await api(`/funnel?${rangeQuery()}`);
  const lastDay = day(new Date(Date.parse(f.range.to) - 1).toISOString());
  if (!$('range-from').value) $('range-from').value = day(f.range.from);
  if (!$('range-to').value) $('range-to').value = lastDay;
  $('funnel-export').href = `/admin/api/funnel.csv?${rangeQuery()}`;
  const v = f.leadVelocity;
  const c = f.cohort;
  fill(
    $('range-note'),
    `${day(f.range.from)} to ${lastDay}. Outcomes, stages and scores are as they are now; the cohort and lead velocity belong to the range. `,
    v.backfillUntil ? `The ${fmtNumber(v.excludedAsBackfill)} contacts the install backfill found MQL or SQL (until ${fmtTime(v.backfillUntil)}) are left out: they did not become MQL or SQL in the range.` : '',
  );
  fill(
    $('kpis'),
    kpi('Contacts scored', fmtNumber(f.contacts), 'now'),
    kpi('MQL now', fmtNumber(f.outcomes.mql), null, 'outcome:mql'),
    kpi('SQL now', fmtNumber(f.outcomes.sql), null, 'outcome:sql'),
    h(
      'div',
      { class: 'kpi', 'data-testid': 'cohort' },
      h('div', { class: 'label' }, 'MQL → SQL (cohort)'),
      h('div', { class: 'value' }, fmtPercent(c.rate)),
      h('div', { class: 'sub' }, drillButton('cohort:converted', METRIC_NAMES['cohort:converted'], `${fmtNumber(c.converted)} SQL`), ' of ', drillButton('cohort', METRIC_NAMES.cohort, `${fmtNumber(c.entered)} MQL`), ' in the range; target 20–40 %.'),
    ),
    h(
      'div',
      { class: 'kpi', 'data-testid': 'cohort-won' },
      h('div', { class: 'label' }, 'MQL → won (cohort)'),
      h('div', { class: 'value' }, c.won === null ? '–' : fmtPercent(c.wonRate)),
      h('div', { class: 'sub' }, c.won === null ? 'No won or lost outcomes recorded yet (deals, sales feedback, customer stage).' : [drillButton('cohort:won', METRIC_NAMES['cohort:won'], `${fmtNumber(c.won)} won`), ' of ', drillButton('cohort', METRIC_NAMES.cohort, `${fmtNumber(c.entered)} MQL`), ' in the range, by now.']),
    ),
    h(
      'div',
      { class: 'kpi' },
      h('div', { class: 'label' }, 'Lead velocity'),
      h('div', { class: 'value' }, v.growthRate === null ? '–' : `${v.growthRate >= 0 ? '+' : ''}${(v.growthRate * 100).toFixed(0)} %`),
      h('div', { class: 'sub' }, drillButton('sql:range', METRIC_NAMES['sql:range'], `${fmtNumber(v.sqlInRange)} new SQL`), ' (range before: ', drillButton('sql:previous', METRIC_NAMES['sql:previous'], fmtNumber(v.sqlPreviousRange)), ')'),
    ),
    kpi('Days to SQL', v.medianDaysToSql === null ? '–' : String(v.medianDaysToSql), `median, from the contact's ${v.daysToSqlFrom}`),
  );
  drawHistogram($('score-chart'), f.scoreDistribution.fitBuckets, { label: 'Contacts per fit score range', xLabel: 'Fit score', yLabel: 'Contacts' });
  for (const [i, bar] of [...$('score-chart').querySelectorAll('rect.bucket')].entries()) {
    const b = f.scoreDistribution.fitBuckets[i];
    bar.addEventListener('click', () => showDrill(`fit:${b.from}`, `Fit ${b.from}–${b.to}`).catch((error) => flash(error.message, true)));
  }
  fill(
    $('outcomes'),
    barList(Object.entries(f.outcomes).map(([k, n]) => ({ label: OUTCOME_NAMES[k] ?? k, n, kind: `outcome-${k}`, metric: `outcome:${k}` }))),
    h('h3', {}, 'Grades and tiers'),
    barList([...Object.entries(f.scoreDistribution.grades).map(([g, n]) => ({ label: `Grade ${g}`, n, metric: `grade:${g}` })), ...Object.entries(f.scoreDistribution.tiers).map(([t, n]) => ({ label: `Tier ${t}`, n, metric: `tier:${t}` }))]),
  );
  fill($('stages'), f.lifecycleStages.length ? barList(f.lifecycleStages.map((s) => ({ label: s.label, n: s.count, metric: `stage:${s.stage}` }))) : h('p', { class: 'empty' }, 'No contacts scored yet.'));
  const t = f.tasks;
  fill(
    $('tasks'),
    h('p', {}, 'Created ', drillButton('tasks:created', 'Contacts with tasks', fmtNumber(t.created)), ' · open ', drillButton('tasks:open', 'Contacts with open tasks', fmtNumber(t.open)), ' · completed ', drillButton('tasks:completed', 'Contacts with completed tasks', fmtNumber(t.completed)), ' · escalated ', drillButton('tasks:escalated', 'Contacts with escalations', fmtNumber(t.escalated))),
    h(
      'table',
      {},
      h('thead', {}, h('tr', {}, h('th', {}, 'Kind'), h('th', { class: 'num' }, 'Created'), h('th', { class: 'num' }, 'Open'), h('th', { class: 'num' }, 'Completed'))),
      h('tbody', {}, Object.entries(t.byKind).map(([kind, k]) => h('tr', {}, h('td', {}, kind), h('td', { class: 'num' }, fmtNumber(k.created)), h('td', { class: 'num' }, fmtNumber(k.open)), h('td', { class: 'num' }, fmtNumber(k.completed))))),
    ),
  );
};

function wireFunnel() {
  $('range-form').addEventListener('submit', (event) => {
    event.preventDefault();
    $('drill').hidden = true;
    loaders['tab-funnel']().catch((error) => flash(error.message, true));
  });
  $('drill-close').addEventListener('click', () => {
    $('drill').hidden = true;
  });
}

// ---------- scoring model ----------
let activeModel = null;
/** The draft being edited: the form and the JSON view are two views of this object. */
let draft = null;
let lastWhatIf = null;
let owners = null;
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
  showDraftView('json');
  const text = editor().value;
  let offset = 0;
  for (let n = 1; n < line; n += 1) offset = text.indexOf('\n', offset) + 1;
  editor().focus();
  editor().setSelectionRange(offset, Math.max(offset, text.indexOf('\n', offset) === -1 ? text.length : text.indexOf('\n', offset)));
  revealLine(line);
}

/** Each issue next to its field in the form and its line in the JSON, and listed with a jump to the line. */
function showIssues(issues, text) {
  const box = $('draft-issues');
  markFormIssues($('draft-form'), issues.filter((i) => !i.line));
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

function showDraftView(which) {
  const json = which === 'json';
  if (!json && $('draft-json').hidden === false) {
    // Leaving the JSON: the form shows what the JSON says now.
    const parsed = readDraft();
    if (parsed === null) return;
    setDraft(parsed);
  }
  $('view-form').setAttribute('aria-selected', String(!json));
  $('view-json').setAttribute('aria-selected', String(json));
  $('draft-form').hidden = json;
  $('draft-json').hidden = !json;
}

let saveTimer = 0;
/** Validation as you type: every edit in the form is saved (valid or not) a moment after the last keystroke. */
function draftEdited() {
  editor().value = JSON.stringify(draft, null, 2);
  renderGutter();
  fill($('whatif'));
  lastWhatIf = null;
  clearTimeout(saveTimer);
  saveTimer = setTimeout(() => saveDraft().catch((error) => flash(error.message, true)), 350);
}

function setDraft(model) {
  draft = model;
  editor().value = JSON.stringify(draft, null, 2);
  renderModelForm($('draft-form'), draft, draftEdited);
  renderGutter();
}

async function saveDraft() {
  clearTimeout(saveTimer);
  const model = $('draft-json').hidden ? draft : readDraft();
  if (model === null) return false;
  if (!$('draft-json').hidden) draft = model;
  const result = await api('/model/draft', { method: 'PUT', body: { model } });
  showIssues(result.issues, editor().value);
  return result.valid;
}

function compareForm(versions) {
  const names = [...versions.map((v) => v.version), ...(hasDraft ? ['draft'] : [])];
  const select = (id, selected) => h('select', { id }, names.map((n) => h('option', { value: n, selected: n === selected }, n)));
  return h(
    'form',
    { class: 'inline-form compare', onsubmit: (e) => {
      e.preventDefault();
      compareVersions($('compare-from').value, $('compare-to').value).catch((error) => flash(error.message, true));
    } },
    h('label', { for: 'compare-from', class: 'inline-label' }, 'Compare'),
    select('compare-from', versions[1]?.version ?? versions[0]?.version),
    h('label', { for: 'compare-to', class: 'inline-label' }, 'with'),
    select('compare-to', versions[0]?.version),
    h('button', { type: 'submit', class: 'button secondary small' }, 'Show differences'),
  );
}

async function compareVersions(from, to) {
  const { changes } = await api(`/model/diff?from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}`);
  fill($('version-view'), h('h3', {}, `From ${from} to ${to}`), renderChanges(changes));
}

let hasDraft = false;

async function loadVersions() {
  const data = await api('/model/versions');
  const { versions } = data;
  hasDraft = data.hasDraft;
  fill(
    $('history'),
    versions.length > 1 || hasDraft ? compareForm(versions) : null,
    h(
      'table',
      { 'data-testid': 'versions' },
      h('thead', {}, h('tr', {}, h('th', {}, 'Version'), h('th', {}, 'Activated'), h('th', {}, 'By'), h('th', {}, ''))),
      h(
        'tbody',
        {},
        versions.map((v) =>
          h(
            'tr',
            { 'data-version': v.version },
            h('td', {}, h('strong', {}, v.version), v.active ? [' ', h('span', { class: 'pill ok' }, 'active')] : null, v.restoredFrom ? h('div', { class: 'micro' }, `restored from ${v.restoredFrom}`) : null),
            h('td', {}, fmtTime(v.activatedAt)),
            h('td', {}, v.activatedBy ?? '–'),
            h(
              'td',
              { class: 'actions' },
              h('button', { type: 'button', class: 'button secondary small', onclick: () => viewVersion(v.version).catch((error) => flash(error.message, true)) }, 'View'),
              v.active ? null : h('button', { type: 'button', class: 'button secondary small', onclick: () => diffVersion(v.version).catch((error) => flash(error.message, true)) }, 'Diff with active'),
              v.active ? null : h('button', { type: 'button', class: 'button secondary small', onclick: (e) => busy(e.currentTarget, () => restoreVersion(v.version)) }, `Restore ${v.version}`),
            ),
          ),
        ),
      ),
    ),
  );
}

async function viewVersion(version) {
  const { model } = await api(`/model/versions/${encodeURIComponent(version)}`);
  fill($('version-view'), h('h3', {}, `Version ${version}`), h('pre', { class: 'json' }, JSON.stringify(model, null, 2)));
}

function renderChanges(changes) {
  const show = (v) => (v === null || v === undefined ? '–' : typeof v === 'object' ? JSON.stringify(v) : String(v));
  return changes.length
    ? h('table', { class: 'diff', 'data-testid': 'model-diff' }, h('thead', {}, h('tr', {}, h('th', {}, 'Setting'), h('th', {}, 'Before'), h('th', {}, 'After'))), h('tbody', {}, changes.map((c) => h('tr', {}, h('td', {}, h('code', {}, c.path)), h('td', { class: 'before' }, show(c.before)), h('td', { class: 'after' }, show(c.after))))))
    : h('p', { class: 'empty' }, 'No differences.');
}

async function diffVersion(version) {
  const { changes } = await api(`/model/diff?from=active&to=${encodeURIComponent(version)}`);
  fill($('version-view'), h('h3', {}, `From the active model to ${version}`), renderChanges(changes));
}

async function restoreVersion(version) {
  const ok = await confirmDialog(`Restore ${version}?`, [h('p', {}, `A new version with the content of ${version} becomes active, and every contact is rescored with it. Your draft stays as it is.`)], `Restore ${version}`);
  if (!ok) return;
  const result = await api(`/model/versions/${encodeURIComponent(version)}/restore`, { method: 'POST', body: {} });
  flash(`Version ${result.version} (the content of ${result.restoredFrom}) is active; every contact is being rescored.`);
  await loaders['tab-model']();
}

loaders['tab-model'] = async () => {
  const data = await api('/model');
  activeModel = data.active.model;
  fill(
    $('active-model'),
    h('p', {}, 'Version ', h('strong', { 'data-testid': 'active-version' }, data.active.version), data.active.isDefault ? ' (the default model)' : ''),
    h('p', { class: 'hint' }, activeModel.description ?? ''),
  );
  if (!draft) {
    setDraft(structuredClone(data.draft ? data.draft.model : activeModel));
    if (data.draft) showIssues(data.draft.issues, editor().value);
  }
  await loadVersions();
};

function describeOutcome(o) {
  return `${fmtNumber(o.outcomes.mql)} MQL, ${fmtNumber(o.outcomes.sql)} SQL, ${o.tasksPerDayPerRep} tasks per day per rep`;
}

async function ownerNames() {
  if (!owners) {
    const { owners: list } = await api('/owners').catch(() => ({ owners: [] }));
    owners = new Map(list.map((o) => [o.id, [o.firstName, o.lastName].filter(Boolean).join(' ') || o.email || o.id]));
  }
  return owners;
}
const repName = (names, id) => (id === 'unassigned' ? 'unassigned' : (names.get(id) ?? `owner ${id}`));

const CHANGE_LABEL = { outcome: 'Outcome', priority: 'Priority', tasks: 'Tasks' };
const contactFilter = { text: '', kind: 'all', sort: 'impact' };

function changeRows(changes) {
  const text = contactFilter.text.toLowerCase();
  const list = changes.filter((c) => (contactFilter.kind === 'all' || c.changed.includes(contactFilter.kind)) && (!text || `${c.name} ${c.email ?? ''} ${c.company ?? ''}`.toLowerCase().includes(text)));
  if (contactFilter.sort === 'name') list.sort((a, b) => a.name.localeCompare(b.name));
  if (contactFilter.sort === 'outcome') list.sort((a, b) => a.after.qualification.localeCompare(b.after.qualification) || a.name.localeCompare(b.name));
  const arrow = (before, after) => (before === after ? before : `${before} → ${after}`);
  return list.map((c) =>
    h(
      'tr',
      { 'data-contact': c.contactId },
      h('td', {}, h('a', { href: c.hubspotUrl, target: '_blank', rel: 'noopener' }, c.name), h('div', { class: 'micro' }, [c.company, c.email].filter(Boolean).join(' · '))),
      h('td', {}, arrow(c.before.qualification, c.after.qualification)),
      h('td', {}, arrow(c.before.priority, c.after.priority)),
      h('td', {}, arrow(c.before.tasks.join(', ') || 'none', c.after.tasks.join(', ') || 'none')),
      h('td', { class: 'reasons' }, c.reasons.added.map((r) => h('div', { class: 'added' }, r)), c.reasons.removed.map((r) => h('div', { class: 'removed' }, `was: ${r}`)), !c.reasons.added.length && !c.reasons.removed.length ? h('span', { class: 'micro' }, 'same reasons; thresholds or MQL cells differ') : null),
    ),
  );
}

function renderWhatIf(w, diff) {
  const row = (label, pick) => h('tr', {}, h('td', {}, label), h('td', { class: 'num' }, pick(w.draft)), h('td', { class: 'num' }, pick(w.active)));
  const tbody = h('tbody', {}, changeRows(w.changes));
  const refresh = () => fill(tbody, changeRows(w.changes));
  fill(
    $('whatif'),
    h('p', { class: 'headline', 'data-testid': 'whatif-headline' }, `On your contacts this draft gives ${describeOutcome(w.draft)}.`),
    h('p', { class: 'hint' }, `The active model gives ${describeOutcome(w.active)}. Based on ${fmtNumber(w.evaluated)} of ${fmtNumber(w.total)} stored contacts; task flow estimated from the last ${w.windowDays} days; no HubSpot calls.`),
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
    h('h3', { 'data-testid': 'changes-headline' }, `${fmtNumber(w.changesTotal)} contacts change`, w.changesTotal > w.changes.length ? ` (the ${fmtNumber(w.changes.length)} largest changes are listed)` : ''),
    h(
      'div',
      { class: 'inline-form filters' },
      h('label', { for: 'changes-filter', class: 'inline-label' }, 'Filter'),
      h('input', { id: 'changes-filter', type: 'search', placeholder: 'name, e-mail or company', value: contactFilter.text, oninput: (e) => {
        contactFilter.text = e.currentTarget.value;
        refresh();
      } }),
      h('label', { for: 'changes-kind', class: 'inline-label' }, 'What changes'),
      h('select', { id: 'changes-kind', onchange: (e) => {
        contactFilter.kind = e.currentTarget.value;
        refresh();
      } }, ['all', 'outcome', 'priority', 'tasks'].map((k) => h('option', { value: k, selected: contactFilter.kind === k }, k === 'all' ? 'anything' : CHANGE_LABEL[k]))),
      h('label', { for: 'changes-sort', class: 'inline-label' }, 'Sort'),
      h('select', { id: 'changes-sort', onchange: (e) => {
        contactFilter.sort = e.currentTarget.value;
        refresh();
      } }, [['impact', 'largest change'], ['name', 'name'], ['outcome', 'new outcome']].map(([v, l]) => h('option', { value: v, selected: contactFilter.sort === v }, l))),
    ),
    h('div', { class: 'scroll' }, h('table', { 'data-testid': 'changed-contacts' }, h('thead', {}, h('tr', {}, h('th', {}, 'Contact'), h('th', {}, 'Outcome'), h('th', {}, 'Priority'), h('th', {}, 'Tasks'), h('th', {}, 'Reasons that differ'))), tbody)),
    h('h3', {}, 'What the draft changes in the model'),
    renderChanges(diff.changes),
  );
}

async function runWhatIf() {
  if (!(await saveDraft())) return null;
  fill($('whatif'), h('p', {}, 'Scoring your contacts with the draft…'));
  const [w, diff] = await Promise.all([api('/model/what-if', { method: 'POST', body: {} }), api('/model/diff?from=active&to=draft')]);
  lastWhatIf = w;
  renderWhatIf(w, diff);
  return w;
}

async function activateDraft() {
  const w = lastWhatIf ?? (await runWhatIf());
  if (!w) return;
  const names = await ownerNames();
  const reps = w.impact.byRep.map((r) => `${repName(names, r.ownerId)} (${fmtNumber(r.tasks)})`);
  const ok = await confirmDialog(
    `Activate ${w.draft.version}?`,
    [
      h('p', { 'data-testid': 'impact' }, `${fmtNumber(w.impact.outcomesChange)} outcomes change in HubSpot, and ${fmtNumber(w.impact.tasksCreatedNow)} tasks would be created now${reps.length ? ` for ${reps.join(', ')}` : ''}.`),
      h('p', { class: 'hint' }, 'Every contact is rescored with the new model; the daily task budget per rep still applies. You can restore the current version later.'),
    ],
    `Activate ${w.draft.version}`,
  );
  if (!ok) return;
  try {
    const result = await api('/model/activate', { method: 'POST', body: {} });
    flash(`Model ${result.version} is active; every contact is being rescored.`);
    draft = null;
    lastWhatIf = null;
    fill($('whatif'));
    fill($('draft-issues'));
    await loaders['tab-model']();
  } catch (error) {
    if (error.issues?.length) showIssues(error.issues, editor().value);
    throw error;
  }
}

function wireModel() {
  editor().addEventListener('input', () => {
    renderGutter();
    lastWhatIf = null;
    // Validation as you type in the JSON too, once the text is JSON again.
    clearTimeout(saveTimer);
    saveTimer = setTimeout(() => {
      try {
        JSON.parse(editor().value);
      } catch {
        return;
      }
      saveDraft().catch((error) => flash(error.message, true));
    }, 600);
  });
  editor().addEventListener('scroll', () => {
    $('gutter').scrollTop = editor().scrollTop;
  });
  $('view-form').addEventListener('click', () => showDraftView('form'));
  $('view-json').addEventListener('click', () => showDraftView('json'));
  $('draft-from-active').addEventListener('click', () => {
    setDraft(structuredClone(activeModel));
    fill($('draft-issues'));
    fill($('whatif'));
    lastWhatIf = null;
  });
  $('draft-save').addEventListener('click', (e) =>
    busy(e.currentTarget, async () => {
      if (await saveDraft()) flash('Draft saved.');
    }),
  );
  $('draft-whatif').addEventListener('click', (e) => busy(e.currentTarget, runWhatIf));
  $('draft-activate').addEventListener('click', (e) => busy(e.currentTarget, activateDraft));
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

/** Lead routing: on/off, the team (from the owners' teams), leads per rep and day; weights per owner only through the API. */
function routingFields(routing, owners) {
  const teams = new Map();
  for (const o of owners) for (const t of o.teams ?? []) teams.set(t.id, t.name);
  if (routing?.teamId && !teams.has(routing.teamId)) teams.set(routing.teamId, `team ${routing.teamId}`);
  return h(
    'fieldset',
    {},
    h('legend', {}, 'Lead routing'),
    h('div', { class: 'field switch' }, h('label', {}, h('input', { type: 'checkbox', name: 'routingEnabled', checked: routing?.enabled === true }), 'Assign unowned MQL and SQL contacts to a rep of the team')),
    h(
      'div',
      { class: 'field' },
      h('label', { for: 's-leadRouting' }, 'Team'),
      teams.size
        ? h('select', { id: 's-leadRouting', name: 'routingTeamId', 'aria-describedby': 'e-leadRouting' }, h('option', { value: '' }, 'none'), [...teams].map(([id, name]) => h('option', { value: id, selected: id === routing?.teamId }, name)))
        : h('input', { id: 's-leadRouting', name: 'routingTeamId', value: routing?.teamId ?? '', placeholder: 'team id', inputmode: 'numeric', 'aria-describedby': 'e-leadRouting' }),
      h('div', { class: 'error', id: 'e-leadRouting' }),
    ),
    numberField('routingCapacity', 'Leads per rep and day', routing?.dailyCapacity, 'the task budget per rep'),
  );
}

/** HubSpot's Lead records (docs/contract.md section 3b): on only where the portal has Leads (the optional scopes). */
function leadsFieldset(s, leads) {
  return h(
    'fieldset',
    {},
    h('legend', {}, 'HubSpot Leads'),
    h('div', { class: 'field switch' }, h('label', {}, h('input', { type: 'checkbox', name: 'leadsEnabled', checked: Boolean(s.leadsEnabled), disabled: !leads?.available, 'aria-describedby': 'e-leadsEnabled' }), "Create and qualify Lead records (SQL contacts get a lead; disqualified contacts' leads move to the disqualified stage)")),
    h('p', { class: 'hint' }, leads?.note ?? (leads?.available ? 'This portal has Leads.' : 'This portal has no Leads.')),
    h('div', { class: 'error', id: 'e-leadsEnabled' }),
  );
}

loaders['tab-settings'] = async () => {
  const [{ settings, modelDefaults, leads }, { owners }] = await Promise.all([api('/settings'), api('/owners')]);
  const s = settings;
  const sw = (name, label, checked) => h('div', { class: 'field switch' }, h('label', {}, h('input', { type: 'checkbox', name, checked }), label));
  fill(
    $('settings-form'),
    h('fieldset', {}, h('legend', {}, 'Write to standard properties'), sw('syncLifecycleStage', 'Move lifecyclestage forward with the recommended stage', s.syncLifecycleStage), sw('syncLeadStatus', 'Set hs_lead_status to UNQUALIFIED for disqualified contacts', s.syncLeadStatus)),
    leadsFieldset(s, leads),
    h('fieldset', {}, h('legend', {}, 'Tasks the app creates'), Object.entries(TASK_KINDS).map(([kind, label]) => sw(`task:${kind}`, label, s.taskKinds[kind]))),
    numberField('callSlaHours', 'Call SLA (hours)', s.callSlaHours, `model: ${modelDefaults.callSlaHours}`),
    numberField('dailyTaskBudget', 'Task budget per rep and day', s.dailyTaskBudget, `model: ${modelDefaults.dailyTaskBudget}`),
    ownerField('escalationOwnerId', 'Escalation owner', s.escalationOwnerId, owners, modelDefaults.escalationOwnerId ? `model: ${modelDefaults.escalationOwnerId}` : 'the contact owner'),
    ownerField('fallbackOwnerId', 'Owner for contacts without one', s.fallbackOwnerId, owners, 'none (unassigned)'),
    routingFields(s.leadRouting, owners),
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
    leadRouting: text('routingTeamId') ? { enabled: data.has('routingEnabled'), teamId: text('routingTeamId'), dailyCapacity: num('routingCapacity') } : undefined,
    leadsEnabled: data.has('leadsEnabled'),
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
      fill($('signed-out'), h('h1', {}, 'Disconnected'), h('p', {}, `The app was uninstalled from portal ${typed} and its data deleted; its settings and model history are kept for a reinstall. ${tasks}`));
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

async function showTimeline(contactId) {
  const history = await api(`/contacts/${encodeURIComponent(contactId)}/history`);
  fill($('h-timeline'), history.contact ? TIMELINE_TEXT.heading(history.contact.name) : TIMELINE_TEXT.title);
  fill($('timeline'), renderTimeline(history));
  return history;
}

async function showContact(contactId) {
  const [card] = await Promise.all([api(`/card-preview?contactId=${encodeURIComponent(contactId)}`), showTimeline(contactId)]);
  fill($('card-preview'), renderCard(card));
}

async function searchContacts(query) {
  const result = await api(`/contacts/search?q=${encodeURIComponent(query)}`);
  if (!result.contacts.length) {
    fill($('search-results'), h('p', { class: 'empty', 'data-testid': 'search-message' }, result.message));
    fill($('card-preview'), h('p', { class: 'empty' }, 'No contact to show.'));
    fill($('h-timeline'), TIMELINE_TEXT.title);
    // An id the app has not scored: the history route says whether HubSpot has the contact at all.
    if (/^\d{1,20}$/.test(query)) await showTimeline(query);
    else fill($('timeline'), h('p', { class: 'empty' }, TIMELINE_TEXT.noContact));
    return;
  }
  fill(
    $('search-results'),
    h('p', { class: 'hint' }, `${fmtNumber(result.matches)} match${result.matches === 1 ? '' : 'es'}${result.matches > result.contacts.length ? `; the first ${result.contacts.length} are listed` : ''}.`),
    h(
      'ul',
      { class: 'results', 'data-testid': 'search-results' },
      result.contacts.map((c) =>
        h(
          'li',
          {},
          h('button', { type: 'button', class: 'link', onclick: () => showContact(c.contactId).catch((error) => flash(error.message, true)) }, c.name),
          h('span', { class: 'micro' }, ` ${[c.email, c.company, c.qualification ? OUTCOME_LABEL[c.qualification] : 'not scored', c.priority].filter(Boolean).join(' · ')} · `),
          h('a', { href: c.hubspotUrl, target: '_blank', rel: 'noopener', class: 'micro' }, 'open in HubSpot'),
        ),
      ),
    ),
  );
  await showContact(result.contacts[0].contactId);
}

loaders['tab-contacts'] = async () => {};

// ---------- accuracy ----------
async function calibrate(button, container) {
  button.disabled = true;
  fill(container, h('p', {}, ACCURACY_TEXT.calibrating));
  try {
    const answer = await api('/outcomes/calibrate', { method: 'POST', body: {} }).catch((error) => {
      // Too few outcomes or a refused fit: the answer says why, shown where the proposal would be.
      if (error.status === 422) return { proposed: false, error: { message: error.message } };
      throw error;
    });
    renderCalibration(container, answer, {
      review: () => {
        // The proposal is the draft now: the model tab loads it afresh, ready for what-if and activation.
        draft = null;
        lastWhatIf = null;
        selectTab($('tab-model'));
        flash(ACCURACY_TEXT.reviewNote);
      },
    });
  } catch (error) {
    fill(container);
    flash(error.message, true);
  } finally {
    button.disabled = false;
  }
}

loaders['tab-accuracy'] = async () => {
  fill($('accuracy'), h('p', {}, ACCURACY_TEXT.loading));
  renderAccuracy($('accuracy'), await api('/outcomes/evaluate'), { calibrate });
};

function wireContacts() {
  $('search-form').addEventListener('submit', (event) => {
    event.preventDefault();
    const query = $('search-q').value.trim();
    if (query) searchContacts(query).catch((error) => flash(error.message, true));
  });
}

// ---------- start ----------
async function start() {
  wireTabs();
  wireModel();
  wireSettings();
  wireFunnel();
  wireContacts();
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
