// The queue's `account` work: one batch of up to 100 companies of one portal, each qualified as an account once
// however many of its contacts changed (the queue coalesces by company id).
import type { WorkHandler } from '../jobs/queue-worker.ts';
import { rescoreAccounts } from './rescore-accounts.ts';

export const handleAccounts: WorkHandler = async (ctx, portalId, items) => {
  const installation = await ctx.store.getInstallation(portalId);
  if (!installation) return {};
  const client = await ctx.hubspot.forPortal(portalId, installation);
  const callsBefore = client.callCount();
  const summary = await rescoreAccounts(ctx, portalId, items.map((item) => item.key), { installation });
  ctx.metrics.inc('bant_accounts_rescored_total', 'Companies qualified as accounts', { portal: portalId }, summary.companies);
  // One batch of a portal at a time (the worker's default), so the difference is this batch's own calls.
  ctx.metrics.inc('bant_account_api_calls_total', 'HubSpot calls made for account qualification', { portal: portalId }, client.callCount() - callsBefore);
  const byCompany = new Map(items.map((item) => [item.key, item.id]));
  return { failed: summary.failed.map((f) => ({ id: byCompany.get(f.companyId) ?? '', reason: f.error, permanent: true })).filter((f) => f.id !== '') };
};
