// The accuracy page: how well the active model ranked the contacts that were won or lost (AUC, lift, conversion per
// matrix cell, calibration), the funnel MQL → SQL → won by cohort, the sales cycle and why deals were lost; and a
// calibrated model proposed as the draft, to be reviewed in the what-if and versions flow.
import { fill, fmtNumber, fmtPercent, fmtTime, h } from './dom.js';

/** Every word the page shows, in one place for translation. */
export const ACCURACY_TEXT = {
  outcomes: (o) => `${fmtNumber(o.won)} won and ${fmtNumber(o.lost)} lost contacts${o.period ? ` from ${fmtTime(o.period.from)} to ${fmtTime(o.period.to)}` : ''}.`,
  withoutFeatures: (n) => (n === 1 ? '1 outcome belongs to a contact the app never scored and is left out.' : `${fmtNumber(n)} outcomes belong to contacts the app never scored and are left out.`),
  firstSight: (n) => `${fmtNumber(n)} of them ${n === 1 ? 'was' : 'were'} scored only when the outcome was found (no score from before it), so they flatter the model a little.`,
  model: (v) => `Active model ${v}, scored as each contact was before its outcome.`,
  auc: 'AUC',
  aucSub: (auc) => (auc === null ? 'needs both won and lost' : auc >= 0.7 ? 'ranks well (0.5 is chance, 1 perfect)' : auc > 0.55 ? 'ranks somewhat (0.5 is chance, 1 perfect)' : 'ranks no better than chance (0.5)'),
  lift10: 'Lift, top 10 %',
  lift20: 'Lift, top 20 %',
  liftSub: 'won rate among the highest scored, against the average',
  heatmap: 'Conversion per matrix cell',
  heatmapHint: 'Share won of the contacts with an outcome, per priority (fit grade × engagement tier) as scored before the outcome.',
  heatmapCaption: 'Won share per priority cell; rows fit grade, columns engagement tier',
  grade: (g) => `Grade ${g}`,
  tier: (t) => `Tier ${t}`,
  cell: (c) => (c ? `${fmtPercent(c.rate)} of ${fmtNumber(c.n)}` : 'no outcomes'),
  calibration: 'Calibration',
  calibrationHint: 'Lead score as a probability against the share won, per tenth of the contacts by score (lowest first). Meaningful as probabilities for calibrated (logistic) models.',
  decile: 'Tenth',
  contacts: 'Contacts',
  predicted: 'Predicted',
  observed: 'Observed won',
  byOutcome: 'Conversion per outcome as scored',
  outcomeName: { sql: 'SQL', mql: 'MQL', nurture: 'Nurture', disqualified: 'Disqualified' },
  funnel: 'Funnel: MQL → SQL → won',
  funnelHint: 'By the month contacts first became MQL (bant_became_mql_at); won from deals, sales feedback and the customer stage.',
  cohort: 'Cohort',
  mql: 'MQL',
  sql: 'SQL',
  won: 'Won',
  total: 'All',
  noCohorts: 'No contact has become MQL under the app yet.',
  cycle: 'Sales cycle',
  cycleText: (c) => (c.n ? `${fmtNumber(c.n)} won after SQL: median ${c.median} days, mean ${c.mean} days, 90 % within ${c.p90} days (from becoming SQL to won).` : 'No contact has been won after becoming SQL yet.'),
  lost: 'Why deals were lost',
  byCriterion: 'By BANT criterion',
  byCompetitor: 'By competitor',
  unspecified: (n) => `${fmtNumber(n)} losses from sales feedback name no reason.`,
  noneNamed: 'None named.',
  calibrate: 'Propose a calibrated model',
  calibrateHint: 'Fits the points to your won and lost contacts (the most recent fifth held out to check it) and saves the result as the draft, replacing the draft you have. Nothing changes in HubSpot until you activate it.',
  calibrating: 'Calibrating on your outcomes…',
  proposed: (v) => `Proposed ${v} as the draft.`,
  heldOut: (r) => `On the held-out ${fmtNumber(r.test.n)} outcomes (from ${fmtTime(r.test.from)}): AUC ${r.auc.before ?? '–'} → ${r.auc.after ?? '–'}, lift top 10 % ${r.lift.before.top10 ?? '–'} → ${r.lift.after.top10 ?? '–'}.`,
  improved: (yes) => (yes ? 'It ranks the held-out contacts better than the active model.' : 'It does not rank the held-out contacts better than the active model; keep the active one unless you have another reason.'),
  review: 'Review it in the model editor',
  reviewNote: 'The calibrated model is the draft: try it with "What if?" before you activate it.',
  loading: 'Scoring your won and lost contacts with the active model…',
};

const T = ACCURACY_TEXT;
const GRADES = ['A', 'B', 'C', 'D'];
const TIERS = ['1', '2', '3', '4'];

const kpi = (label, value, sub, testid) => h('div', { class: 'kpi', 'data-testid': testid }, h('div', { class: 'label' }, label), h('div', { class: 'value' }, value), h('div', { class: 'sub' }, sub));
const num = (x, digits = 2) => (x === null || x === undefined ? '–' : x.toFixed(digits));

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
            return h('td', { 'data-cell': key, class: c ? 'cell' : 'cell none', style }, h('strong', {}, key), h('div', {}, T.cell(c)));
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
            [[T.cohort], [T.mql, 'num'], [T.sql, 'num'], [T.won, 'num'], ['MQL → SQL', 'num'], ['SQL → won', 'num'], ['MQL → won', 'num']],
            [...f.cohorts.map((c) => row(c.cohort, c)), row(T.total, f.total)],
            'cohorts',
          )
        : h('p', { class: 'empty' }, T.noCohorts),
      h('h3', {}, T.cycle),
      h('p', { 'data-testid': 'sales-cycle' }, T.cycleText(f.salesCycleDays)),
    ),
    h(
      'article',
      { class: 'card', 'data-testid': 'lost-reasons' },
      h('h2', {}, T.lost),
      h('h3', {}, T.byCriterion),
      barList(f.lostReasons.byCriterion),
      h('h3', {}, T.byCompetitor),
      barList(f.lostReasons.byCompetitor),
      f.lostReasons.unspecified ? h('p', { class: 'hint' }, T.unspecified(f.lostReasons.unspecified)) : null,
    ),
  );
}

/** data: the answer of GET /admin/api/outcomes/evaluate. */
export function renderAccuracy(container, data, { calibrate }) {
  const o = data.outcomes;
  const result = h('div', { id: 'calibration-result', 'aria-live': 'polite' });
  fill(
    container,
    data.sources.note ? h('p', { class: 'pill warn notice', role: 'status', 'data-testid': 'deal-scope' }, data.sources.note) : null,
    h('p', { 'data-testid': 'accuracy-outcomes' }, T.outcomes(o), ' ', T.model(data.model.version)),
    o.withoutFeatures ? h('p', { class: 'hint' }, T.withoutFeatures(o.withoutFeatures)) : null,
    o.firstSight ? h('p', { class: 'hint' }, T.firstSight(o.firstSight)) : null,
    data.evaluation ? renderEvaluation(data.evaluation) : h('p', { class: 'notice empty', role: 'status', 'data-testid': 'accuracy-message' }, data.message),
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
    fill(container, h('p', { class: 'notice empty', role: 'status', 'data-testid': 'calibration-message' }, answer.error?.message ?? 'The calibration was refused.'));
    return;
  }
  const r = answer.report;
  fill(
    container,
    h('p', { class: 'headline', 'data-testid': 'calibration-proposed' }, T.proposed(answer.version)),
    h('p', {}, T.heldOut(r)),
    h('p', {}, T.improved(r.improved)),
    r.warnings.length ? h('ul', {}, r.warnings.map((w) => h('li', {}, w))) : null,
    h('button', { type: 'button', class: 'button primary', onclick: review }, T.review),
  );
}
