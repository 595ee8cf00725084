// The admin console: one page, no build step. Every value from the server is set as text, never as HTML.
import { ACCURACY_TEXT, renderAccuracy, renderCalibration } from './accuracy.js';
import { drawHistogram } from './chart.js';
import { $, confirmDialog, fill, fmtDate, fmtNumber, fmtPercent, fmtTime, h } from './dom.js';
import { locatePath, parseWithLines } from './json-locate.js';
import { markFormIssues, renderModelForm } from './model-form.js';
import { translateServerMessage } from './server-messages.js';
import { setLanguage, TEXT } from './texts.js';
import { renderTimeline, TIMELINE_TEXT, wordFor } from './timeline.js';

const O = TEXT.overview;
const FN = TEXT.funnel;
const M = TEXT.model;
const W = TEXT.whatif;
const S = TEXT.settings;
const C = TEXT.card;

let csrf = '';
let portalId = 0;

class ApiError extends Error {
  constructor(status, body) {
    super(translateServerMessage(body?.error?.message) ?? TEXT.common.requestFailed(status));
    this.status = status;
    this.issues = (body?.error?.issues ?? []).map((issue) => ({ ...issue, message: translateServerMessage(issue.message) }));
    this.body = body;
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
      h('dt', {}, O.status),
      h('dd', {}, h('span', { class: `pill ${i.status === 'active' ? 'ok' : 'bad'}`, 'data-testid': 'install-status' }, i.status === 'active' ? O.active : O.inactive), i.statusReason ? ` ${i.statusReason}` : ''),
      ...(i.alert ? [h('dt', {}, O.alert), h('dd', { 'data-testid': 'install-alert' }, h('span', { class: 'pill bad' }, O.operatorAction), ` ${i.alert.message} (${fmtTime(i.alert.at)})`)] : []),
      h('dt', {}, O.portal),
      h('dd', {}, String(data.portalId)),
      h('dt', {}, O.installed),
      h('dd', {}, fmtTime(i.installedAt), i.installedBy ? O.installedBy(i.installedBy) : ''),
      h('dt', {}, O.mode),
      h('dd', {}, i.mode === 'oauth' ? O.oauth : O.staticToken),
      h('dt', {}, O.scoredContacts),
      h('dd', {}, fmtNumber(data.contacts)),
      ...(data.routing?.enabled || data.routing?.assigned
        ? [h('dt', {}, O.routing), h('dd', { 'data-testid': 'routing-count' }, O.routingCount(fmtNumber(data.routing.assignedToday), fmtNumber(data.routing.assigned), !data.routing.enabled))]
        : []),
      h('dt', {}, O.scopes),
      h('dd', {}, i.scopes.join(', ') || '–'),
    ),
    i.missingScopes.length ? h('p', { class: 'pill warn', role: 'alert' }, O.missingScopes(i.missingScopes.join(', '))) : null,
    (i.missingOptionalScopes ?? []).includes('crm.objects.marketing_events.read')
      ? h('p', { class: 'pill' }, O.marketingEvents)
      : null,
    i.outcomes?.note ? h('p', { class: 'pill warn', role: 'status' }, O.dealsNote) : null,
    data.store?.sizeWarning ? h('p', { class: 'pill warn', role: 'alert', 'data-testid': 'store-size-warning' }, O.storeSizeWarning(fmtNumber(data.store.sizeWarning.contacts), fmtNumber(data.store.sizeWarning.limit))) : null,
    i.restored ? h('p', { class: 'pill ok', 'data-testid': 'install-restored' }, O.restored(fmtTime(i.restored.from), fmtTime(i.restored.at))) : null,
  );
  const a = data.api;
  fill(
    $('api-budget'),
    h(
      'dl',
      { class: 'facts' },
      h('dt', {}, O.calls),
      h('dd', { 'data-testid': 'api-calls' }, O.callsSince(fmtNumber(a.calls), fmtTime(a.since))),
      h('dt', {}, O.rateLimited),
      h('dd', {}, fmtNumber(a.rateLimited)),
      h('dt', {}, O.errors),
      h(
        'dd',
        {},
        a.errors ? h('button', { type: 'button', class: 'link', 'aria-expanded': 'false', 'aria-controls': 'api-errors', onclick: (e) => toggleApiErrors(e.currentTarget) }, O.errorCount(a.errors, fmtNumber(a.errors))) : '0',
        ` (${fmtPercent(a.errorShare)}) `,
        h('span', { class: `pill ${a.errorShare < 0.05 ? 'ok' : 'bad'}` }, a.errorShare < 0.05 ? O.below5 : O.above5),
      ),
      h('dt', {}, O.limits),
      h('dd', {}, O.limitsText(fmtNumber(a.limitPer10s), fmtNumber(a.searchPerSecond))),
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
          ? h('div', {}, h('div', { class: 'progress', role: 'progressbar', 'aria-label': O.progressLabel(job), 'aria-valuemin': 0, 'aria-valuemax': 100, 'aria-valuenow': Math.round(share * 100) }, h('span', { style: { width: `${(share * 100).toFixed(1)}%` } })), `${fmtNumber(p.done)}${p.total ? O.of(fmtNumber(p.total)) : ''}${p.etaSeconds !== undefined ? O.minutesLeft(Math.ceil(p.etaSeconds / 60)) : ''}`)
          : h('span', { class: 'empty' }, O.notRunning),
      ),
      h('td', {}, last ? h('span', { class: `pill ${last.ok ? 'ok' : 'bad'}` }, last.ok ? O.ok : O.failed) : '–', last?.summary ? ` ${last.summary}` : ''),
      h('td', {}, fmtTime(last?.finishedAt)),
    );
  });
  fill($('jobs'), h('table', {}, h('thead', {}, h('tr', {}, h('th', {}, O.job), h('th', {}, O.progress), h('th', {}, O.lastRun), h('th', {}, O.finished))), h('tbody', {}, rows)));
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
      ? h('table', { 'data-testid': 'api-error-details' }, h('thead', {}, h('tr', {}, h('th', {}, O.statusCode), h('th', {}, O.meaning), h('th', { class: 'num' }, O.callsColumn))), h('tbody', {}, byStatus.map((e) => h('tr', {}, h('td', {}, String(e.status)), h('td', {}, Object.hasOwn(O.statusMeaning, e.status) ? O.statusMeaning[e.status] : e.meaning), h('td', { class: 'num' }, fmtNumber(e.count))))))
      : h('p', { class: 'empty' }, O.unknownStatuses),
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
      O.waiting,
      h('strong', { 'data-testid': 'queue-depth' }, fmtNumber(queue.depth)),
      O.deadLetters,
      queue.deadLetterCount ? h('button', { type: 'button', class: 'link', 'aria-expanded': String(open), 'aria-controls': 'dead-letters', onclick: toggle }, O.failedItems(queue.deadLetterCount, fmtNumber(queue.deadLetterCount))) : h('strong', {}, '0'),
    ),
    queue.deadLetters.length
      ? h(
          'table',
          { id: 'dead-letters', hidden: !open },
          h('thead', {}, h('tr', {}, h('th', {}, O.kind), h('th', {}, O.key), h('th', {}, O.reason), h('th', { class: 'num' }, O.attempts), h('th', {}, O.failedAt))),
          h('tbody', {}, queue.deadLetters.map((d) => h('tr', {}, h('td', {}, d.kind), h('td', {}, d.key), h('td', {}, d.reason), h('td', { class: 'num' }, d.attempts), h('td', {}, fmtTime(d.failedAt))))),
        )
      : h('p', { class: 'empty' }, O.noDeadLetters),
  );
}

const REFRESH_MS = 15_000;
let refreshTimer = 0;

loaders['tab-overview'] = async () => {
  const data = await api('/overview');
  renderInstallation(data);
  renderJobs(data.jobs);
  renderQueue(data.queue);
  $('overview-refreshed').textContent = O.refreshed(new Date().toLocaleTimeString(TEXT.meta.locale), REFRESH_MS / 1000);
  // The overview refreshes itself while it is on screen.
  clearTimeout(refreshTimer);
  refreshTimer = setTimeout(() => {
    if (!$('panel-overview').hidden && !document.hidden) loaders['tab-overview']().catch(() => {});
  }, REFRESH_MS);
};

// ---------- funnel ----------

function rangeQuery() {
  const params = new URLSearchParams();
  if ($('range-from').value) params.set('from', $('range-from').value);
  if ($('range-to').value) params.set('to', $('range-to').value);
  return params;
}

/** A number that opens the list of its contacts. */
function drillButton(metric, label, content) {
  return h('button', { type: 'button', class: 'drill-link', 'data-metric': metric, 'aria-label': FN.showContacts(label), onclick: () => showDrill(metric, label).catch((error) => flash(error.message, true)) }, content);
}

async function showDrill(metric, label) {
  const params = rangeQuery();
  params.set('metric', metric);
  const data = await api(`/funnel/contacts?${params}`);
  $('drill').hidden = false;
  fill($('h-drill'), FN.drillHeading(label, fmtNumber(data.total)));
  $('drill-export').href = `/admin/api/funnel/contacts.csv?${params}`;
  fill(
    $('drill-body'),
    data.contacts.length
      ? h(
          'table',
          { 'data-testid': 'drill-table' },
          h('thead', {}, h('tr', {}, h('th', {}, FN.contact), h('th', {}, FN.company), h('th', {}, FN.outcome), h('th', {}, FN.priority), h('th', {}, FN.stage))),
          h(
            'tbody',
            {},
            data.contacts.map((c) => h('tr', {}, h('td', {}, c.hubspotUrl ? h('a', { href: c.hubspotUrl, target: '_blank', rel: 'noopener' }, c.name) : c.name, c.email ? h('div', { class: 'micro' }, c.email) : null), h('td', {}, c.company ?? '–'), h('td', {}, FN.outcomeName[c.qualification] ?? '–'), h('td', {}, c.priority ?? '–'), h('td', {}, c.stage ?? '–'))),
          ),
        )
      : h('p', { class: 'empty' }, TEXT.common.noContacts),
    data.total > data.contacts.length ? h('p', { class: 'hint' }, FN.firstListed(fmtNumber(data.contacts.length))) : null,
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
    FN.rangeNote(fmtDate(day(f.range.from)), fmtDate(lastDay)),
    FN.countedAll(fmtNumber(f.contacts)),
    v.backfillUntil ? FN.backfillNote(fmtNumber(v.excludedAsBackfill), fmtTime(v.backfillUntil)) : '',
  );
  fill(
    $('kpis'),
    kpi(FN.contactsScored, fmtNumber(f.contacts), FN.now),
    kpi(FN.mqlNow, fmtNumber(f.outcomes.mql), null, 'outcome:mql'),
    kpi(FN.sqlNow, fmtNumber(f.outcomes.sql), null, 'outcome:sql'),
    h(
      'div',
      { class: 'kpi', 'data-testid': 'cohort' },
      h('div', { class: 'label' }, FN.cohortRate),
      h('div', { class: 'value' }, fmtPercent(c.rate)),
      h('div', { class: 'sub' }, drillButton('cohort:converted', FN.metric['cohort:converted'], FN.nSql(fmtNumber(c.converted))), FN.of, drillButton('cohort', FN.metric.cohort, FN.nMql(fmtNumber(c.entered))), FN.cohortTail),
    ),
    h(
      'div',
      { class: 'kpi', 'data-testid': 'cohort-won' },
      h('div', { class: 'label' }, FN.cohortWon),
      h('div', { class: 'value' }, c.won === null ? '–' : fmtPercent(c.wonRate)),
      h('div', { class: 'sub' }, c.won === null ? FN.noOutcomes : [drillButton('cohort:won', FN.metric['cohort:won'], FN.nWon(fmtNumber(c.won))), FN.of, drillButton('cohort', FN.metric.cohort, FN.nMql(fmtNumber(c.entered))), FN.cohortWonTail]),
    ),
    h(
      'div',
      { class: 'kpi' },
      h('div', { class: 'label' }, FN.velocity),
      h('div', { class: 'value' }, v.growthRate === null ? '–' : `${v.growthRate >= 0 ? '+' : ''}${(v.growthRate * 100).toFixed(0)} %`),
      h('div', { class: 'sub' }, drillButton('sql:range', FN.metric['sql:range'], FN.newSql(fmtNumber(v.sqlInRange))), FN.rangeBefore, drillButton('sql:previous', FN.metric['sql:previous'], fmtNumber(v.sqlPreviousRange)), ')'),
    ),
    kpi(FN.daysToSql, v.medianDaysToSql === null ? '–' : fmtNumber(v.medianDaysToSql), FN.daysToSqlSub(Object.hasOwn(FN.daysFrom, v.daysToSqlFrom) ? FN.daysFrom[v.daysToSqlFrom] : v.daysToSqlFrom)),
  );
  drawHistogram($('score-chart'), f.scoreDistribution.fitBuckets, { label: FN.chartLabel, xLabel: FN.chartX, yLabel: FN.chartY });
  for (const [i, bar] of [...$('score-chart').querySelectorAll('rect.bucket')].entries()) {
    const b = f.scoreDistribution.fitBuckets[i];
    bar.addEventListener('click', () => showDrill(`fit:${b.from}`, FN.fitRange(b.from, b.to)).catch((error) => flash(error.message, true)));
  }
  fill(
    $('outcomes'),
    barList(Object.entries(f.outcomes).map(([k, n]) => ({ label: FN.outcomeName[k] ?? k, n, kind: `outcome-${k}`, metric: `outcome:${k}` }))),
    h('h3', {}, FN.gradesTiers),
    barList([...Object.entries(f.scoreDistribution.grades).map(([g, n]) => ({ label: FN.grade(g), n, metric: `grade:${g}` })), ...Object.entries(f.scoreDistribution.tiers).map(([t, n]) => ({ label: FN.tier(t), n, metric: `tier:${t}` }))]),
  );
  fill($('stages'), f.lifecycleStages.length ? barList(f.lifecycleStages.map((s) => ({ label: s.label, n: s.count, metric: `stage:${s.stage}` }))) : h('p', { class: 'empty' }, FN.noneScored));
  const t = f.tasks;
  fill(
    $('tasks'),
    h('p', {}, FN.created, drillButton('tasks:created', FN.withTasks, fmtNumber(t.created)), FN.open, drillButton('tasks:open', FN.withOpen, fmtNumber(t.open)), FN.completed, drillButton('tasks:completed', FN.withCompleted, fmtNumber(t.completed)), FN.escalated, drillButton('tasks:escalated', FN.withEscalations, fmtNumber(t.escalated))),
    h(
      'table',
      {},
      h('thead', {}, h('tr', {}, h('th', {}, FN.kind), h('th', { class: 'num' }, FN.createdColumn), h('th', { class: 'num' }, FN.openColumn), h('th', { class: 'num' }, FN.completedColumn))),
      h('tbody', {}, Object.entries(t.byKind).map(([kind, k]) => h('tr', {}, h('td', {}, Object.hasOwn(FN.taskKind, kind) ? FN.taskKind[kind] : kind), h('td', { class: 'num' }, fmtNumber(k.created)), h('td', { class: 'num' }, fmtNumber(k.open)), h('td', { class: 'num' }, fmtNumber(k.completed))))),
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
function showIssues(serverIssues, text) {
  const issues = serverIssues.map((issue) => ({ ...issue, message: translateServerMessage(issue.message) }));
  const box = $('draft-issues');
  markFormIssues($('draft-form'), issues.filter((i) => !i.line));
  if (!issues.length) {
    box.className = 'issues valid';
    fill(box, M.valid);
    renderGutter();
    return;
  }
  box.className = 'issues';
  const located = issues.map((issue) => ({ ...issue, line: issue.line ?? locatePath(text, issue.path) }));
  renderGutter(new Map(located.map((i) => [i.line, `${i.path || M.wholeModel}: ${i.message}`])));
  fill(
    box,
    h('strong', {}, M.problems(issues.length)),
    h('ul', { 'data-testid': 'draft-issues' }, located.map((i) => h('li', {}, h('button', { type: 'button', class: 'jump', onclick: () => jumpToLine(i.line) }, M.line(i.line)), ' ', h('code', {}, i.path || M.wholeModel), `: ${i.message}`))),
  );
  revealLine(Math.min(...located.map((i) => i.line)));
}

/** The editor's JSON, or null after showing where it does not parse. */
function readDraft() {
  const text = editor().value;
  try {
    return parseWithLines(text);
  } catch (error) {
    showIssues([{ path: '', line: error.line ?? 1, message: M.notJson(error.message) }], text);
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
    h('label', { for: 'compare-from', class: 'inline-label' }, M.compare),
    select('compare-from', versions[1]?.version ?? versions[0]?.version),
    h('label', { for: 'compare-to', class: 'inline-label' }, M.with),
    select('compare-to', versions[0]?.version),
    h('button', { type: 'submit', class: 'button secondary small' }, M.showDifferences),
  );
}

async function compareVersions(from, to) {
  const { changes } = await api(`/model/diff?from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}`);
  fill($('version-view'), h('h3', {}, M.fromTo(from, to)), renderChanges(changes));
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
      h('thead', {}, h('tr', {}, h('th', {}, M.version), h('th', {}, M.activated), h('th', {}, M.by), h('th', {}, ''))),
      h(
        'tbody',
        {},
        versions.map((v) =>
          h(
            'tr',
            { 'data-version': v.version },
            h('td', {}, h('strong', {}, v.version), v.active ? [' ', h('span', { class: 'pill ok' }, M.active)] : null, v.restoredFrom ? h('div', { class: 'micro' }, M.restoredFrom(v.restoredFrom)) : null),
            h('td', {}, fmtTime(v.activatedAt)),
            h('td', {}, v.activatedBy ?? '–'),
            h(
              'td',
              { class: 'actions' },
              h('button', { type: 'button', class: 'button secondary small', onclick: () => viewVersion(v.version).catch((error) => flash(error.message, true)) }, M.view),
              v.active ? null : h('button', { type: 'button', class: 'button secondary small', onclick: () => diffVersion(v.version).catch((error) => flash(error.message, true)) }, M.diffWithActive),
              v.active ? null : h('button', { type: 'button', class: 'button secondary small', onclick: (e) => busy(e.currentTarget, () => restoreVersion(v.version)) }, M.restore(v.version)),
            ),
          ),
        ),
      ),
    ),
  );
}

async function viewVersion(version) {
  const { model } = await api(`/model/versions/${encodeURIComponent(version)}`);
  fill($('version-view'), h('h3', {}, M.versionHeading(version)), h('pre', { class: 'json' }, JSON.stringify(model, null, 2)));
}

function renderChanges(changes) {
  const show = (v) => (v === null || v === undefined ? '–' : typeof v === 'object' ? JSON.stringify(v) : String(v));
  return changes.length
    ? h('table', { class: 'diff', 'data-testid': 'model-diff' }, h('thead', {}, h('tr', {}, h('th', {}, M.setting), h('th', {}, M.before), h('th', {}, M.after))), h('tbody', {}, changes.map((c) => h('tr', {}, h('td', {}, h('code', {}, c.path)), h('td', { class: 'before' }, show(c.before)), h('td', { class: 'after' }, show(c.after))))))
    : h('p', { class: 'empty' }, M.noDifferences);
}

async function diffVersion(version) {
  const { changes } = await api(`/model/diff?from=active&to=${encodeURIComponent(version)}`);
  fill($('version-view'), h('h3', {}, M.fromActive(version)), renderChanges(changes));
}

async function restoreVersion(version) {
  const ok = await confirmDialog(M.restoreQuestion(version), [h('p', {}, M.restoreText(version))], M.restore(version));
  if (!ok) return;
  const result = await api(`/model/versions/${encodeURIComponent(version)}/restore`, { method: 'POST', body: {} });
  flash(M.restored(result.version, result.restoredFrom));
  await loaders['tab-model']();
}

loaders['tab-model'] = async () => {
  const data = await api('/model');
  activeModel = data.active.model;
  fill(
    $('active-model'),
    h('p', {}, M.activeVersion, h('strong', { 'data-testid': 'active-version' }, data.active.version), data.active.isDefault ? M.isDefault : ''),
    h('p', { class: 'hint' }, activeModel.description ?? ''),
  );
  if (!draft) {
    setDraft(structuredClone(data.draft ? data.draft.model : activeModel));
    if (data.draft) showIssues(data.draft.issues, editor().value);
  }
  await loadVersions();
};

function describeOutcome(o) {
  return W.describe(fmtNumber(o.outcomes.mql), fmtNumber(o.outcomes.sql), fmtNumber(o.tasksPerDayPerRep));
}

async function ownerNames() {
  if (!owners) {
    const { owners: list } = await api('/owners').catch(() => ({ owners: [] }));
    owners = new Map(list.map((o) => [o.id, [o.firstName, o.lastName].filter(Boolean).join(' ') || o.email || o.id]));
  }
  return owners;
}
const repName = (names, id) => (id === 'unassigned' ? W.unassigned : (names.get(id) ?? W.owner(id)));

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
      h('td', {}, arrow(wordFor(TEXT.timeline.qualification, c.before.qualification), wordFor(TEXT.timeline.qualification, c.after.qualification))),
      h('td', {}, arrow(c.before.priority, c.after.priority)),
      h('td', {}, arrow(c.before.tasks.join(', ') || W.none, c.after.tasks.join(', ') || W.none)),
      h('td', { class: 'reasons' }, c.reasons.added.map((r) => h('div', { class: 'added' }, r)), c.reasons.removed.map((r) => h('div', { class: 'removed' }, W.was(r))), !c.reasons.added.length && !c.reasons.removed.length ? h('span', { class: 'micro' }, W.sameReasons) : null),
    ),
  );
}

function renderWhatIf(w, diff) {
  const row = (label, pick) => h('tr', {}, h('td', {}, label), h('td', { class: 'num' }, pick(w.draft)), h('td', { class: 'num' }, pick(w.active)));
  const tbody = h('tbody', {}, changeRows(w.changes));
  const refresh = () => fill(tbody, changeRows(w.changes));
  fill(
    $('whatif'),
    h('p', { class: 'headline', 'data-testid': 'whatif-headline' }, W.headline(describeOutcome(w.draft))),
    h('p', { class: 'hint', 'data-testid': 'whatif-basis' }, W.activeGives(describeOutcome(w.active), w.sampled ? W.basisSample(fmtNumber(w.evaluated), fmtNumber(w.total)) : W.basisAll(fmtNumber(w.total)), w.windowDays)),
    h(
      'table',
      {},
      h('thead', {}, h('tr', {}, h('th', {}, ''), h('th', { class: 'num' }, W.draftColumn(w.draft.version)), h('th', { class: 'num' }, W.activeColumn(w.active.version)))),
      h(
        'tbody',
        {},
        ['sql', 'mql', 'nurture', 'disqualified'].map((q) => row(W.outcome[q], (o) => fmtNumber(o.outcomes[q]))),
        row(W.tasksNow, (o) => fmtNumber(o.tasksNow)),
        row(W.tasksPerDay, (o) => fmtNumber(o.tasksPerDay)),
        row(W.perRep, (o) => fmtNumber(o.tasksPerDayPerRep)),
      ),
    ),
    h('h3', { 'data-testid': 'changes-headline' }, w.sampled ? W.changeCountEstimated(fmtNumber(w.changesTotal)) : W.changeCount(fmtNumber(w.changesTotal)), !w.sampled && w.changesTotal > w.changes.length ? W.largestListed(fmtNumber(w.changes.length)) : ''),
    h(
      'div',
      { class: 'inline-form filters' },
      h('label', { for: 'changes-filter', class: 'inline-label' }, W.filter),
      h('input', { id: 'changes-filter', type: 'search', placeholder: W.filterPlaceholder, value: contactFilter.text, oninput: (e) => {
        contactFilter.text = e.currentTarget.value;
        refresh();
      } }),
      h('label', { for: 'changes-kind', class: 'inline-label' }, W.whatChanges),
      h('select', { id: 'changes-kind', onchange: (e) => {
        contactFilter.kind = e.currentTarget.value;
        refresh();
      } }, ['all', 'outcome', 'priority', 'tasks'].map((k) => h('option', { value: k, selected: contactFilter.kind === k }, k === 'all' ? W.anything : W.change[k]))),
      h('label', { for: 'changes-sort', class: 'inline-label' }, W.sort),
      h('select', { id: 'changes-sort', onchange: (e) => {
        contactFilter.sort = e.currentTarget.value;
        refresh();
      } }, [['impact', W.sortImpact], ['name', W.sortName], ['outcome', W.sortOutcome]].map(([v, l]) => h('option', { value: v, selected: contactFilter.sort === v }, l))),
    ),
    h('div', { class: 'scroll' }, h('table', { 'data-testid': 'changed-contacts' }, h('thead', {}, h('tr', {}, h('th', {}, W.contact), h('th', {}, W.outcomeColumn), h('th', {}, W.priority), h('th', {}, W.tasks), h('th', {}, W.reasonsDiffer))), tbody)),
    h('h3', {}, W.modelChanges),
    renderChanges(diff.changes),
  );
}

async function runWhatIf() {
  if (!(await saveDraft())) return null;
  fill($('whatif'), h('p', {}, W.scoring));
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
    M.activateQuestion(w.draft.version),
    [
      h('p', { 'data-testid': 'impact' }, M.impact(fmtNumber(w.impact.outcomesChange), fmtNumber(w.impact.tasksCreatedNow), reps.join(', '))),
      w.sampled ? h('p', { class: 'hint', 'data-testid': 'impact-basis' }, M.impactEstimated(fmtNumber(w.evaluated), fmtNumber(w.total))) : null,
      h('p', { class: 'hint' }, M.activateHint),
    ],
    M.activateButton(w.draft.version),
  );
  if (!ok) return;
  try {
    const result = await api('/model/activate', { method: 'POST', body: {} });
    flash(M.activated_(result.version));
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
      if (await saveDraft()) flash(M.draftSaved);
    }),
  );
  $('draft-whatif').addEventListener('click', (e) => busy(e.currentTarget, runWhatIf));
  $('draft-activate').addEventListener('click', (e) => busy(e.currentTarget, activateDraft));
}

// ---------- settings ----------

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
    h('legend', {}, S.routingLegend),
    h('div', { class: 'field switch' }, h('label', {}, h('input', { type: 'checkbox', name: 'routingEnabled', checked: routing?.enabled === true }), S.routingSwitch)),
    h(
      'div',
      { class: 'field' },
      h('label', { for: 's-leadRouting' }, S.routingTeam),
      teams.size
        ? h('select', { id: 's-leadRouting', name: 'routingTeamId', 'aria-describedby': 'e-leadRouting' }, h('option', { value: '' }, S.routingNoTeam), [...teams].map(([id, name]) => h('option', { value: id, selected: id === routing?.teamId }, name)))
        : h('input', { id: 's-leadRouting', name: 'routingTeamId', value: routing?.teamId ?? '', placeholder: S.routingTeamId, inputmode: 'numeric', 'aria-describedby': 'e-leadRouting' }),
      h('div', { class: 'error', id: 'e-leadRouting' }),
    ),
    numberField('routingCapacity', S.routingCapacity, routing?.dailyCapacity, S.routingCapacityDefault),
  );
}

// Language names stay in their own language, whatever the console's.
const LANGUAGES = { en: 'English', de: 'Deutsch' };

function languageField(value) {
  return h(
    'div',
    { class: 'field' },
    h('label', { for: 's-language' }, S.language),
    h('select', { id: 's-language', name: 'language', 'aria-describedby': 'e-language' }, Object.entries(LANGUAGES).map(([code, name]) => h('option', { value: code, lang: code, selected: code === (value ?? 'en') }, name))),
    h('div', { class: 'error', id: 'e-language' }),
  );
}

/** HubSpot's Lead records (docs/contract.md section 3b): on only where the portal has Leads (the optional scopes). */
function leadsFieldset(s, leads) {
  return h(
    'fieldset',
    {},
    h('legend', {}, S.leadsLegend),
    h('div', { class: 'field switch' }, h('label', {}, h('input', { type: 'checkbox', name: 'leadsEnabled', checked: Boolean(s.leadsEnabled), disabled: !leads?.available, 'aria-describedby': 'e-leadsEnabled' }), S.leadsSwitch)),
    h('p', { class: 'hint' }, leads?.note ? translateServerMessage(leads.note) : leads?.available ? S.leadsAvailable : S.leadsMissing),
    h('div', { class: 'error', id: 'e-leadsEnabled' }),
  );
}

loaders['tab-settings'] = async () => {
  const [{ settings, modelDefaults, leads }, { owners }] = await Promise.all([api('/settings'), api('/owners')]);
  const s = settings;
  const sw = (name, label, checked) => h('div', { class: 'field switch' }, h('label', {}, h('input', { type: 'checkbox', name, checked }), label));
  fill(
    $('settings-form'),
    h('fieldset', {}, h('legend', {}, S.writeStandard), sw('syncLifecycleStage', S.syncLifecycleStage, s.syncLifecycleStage), sw('syncLeadStatus', S.syncLeadStatus, s.syncLeadStatus)),
    leadsFieldset(s, leads),
    h('fieldset', {}, h('legend', {}, S.tasksLegend), Object.entries(S.taskKinds).map(([kind, label]) => sw(`task:${kind}`, label, s.taskKinds[kind]))),
    numberField('callSlaHours', S.callSla, s.callSlaHours, S.fromModel(modelDefaults.callSlaHours)),
    numberField('dailyTaskBudget', S.budget, s.dailyTaskBudget, S.fromModel(modelDefaults.dailyTaskBudget)),
    ownerField('escalationOwnerId', S.escalationOwner, s.escalationOwnerId, owners, modelDefaults.escalationOwnerId ? S.fromModel(modelDefaults.escalationOwnerId) : S.contactOwner),
    ownerField('fallbackOwnerId', S.fallbackOwner, s.fallbackOwnerId, owners, S.unassigned),
    routingFields(s.leadRouting, owners),
    languageField(s.language),
    h('button', { type: 'submit', class: 'button primary' }, S.save),
  );
};

function readSettings(form) {
  const data = new FormData(form);
  const num = (name) => (data.get(name) === '' || data.get(name) === null ? undefined : Number(data.get(name)));
  const text = (name) => (data.get(name) ? String(data.get(name)).trim() : undefined);
  return {
    syncLifecycleStage: data.has('syncLifecycleStage'),
    syncLeadStatus: data.has('syncLeadStatus'),
    taskKinds: Object.fromEntries(Object.keys(S.taskKinds).map((k) => [k, data.has(`task:${k}`)])),
    callSlaHours: num('callSlaHours'),
    dailyTaskBudget: num('dailyTaskBudget'),
    escalationOwnerId: text('escalationOwnerId'),
    fallbackOwnerId: text('fallbackOwnerId'),
    leadRouting: text('routingTeamId') ? { enabled: data.has('routingEnabled'), teamId: text('routingTeamId'), dailyCapacity: num('routingCapacity') } : undefined,
    language: text('language'),
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
      const answer = await api('/settings', { method: 'PUT', body: readSettings(form) });
      await relabel(answer?.settings?.language ?? 'en');
      flash(S.saved);
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
      flash(S.typeToConfirm(portalId), true);
      return;
    }
    try {
      const answer = await api('/disconnect', { method: 'POST', body: { confirmPortalId: typed, completeOpenTasks: $('disconnect-complete-tasks').checked } });
      showSignedOut();
      const tasks = answer?.tasksNotCompleted ?? S.completed(fmtNumber(answer?.completedTasks ?? 0));
      fill($('signed-out'), h('h1', {}, S.disconnected), h('p', {}, S.disconnectedText(typed, tasks)));
    } catch (error) {
      flash(error.message, true);
    }
  });
}

// ---------- card preview ----------

export function renderCard(card) {
  if (!card.scored) return h('div', { class: 'hs-card' }, h('header', {}, C.title), h('div', {}, h('p', { class: 'empty' }, card.message)));
  const stat = (n, l, sub) => h('div', { class: 'stat' }, h('div', { class: 'l' }, l), h('div', { class: 'n' }, n), h('div', { class: 'micro' }, sub));
  // A MEDDIC model's card shows the six MEDDIC criteria in the BANT checklist's place (card/MeddicChecklist.tsx).
  const meddic = card.framework === 'meddic' ? card.meddic : undefined;
  return h(
    'div',
    { class: 'hs-card', 'data-testid': 'card' },
    h('header', {}, h('span', {}, C.title), h('span', { class: 'micro' }, C.contact(card.contactId))),
    h(
      'div',
      {},
      h('div', { class: 'outcome' }, h('span', { class: `pill state-${card.qualification === 'sql' ? 'met' : card.qualification === 'disqualified' ? 'not_met' : card.qualification === 'nurture' ? 'partial' : 'unknown'}` }, C.outcome[card.qualification]), h('span', {}, card.why)),
      h('div', { class: 'stats' }, stat(card.fit.grade, C.fitGrade, C.fitSub(fmtNumber(card.fit.score))), stat(card.engagement.tier, C.tier, C.points(fmtNumber(card.engagement.score))), stat(card.priority, C.priority, meddic ? C.meddicCriteriaMet(meddic.criteriaMet) : C.criteriaMet(card.criteriaMet))),
      h('h3', {}, meddic ? C.meddicChecklist : C.checklist),
      (meddic ? meddic.criteria : card.bant).map((c) => h('div', { class: 'criterion' }, h('strong', {}, c.label), h('span', { class: `pill state-${c.state}` }, C.state[c.state]), h('span', { class: 'micro' }, c.evidence.join('; ') || C.noEvidence))),
      h('h3', {}, C.topReasons),
      card.reasons.length ? h('ul', {}, card.reasons.map((r) => h('li', {}, r.text))) : h('p', { class: 'empty' }, C.noReasons),
      h('h3', {}, C.openTasks),
      card.openTasks.length ? h('ul', {}, card.openTasks.map((t) => h('li', {}, `${C.due(t.label, fmtTime(t.dueAt))}${t.overdue ? C.overdue : ''}`))) : h('p', { class: 'empty' }, C.noTasks),
      h('p', { class: 'micro' }, `${C.scored(fmtTime(card.scoredAt), card.modelVersion)}${card.modelCurrent ? '' : C.outdated}`),
    ),
  );
}

/** What the contacts tab shows, drawn again when the language changes. */
let lastQuery = '';
let shownContactId = null;

async function showTimeline(contactId) {
  const history = await api(`/contacts/${encodeURIComponent(contactId)}/history`);
  fill($('h-timeline'), history.contact ? TIMELINE_TEXT.heading(history.contact.name) : TIMELINE_TEXT.title);
  fill($('timeline'), renderTimeline(history));
  return history;
}

async function showContact(contactId) {
  shownContactId = contactId;
  const [card] = await Promise.all([api(`/card-preview?contactId=${encodeURIComponent(contactId)}`), showTimeline(contactId)]);
  fill($('card-preview'), renderCard(card));
}

async function searchContacts(query) {
  lastQuery = query;
  const result = await api(`/contacts/search?q=${encodeURIComponent(query)}`);
  if (!result.contacts.length) {
    shownContactId = null;
    fill($('search-results'), h('p', { class: 'empty', 'data-testid': 'search-message' }, /^\d+$/.test(result.query) ? TEXT.contacts.notAmong(result.query, fmtNumber(result.total)) : TEXT.contacts.noMatch(result.query, fmtNumber(result.searched), fmtNumber(result.total))));
    fill($('card-preview'), h('p', { class: 'empty' }, TEXT.contacts.noContact));
    fill($('h-timeline'), TIMELINE_TEXT.title);
    // An id the app has not scored: the history route says whether HubSpot has the contact at all.
    if (/^\d{1,20}$/.test(query)) await showTimeline(query);
    else fill($('timeline'), h('p', { class: 'empty' }, TIMELINE_TEXT.noContact));
    return;
  }
  fill(
    $('search-results'),
    h('p', { class: 'hint' }, `${TEXT.contacts.matches(result.matches, fmtNumber(result.matches))}${result.matches > result.contacts.length ? TEXT.contacts.firstListed(fmtNumber(result.contacts.length)) : ''}.`),
    h(
      'ul',
      { class: 'results', 'data-testid': 'search-results' },
      result.contacts.map((c) =>
        h(
          'li',
          {},
          h('button', { type: 'button', class: 'link', onclick: () => showContact(c.contactId).catch((error) => flash(error.message, true)) }, c.name),
          h('span', { class: 'micro' }, ` ${[c.email, c.company, c.qualification ? C.outcome[c.qualification] : TEXT.contacts.notScored, c.priority].filter(Boolean).join(' · ')} · `),
          h('a', { href: c.hubspotUrl, target: '_blank', rel: 'noopener', class: 'micro' }, TEXT.contacts.openInHubSpot),
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
      if (error.status === 422) {
        const b = error.body;
        const tooLittle = b?.error?.code === 'too_little_data' && b.outcomes && b.minimumPerOutcome !== undefined;
        return { proposed: false, error: { message: tooLittle ? ACCURACY_TEXT.tooLittle(fmtNumber(b.outcomes.won), fmtNumber(b.outcomes.lost), b.minimumPerOutcome) : error.message } };
      }
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

// ---------- language ----------
/** The page's fixed words (data-text attributes in index.html) in the current language. */
function applyStaticTexts() {
  document.documentElement.lang = TEXT.meta.htmlLang;
  document.title = TEXT.page.title;
  for (const el of document.querySelectorAll('[data-text]')) el.textContent = TEXT.page[el.dataset.text];
  for (const el of document.querySelectorAll('[data-text-aria-label]')) el.setAttribute('aria-label', TEXT.page[el.dataset.textAriaLabel]);
}

/** The last language this browser's console had: the sign-in page shows it, before any session says the language. */
const REMEMBERED_LANGUAGE = 'bant-console-language';
function rememberLanguage(language) {
  try {
    localStorage.setItem(REMEMBERED_LANGUAGE, language);
  } catch {
    // Storage may be off (private mode, policy): the sign-in page then stays English.
  }
}
function rememberedLanguage() {
  try {
    return localStorage.getItem(REMEMBERED_LANGUAGE);
  } catch {
    return null;
  }
}

/** The installation's language (settings; 'en' when the setting is missing or unreadable). */
async function loadLanguage() {
  const answer = await api('/settings').catch(() => null);
  return answer?.settings?.language ?? 'en';
}

/** After the admin changed the language: every view that keeps rendered words is drawn again, no reload. */
async function relabel(language) {
  rememberLanguage(language);
  if (!setLanguage(language)) return;
  applyStaticTexts();
  lastWhatIf = null;
  fill($('whatif'));
  fill($('version-view'));
  if (draft) renderModelForm($('draft-form'), draft, draftEdited);
  const shown = shownContactId;
  if (lastQuery) {
    await searchContacts(lastQuery).catch(() => {});
    if (shown && shown !== shownContactId) await showContact(shown).catch(() => {});
  }
  const tab = document.querySelector('.tabs [aria-selected="true"]');
  if (tab) await loaders[tab.id]?.();
}

// ---------- start ----------
async function start() {
  wireTabs();
  wireModel();
  wireSettings();
  wireFunnel();
  wireContacts();
  setLanguage(rememberedLanguage());
  applyStaticTexts();
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
  const language = await loadLanguage();
  rememberLanguage(language);
  setLanguage(language);
  applyStaticTexts();
  $('account-portal').textContent = TEXT.common.account(session.portalId, session.user);
  $('account').hidden = false;
  $('console').hidden = false;
  const wanted = document.getElementById(`tab-${location.hash.slice(1)}`);
  selectTab(wanted ?? $('tab-overview'));
}

start();
