// A bar chart in inline SVG, with a title and description for screen readers and the numbers as a table.
import { fmtNumber } from './dom.js';
import { TEXT } from './texts.js';

const SVG = 'http://www.w3.org/2000/svg';

function svg(tag, attrs = {}, text) {
  const el = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
  if (text !== undefined) el.textContent = text;
  return el;
}

/** buckets: [{ from, to, count }] */
export function drawHistogram(container, buckets, { label, xLabel, yLabel }) {
  const width = 560;
  const height = 260;
  const pad = { left: 48, right: 12, top: 12, bottom: 40 };
  const plotW = width - pad.left - pad.right;
  const plotH = height - pad.top - pad.bottom;
  const max = Math.max(1, ...buckets.map((b) => b.count));
  const step = plotW / Math.max(1, buckets.length);
  const total = buckets.reduce((sum, b) => sum + b.count, 0);

  const root = svg('svg', { viewBox: `0 0 ${width} ${height}`, role: 'img', 'aria-labelledby': 'chart-title chart-desc', 'data-testid': 'score-chart' });
  root.append(svg('title', { id: 'chart-title' }, label));
  root.append(svg('desc', { id: 'chart-desc' }, TEXT.funnel.chartDesc(fmtNumber(total), buckets.map((b) => `${b.from}–${b.to}: ${fmtNumber(b.count)}`).join(', '))));
  for (let i = 0; i <= 4; i += 1) {
    const y = pad.top + plotH - (plotH * i) / 4;
    root.append(svg('line', { class: 'axis', x1: pad.left, x2: width - pad.right, y1: y, y2: y }));
    root.append(svg('text', { x: pad.left - 6, y: y + 4, 'text-anchor': 'end' }, String(Math.round((max * i) / 4))));
  }
  buckets.forEach((b, i) => {
    const h = (plotH * b.count) / max;
    const x = pad.left + i * step + 3;
    const bar = svg('rect', { class: 'bucket', x, y: pad.top + plotH - h, width: Math.max(1, step - 6), height: h, rx: 2 });
    bar.append(svg('title', {}, TEXT.funnel.bucket(b.from, b.to, fmtNumber(b.count))));
    root.append(bar);
    root.append(svg('text', { x: x + (step - 6) / 2, y: height - pad.bottom + 16, 'text-anchor': 'middle' }, String(b.from)));
  });
  root.append(svg('text', { x: pad.left + plotW / 2, y: height - 6, 'text-anchor': 'middle' }, xLabel));
  root.append(svg('text', { x: 12, y: pad.top + plotH / 2, transform: `rotate(-90 12 ${pad.top + plotH / 2})`, 'text-anchor': 'middle' }, yLabel));

  const table = document.createElement('table');
  table.className = 'visually-hidden';
  const caption = table.createCaption();
  caption.textContent = label;
  for (const b of buckets) {
    const row = table.insertRow();
    row.insertCell().textContent = `${b.from}–${b.to}`;
    row.insertCell().textContent = String(b.count);
  }
  container.replaceChildren(root, table);
}
