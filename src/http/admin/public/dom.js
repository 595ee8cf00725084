// Small DOM helpers shared by the console's modules. Every value is set as text or attribute, never as HTML.
import { locale } from './texts.js';

export const $ = (id) => document.getElementById(id);

/** h('p', { class: 'x' }, 'text', child) */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
    else if (k === 'style') Object.assign(el.style, v); // CSSOM, which the page's CSP allows (style attributes it does not)
    else if (k === 'value' && (tag === 'input' || tag === 'textarea')) el.value = String(v);
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  for (const child of children.flat(Number.POSITIVE_INFINITY)) if (child !== null && child !== undefined && child !== false) el.append(child instanceof Node ? child : String(child));
  return el;
}

export const fill = (el, ...children) => el.replaceChildren(...children.flat(Number.POSITIVE_INFINITY).filter((c) => c !== null && c !== undefined && c !== false));
// Numbers and dates in the console's language (en-GB or de-DE).
export const fmtNumber = (n) => (typeof n === 'number' ? n.toLocaleString(locale()) : '–');
export const fmtDecimal = (x, digits) => (x === null || x === undefined ? '–' : x.toLocaleString(locale(), { minimumFractionDigits: digits, maximumFractionDigits: digits }));
export const fmtPercent = (r) => (r === null || r === undefined ? '–' : `${fmtDecimal(r * 100, 1)} %`);
export const fmtTime = (iso) => (iso ? new Date(iso).toLocaleString(locale(), { dateStyle: 'medium', timeStyle: 'short' }) : '–');
export const fmtDate = (iso) => (iso ? new Date(iso).toLocaleDateString(locale(), { dateStyle: 'medium', timeZone: 'UTC' }) : '–');

/** A modal question; resolves true when the admin confirms. */
export function confirmDialog(title, body, okLabel) {
  const dialog = $('confirm');
  fill($('confirm-title'), title);
  fill($('confirm-body'), body);
  $('confirm-ok').textContent = okLabel;
  dialog.returnValue = '';
  dialog.showModal();
  return new Promise((resolve) => {
    dialog.addEventListener('close', () => resolve(dialog.returnValue === 'ok'), { once: true });
  });
}
