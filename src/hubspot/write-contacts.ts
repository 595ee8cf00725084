// Batch updates (≤100, docs/hubspot-platform.md §3.5). A batch can fail in part (207 with `errors`) or as a whole (400 for one bad
// input, e.g. an invalid enumeration value or, from 2026-09, a portal validation rule): failed parts are split in
// halves and sent again until each bad contact stands alone, so one bad record never blocks the rest.
import { HubSpotApiError } from '../errors.ts';
import type { ContactWrite, WriteReport } from './portal-client.ts';
import type { PortalRequest } from './request.ts';
import { objectsPath } from './api-paths.ts';
import { batchWriteShape } from './response-shapes.ts';

export const BATCH_SIZE = 100;

interface BatchUpdateResponse {
  results?: Array<{ id: string; updatedAt?: string }>;
  errors?: Array<{ message?: string; category?: string; context?: Record<string, string[]> }>;
}

type Report = WriteReport & { updatedAt: Map<string, string> };

export async function writeContacts(request: PortalRequest, writes: ContactWrite[]): Promise<WriteReport> {
  const report: Report = { written: [], failed: [], updatedAt: new Map() };
  const merged = mergeWrites(writes);
  for (let i = 0; i < merged.length; i += BATCH_SIZE) await writeBatch(request, merged.slice(i, i + BATCH_SIZE), report);
  return report;
}

/** One input per contact (HubSpot rejects duplicate ids in a batch); later writes win per property. */
function mergeWrites(writes: ContactWrite[]): ContactWrite[] {
  const byId = new Map<string, Record<string, string>>();
  for (const w of writes) byId.set(w.contactId, { ...byId.get(w.contactId), ...w.properties });
  return [...byId].filter(([, properties]) => Object.keys(properties).length > 0).map(([contactId, properties]) => ({ contactId, properties }));
}

async function writeBatch(request: PortalRequest, batch: ContactWrite[], report: Report): Promise<void> {
  if (!batch.length) return;
  let response: { status: number; body: BatchUpdateResponse };
  try {
    // POST /crm/objects/2026-03/contacts/batch/update
    response = await request<BatchUpdateResponse>('contacts.batchUpdate', {
      method: 'POST',
      path: objectsPath('contacts', '/batch/update'),
      body: { inputs: batch.map((w) => ({ id: w.contactId, properties: w.properties })) },
      expect: batchWriteShape,
    });
  } catch (error) {
    // A whole-batch refusal blames the input, not the portal: split. Anything else (auth, limits, outages) is thrown.
    if (!(error instanceof HubSpotApiError) || (error.httpStatus !== 400 && error.httpStatus !== 404)) throw error;
    if (batch.length === 1) {
      report.failed.push({ contactId: batch[0]?.contactId ?? '', error: error.message });
      return;
    }
    await splitAndRetry(request, batch, report);
    return;
  }
  const written = new Set((response.body?.results ?? []).map((r) => String(r.id)));
  for (const w of batch) if (written.has(w.contactId)) report.written.push(w.contactId);
  // The contact's lastmodifieddate after this write, on HubSpot's clock: reconciliation compares it with search results.
  for (const r of response.body?.results ?? []) if (typeof r.updatedAt === 'string') report.updatedAt.set(String(r.id), r.updatedAt);
  const blamed = new Map<string, string>();
  for (const e of response.body?.errors ?? []) for (const id of e.context?.ids ?? []) blamed.set(String(id), describeErrors([e]));
  const rest: ContactWrite[] = [];
  for (const w of batch) {
    if (written.has(w.contactId)) continue;
    const reason = blamed.get(w.contactId);
    if (reason !== undefined) report.failed.push({ contactId: w.contactId, error: reason });
    else rest.push(w);
  }
  if (!rest.length) return;
  if (rest.length === 1) {
    report.failed.push({ contactId: rest[0]?.contactId ?? '', error: describeErrors(response.body?.errors) });
    return;
  }
  // 207: errors do not always name their ids, so the remainder is split until each failure is attributed.
  await splitAndRetry(request, rest, report);
}

async function splitAndRetry(request: PortalRequest, batch: ContactWrite[], report: Report): Promise<void> {
  const half = Math.ceil(batch.length / 2);
  await writeBatch(request, batch.slice(0, half), report);
  await writeBatch(request, batch.slice(half), report);
}

function describeErrors(errors: BatchUpdateResponse['errors']): string {
  const messages = (errors ?? []).map((e) => [e.category, e.message].filter(Boolean).join(': ')).filter(Boolean);
  return messages.length ? messages.join('; ') : 'HubSpot did not update this contact and gave no reason';
}
