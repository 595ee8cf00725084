// The accuracy page: how well the active model ranked the contacts that were won or lost (AUC, lift, conversion per
// matrix cell, calibration), the funnel MQL → SQL → won by cohort, the sales cycle and why deals were lost; and a
// calibrated model proposed as the draft, to be reviewed in the what-if and versions flow.
import { fill, fmtDecimal, fmtNumber, fmtPercent, fmtTime, h } from './dom.js';
import { TEXT } from './texts.js';
import { wordFor } from './timeline.js';

/** Every word the page shows, in the console's language (texts.js). */
export const ACCURACY_TEXT = TEXT.accuracy;

const T = ACCURACY_TEXT;
const GRADES = ['A', 'B', 'C', 'D'];
const TIERS = ['1', '2', '3', '4'];

const kpi = (label, value, sub, testid) => h('div', { class: 'kpi', 'data-testid': testid }, h('div', { class: 'label' }, label), h('div', { class: 'value' }, value), h('div', { class: 'sub' }, sub));
const num = (x, digits = 2) => fmtDecimal(x, digits);

/** The 4×4 priority matrix, each cell shaded by its won share. */
export function renderHeatmap(priority) {
  return h(
    'table',
    { class: 'heatmap', 'data-testid': 'heatmap' },
    h('caption', { class: 'visually-hidden' }, T.heatmapCaption),
    h('thead', {}, h('tr', {}, h('th', {}, ''), TIERS.map((tier) => h('th', { scope: 'col' }, T.tier(tier))))),
    h(
      'tbody',
      {},
      GRADES.map((g) =>
        h(
          'tr',
          {},
          h('th', { scope: 'row' }, T.grade(g)),
          TIERS.map((tier) => {
            const key = `${g}${tier}`;
            const c = Object.hasOwn(priority, key) ? priority[key] : null;
            const style = c ? { backgroundColor: `rgba(0, 145, 174, ${(0.08 + 0.8 * c.rate).toFixed(3)})`, color: c.rate > 0.55 ? '#fff' : '' } : {};
            return h('td', { 'data-cell': key, class: c ? 'cell' : 'cell none', style }, h('strong', {}, key), h('div', {}, c ? T.cell(fmtPercent(c.rate), fmtNumber(c.n)) : T.noOutcomes));
          }),
        ),
      ),
    ),
  );
}

function table(headers, rows, testid) {
  return h('table', testid ? { 'data-testid': testid } : {}, h('thead', {}, h('tr', {}, headers.map(([label, cls]) => h('th', cls ? { class: cls } : {}, label)))), h('tbody', {}, rows.map((r) => h('tr', {}, r.map((cell, i) => h('td', headers[i]?.[1] ? { class: headers[i][1] } : {}, cell))))));
}

function renderEvaluation(e) {
  return [
    h('div', { class: 'kpis' }, kpi(T.auc, num(e.auc), T.aucSub(e.auc), 'auc'), kpi(T.lift10, e.lift.top10 === null ? '–' : `${num(e.lift.top10)}×`, T.liftSub, 'lift10'), kpi(T.lift20, e.lift.top20 === null ? '–' : `${num(e.lift.top20)}×`, T.liftSub, 'lift20')),
    h(
      'div',
      { class: 'grid two' },
      h('article', { class: 'card' }, h('h2', {}, T.heatmap), h('p', { class: 'hint' }, T.heatmapHint), renderHeatmap(e.priority)),
      h(
        'article',
        { class: 'card' },
        h('h2', {}, T.calibration),
        h('p', { class: 'hint' }, T.calibrationHint),
        table(
          [[T.decile], [T.contacts, 'num'], [T.predicted, 'num'], [T.observed, 'num']],
          e.calibration.map((b) => [String(b.decile), fmtNumber(b.n), fmtPercent(b.predicted), fmtPercent(b.observed)]),
          'calibration',
        ),
        h('h3', {}, T.byOutcome),
        table(
          [[''], [T.contacts, 'num'], [T.won, 'num']],
          Object.entries(e.qualification).map(([q, c]) => [T.outcomeName[q] ?? q, fmtNumber(c.n), `${fmtPercent(c.rate)} (${fmtNumber(c.won)})`]),
        ),
      ),
    ),
  ];
}

function barList(counts) {
  const entries = Object.entries(counts).sort((a, b) => b[1] - a[1]);
  if (!entries.length) return h('p', { class: 'empty' }, T.noneNamed);
  const max = Math.max(1, ...entries.map(([, n]) => n));
  return h('div', { class: 'bars' }, entries.map(([label, n]) => [h('span', {}, label), h('div', { class: 'bar outcome-disqualified', style: { width: `${(n / max) * 100}%` }, 'aria-hidden': 'true' }), h('span', { class: 'num' }, fmtNumber(n))]));
}

function renderFunnel(f) {
  const row = (label, c) => [label, fmtNumber(c.mql), fmtNumber(c.sql), fmtNumber(c.won), fmtPercent(c.mqlToSql), fmtPercent(c.sqlToWon), fmtPercent(c.mqlToWon)];
  return h(
    'div',
    { class: 'grid two' },
    h(
      'article',
      { class: 'card' },
      h('h2', {}, T.funnel),
      h('p', { class: 'hint' }, T.funnelHint),
      f.cohorts.length
        ? table(
            [[T.cohort], [T.mql, 'num'], [T.sql, 'num'], [T.won, 'num'], [T.mqlToSql, 'num'], [T.sqlToWon, 'num'], [T.mqlToWon, 'num']],
            [...f.cohorts.map((c) => row(c.cohort, c)), row(T.total, f.total)],
            'cohorts',
          )
        : h('p', { class: 'empty' }, T.noCohorts),
      h('h3', {}, T.cycle),
      h('p', { 'data-testid': 'sales-cycle' }, T.cycleText(f.salesCycleDays.n, fmtNumber(f.salesCycleDays.n), fmtNumber(f.salesCycleDays.median), fmtNumber(f.salesCycleDays.mean), fmtNumber(f.salesCycleDays.p90))),
    ),
    h(
      'article',
      { class: 'card', 'data-testid': 'lost-reasons' },
      h('h2', {}, T.lost),
      h('h3', {}, T.byCriterion),
      barList(Object.fromEntries(Object.entries(f.lostReasons.byCriterion).map(([criterion, n]) => [wordFor(TEXT.timeline.field, criterion), n]))),
      h('h3', {}, T.byCompetitor),
      barList(f.lostReasons.byCompetitor),
      f.lostReasons.unspecified ? h('p', { class: 'hint' }, T.unspecified(fmtNumber(f.lostReasons.unspecified))) : null,
    ),
  );
}

/** data: the answer of GET /admin/api/outcomes/evaluate. */
export function renderAccuracy(container, data, { calibrate }) {
  const o = data.outcomes;
  const result = h('div', { id: 'calibration-result', 'aria-live': 'polite' });
  fill(
    container,
    data.sources.note ? h('p', { class: 'pill warn notice', role: 'status', 'data-testid': 'deal-scope' }, TEXT.overview.dealsNote) : null,
    h('p', { 'data-testid': 'accuracy-outcomes' }, T.outcomes(fmtNumber(o.won), fmtNumber(o.lost), o.period ? fmtTime(o.period.from) : '', o.period ? fmtTime(o.period.to) : ''), ' ', T.model(data.model.version)),
    o.withoutFeatures ? h('p', { class: 'hint' }, T.withoutFeatures(o.withoutFeatures, fmtNumber(o.withoutFeatures))) : null,
    o.firstSight ? h('p', { class: 'hint' }, T.firstSight(o.firstSight, fmtNumber(o.firstSight))) : null,
    data.evaluation ? renderEvaluation(data.evaluation) : h('p', { class: 'notice empty', role: 'status', 'data-testid': 'accuracy-message' }, data.minimumPerOutcome === undefined ? data.message : T.tooLittle(fmtNumber(o.won), fmtNumber(o.lost), data.minimumPerOutcome)),
    renderFunnel(data.funnel),
    h(
      'article',
      { class: 'card' },
      h('h2', {}, T.calibrate),
      h('p', { class: 'hint' }, T.calibrateHint),
      h('button', { type: 'button', class: 'button secondary', id: 'calibrate', onclick: (e) => calibrate(e.currentTarget, result) }, `${T.calibrate}…`),
      result,
    ),
  );
}

/** What POST /admin/api/outcomes/calibrate answered (a proposal or a refusal with its reason). */
export function renderCalibration(container, answer, { review }) {
  if (!answer.proposed) {
    fill(container, h('p', { class: 'notice empty', role: 'status', 'data-testid': 'calibration-message' }, answer.error?.message ?? T.refused));
    return;
  }
  const r = answer.report;
  fill(
    container,
    h('p', { class: 'headline', 'data-testid': 'calibration-proposed' }, T.proposed(answer.version)),
    h('p', {}, T.heldOut(fmtNumber(r.test.n), fmtTime(r.test.from), fmtNumber(r.auc.before), fmtNumber(r.auc.after), fmtNumber(r.lift.before.top10), fmtNumber(r.lift.after.top10))),
    h('p', {}, T.improved(r.improved)),
    r.warnings.length ? h('ul', {}, r.warnings.map((w) => h('li', {}, w))) : null,
    h('button', { type: 'button', class: 'button primary', onclick: review }, T.review),
  );
}
