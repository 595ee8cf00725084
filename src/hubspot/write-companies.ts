// Companies for account qualification (docs/contract.md section 3a): batch read (≤100, docs/hubspot-platform.md §3.5) of the
// firmographics the model reads plus the app's current account values, and batch update of only the changed values.
// A whole-batch refusal (400) is split in halves until the bad company stands alone, as for contacts.
import { HubSpotApiError } from '../errors.ts';
import type { PropertyBag } from '../scoring/types.ts';
import { objectsPath } from './api-paths.ts';
import { COMPANY_OUTPUT_NAMES } from './company-properties.ts';
import { batchRead } from './read-contacts.ts';
import type { PortalRequest } from './request.ts';
import { batchWriteShape } from './response-shapes.ts';

export const COMPANY_BATCH = 100;

export interface CompanyRecord {
  companyId: string;
  /** The firmographics and name (what the model reads). */
  properties: PropertyBag;
  ownerId: string | null;
  /** HubSpot's current values of the app's account properties. */
  current: Record<string, string | null>;
}

export interface CompanyWrite {
  companyId: string;
  properties: Record<string, string>;
}

export interface CompanyWriteReport {
  written: string[];
  /** HubSpot's `updatedAt` per written company (its hs_lastmodifieddate after the write), when the response names it. */
  updatedAt: Map<string, string>;
  failed: Array<{ companyId: string; error: string }>;
}

/** Ids HubSpot no longer has are absent. */
export async function readCompanies(request: PortalRequest, companyIds: string[], modelProperties: string[]): Promise<Map<string, CompanyRecord>> {
  const names = [...new Set(['name', 'domain', 'hubspot_owner_id', ...modelProperties, ...COMPANY_OUTPUT_NAMES])];
  const read = await batchRead(request, 'companies', [...new Set(companyIds)], names);
  const out = new Map<string, CompanyRecord>();
  for (const [companyId, { properties }] of read) {
    const current: Record<string, string | null> = {};
    for (const name of COMPANY_OUTPUT_NAMES) current[name] = Object.hasOwn(properties, name) ? (properties[name] ?? null) : null;
    const firmographics: PropertyBag = {};
    for (const [name, value] of Object.entries(properties)) if (name !== '__proto__' && !COMPANY_OUTPUT_NAMES.includes(name)) firmographics[name] = value;
    out.set(companyId, { companyId, properties: firmographics, ownerId: properties.hubspot_owner_id || null, current });
  }
  return out;
}

/** The values of `wanted` that differ from `current`: a value is written only when it changes. */
export function planCompanyWrite(wanted: Readonly<Record<string, string | undefined>>, current: Readonly<Record<string, string | null>>): Record<string, string> {
  const changes: Record<string, string> = {};
  for (const [name, value] of Object.entries(wanted)) {
    if (value === undefined) continue;
    const now = Object.hasOwn(current, name) ? current[name] : null;
    if ((now ?? '') !== value) changes[name] = value;
  }
  return changes;
}

export async function writeCompanies(request: PortalRequest, writes: CompanyWrite[]): Promise<CompanyWriteReport> {
  const report: CompanyWriteReport = { written: [], updatedAt: new Map(), failed: [] };
  const pending = writes.filter((w) => Object.keys(w.properties).length > 0);
  for (let i = 0; i < pending.length; i += COMPANY_BATCH) await writeBatch(request, pending.slice(i, i + COMPANY_BATCH), report);
  return report;
}

interface BatchUpdateResponse {
  results?: Array<{ id: string; updatedAt?: string }>;
  errors?: Array<{ message?: string; category?: string; context?: Record<string, string[]> }>;
}

async function writeBatch(request: PortalRequest, batch: CompanyWrite[], report: CompanyWriteReport): Promise<void> {
  if (!batch.length) return;
  let body: BatchUpdateResponse | undefined;
  try {
    // POST /crm/objects/2026-03/companies/batch/update
    const response = await request<BatchUpdateResponse>('companies.batchUpdate', {
      method: 'POST',
      path: objectsPath('companies', '/batch/update'),
      body: { inputs: batch.map((w) => ({ id: w.companyId, properties: w.properties })) },
      expect: batchWriteShape,
    });
    body = response.body;
  } catch (error) {
    if (!(error instanceof HubSpotApiError) || (error.httpStatus !== 400 && error.httpStatus !== 404)) throw error;
    if (batch.length === 1) {
      report.failed.push({ companyId: batch[0]!.companyId, error: error.message });
      return;
    }
    const half = Math.ceil(batch.length / 2);
    await writeBatch(request, batch.slice(0, half), report);
    await writeBatch(request, batch.slice(half), report);
    return;
  }
  const written = new Set((body?.results ?? []).map((r) => String(r.id)));
  for (const r of body?.results ?? []) if (typeof r.updatedAt === 'string') report.updatedAt.set(String(r.id), r.updatedAt);
  const reason = (body?.errors ?? []).map((e) => [e.category, e.message].filter(Boolean).join(': ')).join('; ') || 'HubSpot did not update this company and gave no reason';
  for (const w of batch) {
    if (written.has(w.companyId)) report.written.push(w.companyId);
    else report.failed.push({ companyId: w.companyId, error: reason });
  }
}
