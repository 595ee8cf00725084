// The rep card's data inside the console (the card itself renders only inside HubSpot), and a few contacts to pick from.
import { Router } from 'express';
import type { AppContext } from '../../app-context.ts';
import { BadRequestError, NotFoundError } from '../../errors.ts';
import { buildCardPayload } from '../card-routes.ts';
import { sessionOf } from './session.ts';

export function createCardPreviewRouter(ctx: AppContext): Router {
  const router = Router();

  router.get('/card-preview', async (req, res) => {
    const { portalId } = sessionOf(res);
    const contactId = typeof req.query.contactId === 'string' ? req.query.contactId.trim() : '';
    if (!/^\d+$/.test(contactId)) throw new BadRequestError('contactId must be a numeric contact id');
    const installation = await ctx.store.getInstallation(portalId);
    if (!installation) throw new NotFoundError(`The app is no longer installed in portal ${portalId}`);
    res.json(await buildCardPayload(ctx, installation, contactId));
  });

  router.get('/contacts', async (req, res) => {
    const { portalId } = sessionOf(res);
    const limit = Math.min(100, Math.max(1, Number(req.query.limit) || 20));
    const snapshots = await ctx.store.listSnapshots(portalId, null, limit);
    res.json({
      contacts: snapshots.map((s) => ({ contactId: s.contactId, priority: s.written.bant_priority ?? null, qualification: s.written.bant_qualification ?? null })),
    });
  });

  return router;
}
