// What the rules look at, read once from a profile's HubSpot property strings.
import type { Profile, PropertyBag } from './types.ts';

export interface EmployeeCount {
  value: number;
  source: 'company_property' | 'property';
  name: 'numberofemployees' | 'numemployees';
  raw: string;
}

export interface Facts {
  email: string;
  /** Lower-case domain of the e-mail address, '' when there is none. */
  emailDomain: string;
  companyDomain: string;
  jobtitle: string;
  buyingRoles: string[];
  employees: EmployeeCount | null;
  industry: { value: string; source: 'company_property' | 'property' } | null;
  annualRevenue: { value: number; source: 'company_property' | 'property' } | null;
}

export function readText(bag: PropertyBag | undefined | null, name: string): string {
  // Own properties only, asked first: bags come in thousands of shapes (each contact has its own set of properties),
  // and a plain read of a name a bag lacks is several times slower than this check (bench/score-lines.bench.ts).
  if (bag === undefined || bag === null || !Object.hasOwn(bag, name)) return '';
  const value = bag[name];
  if (typeof value !== 'string') return '';
  // Most values start and end with a printable ASCII character, so there is nothing to trim (and no new string).
  const last = value.length - 1;
  if (last >= 0) {
    const first = value.charCodeAt(0);
    const end = value.charCodeAt(last);
    if (first > 32 && first < 127 && end > 32 && end < 127) return value;
  }
  return value.trim();
}

/** "12000", "12.000", "12,000", "1.5e4" → number; anything else → null. */
export function parseNumber(raw: string): number | null {
  if (raw === '') return null;
  if (!raw.includes('.') && !raw.includes(',')) {
    const plain = Number(raw);
    if (Number.isFinite(plain)) return plain;
  }
  const compact = raw.replace(/\s/g, '');
  if (compact === '') return null;
  if (/^\d{1,3}([.,]\d{3})+$/.test(compact)) return Number(compact.replace(/[.,]/g, ''));
  const n = Number(compact);
  return Number.isFinite(n) ? n : null;
}

/**
 * HubSpot's contact `numemployees` is a range enumeration ("1-5", "25-50", "1000+"): a range counts
 * as its midpoint, an open range as its lower bound. Plain numbers are accepted too.
 */
export function parseEmployeeRange(raw: string): number | null {
  if (raw === '') return null;
  const range = /^(\d[\d.,]*)\s*[-–]\s*(\d[\d.,]*)$/.exec(raw.trim());
  if (range) {
    const lo = parseNumber(range[1]!);
    const hi = parseNumber(range[2]!);
    return lo === null || hi === null ? null : (lo + hi) / 2;
  }
  const open = /^(\d[\d.,]*)\s*\+$/.exec(raw.trim());
  if (open) return parseNumber(open[1]!);
  return parseNumber(raw);
}

export function domainOf(email: string): string {
  const at = email.lastIndexOf('@');
  return at < 0 ? '' : email.slice(at + 1).toLowerCase();
}

/** A bare host from "https://www.example.com/path" or "example.com". */
export function normaliseDomain(raw: string): string {
  if (raw === '') return '';
  const lower = raw.toLowerCase();
  // Most values are already a bare host, which none of stripToHost's replacements would change.
  if (!/[:/?#]/.test(lower) && !lower.startsWith('www.')) return lower;
  return stripToHost(lower);
}

/** A lower-case URL or host without scheme, path, query, fragment and `www.`. */
export function stripToHost(lower: string): string {
  return lower
    .replace(/^[a-z]+:\/\//, '')
    .replace(/[/?#].*$/, '')
    .replace(/^www\./, '');
}

/** True when `domain` is one of `domains` or a subdomain of one. */
export function isInDomains(domain: string, domains: ReadonlySet<string>): boolean {
  if (domain === '') return false;
  let d = domain;
  for (;;) {
    if (domains.has(d)) return true;
    const dot = d.indexOf('.');
    if (dot < 0) return false;
    d = d.slice(dot + 1);
  }
}

/**
 * `isInDomains(domain, domains)` for one set, asking only for the suffixes with as many labels as the set's entries
 * have (a two-label entry is never a one- or three-label suffix): one lookup for most domains instead of one per dot.
 */
export function createDomainMatcher(domains: ReadonlySet<string>): (domain: string) => boolean {
  let fewest = Number.POSITIVE_INFINITY;
  let most = 0;
  for (const entry of domains) {
    const labels = entry.split('.').length;
    if (labels < fewest) fewest = labels;
    if (labels > most) most = labels;
  }
  return (domain) => {
    if (domain === '' || most === 0) return false;
    // From the end: at each dot, the suffix after it has `labels` labels.
    let labels = 1;
    for (let i = domain.length - 1; i >= 0; i--) {
      if (domain.charCodeAt(i) !== 46) continue;
      if (labels >= fewest && domains.has(domain.slice(i + 1))) return true;
      if (++labels > most) return false;
    }
    return labels >= fewest && domains.has(domain);
  };
}

export function readFacts(profile: Profile): Facts {
  const contact = profile.properties;
  const company = profile.company?.properties;
  const email = readText(contact, 'email');

  let employees: EmployeeCount | null = null;
  const companyCount = readText(company, 'numberofemployees');
  const companyValue = parseNumber(companyCount);
  if (companyValue !== null && companyValue > 0) {
    employees = { value: companyValue, source: 'company_property', name: 'numberofemployees', raw: companyCount };
  } else {
    const range = readText(contact, 'numemployees');
    const value = parseEmployeeRange(range);
    if (value !== null && value > 0) employees = { value, source: 'property', name: 'numemployees', raw: range };
  }

  // The contact's own values are only read when the company has none.
  let industry: Facts['industry'] = null;
  const companyIndustry = readText(company, 'industry');
  if (companyIndustry) industry = { value: companyIndustry, source: 'company_property' };
  else {
    const contactIndustry = readText(contact, 'industry');
    if (contactIndustry) industry = { value: contactIndustry, source: 'property' };
  }

  let annualRevenue: Facts['annualRevenue'] = null;
  const companyRevenue = parseNumber(readText(company, 'annualrevenue'));
  if (companyRevenue !== null) annualRevenue = { value: companyRevenue, source: 'company_property' };
  else {
    const contactRevenue = parseNumber(readText(contact, 'annualrevenue'));
    if (contactRevenue !== null) annualRevenue = { value: contactRevenue, source: 'property' };
  }

  const roles = readText(contact, 'hs_buying_role');
  return {
    email,
    emailDomain: domainOf(email),
    companyDomain: normaliseDomain(readText(company, 'domain')),
    jobtitle: readText(contact, 'jobtitle'),
    buyingRoles: roles === '' ? [] : roles.split(';').map((r) => r.trim().toUpperCase()),
    employees,
    industry,
    annualRevenue,
  };
}
