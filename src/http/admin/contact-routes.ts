// Finding a stored contact by name, e-mail or id for the console. Only scored contacts are stored, so "not found"
// means "not among the scored contacts": the answer says so rather than guessing whether HubSpot has it.
import { Router } from 'express';
import type { AppContext } from '../../app-context.ts';
import { BadRequestError } from '../../errors.ts';
import { describeContact } from './describe-contact.ts';
import { forEachSnapshot } from './read-snapshots.ts';
import { sessionOf } from './session.ts';

/** Contacts looked at per search; a larger portal is searched in its first ones only (and the answer says so). */
export const SEARCH_LIMIT = 100_000;
const RESULTS = 20;
const MAX_QUERY = 200;

const fold = (value: string) => value.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase();

export function createContactRouter(ctx: AppContext): Router {
  const router = Router();

  router.get('/contacts/search', async (req, res) => {
    const { portalId } = sessionOf(res);
    const raw = typeof req.query.q === 'string' ? req.query.q.trim() : '';
    if (raw === '') throw new BadRequestError('Type a name, an e-mail address or a contact id');
    if (raw.length > MAX_QUERY) throw new BadRequestError(`The search is longer than ${MAX_QUERY} characters`);
    const query = fold(raw);
    const words = query.split(/\s+/);
    const exact: ReturnType<typeof describeContact>[] = [];
    const partial: ReturnType<typeof describeContact>[] = [];
    let matches = 0;
    const searched = await forEachSnapshot(
      ctx.store,
      portalId,
      (snapshot) => {
        const p = snapshot.properties;
        const name = fold([p.firstname, p.lastname].filter(Boolean).join(' '));
        const email = fold(p.email ?? '');
        const isExact = snapshot.contactId === raw || email === query || name === query;
        if (!isExact && !words.every((w) => name.includes(w) || email.includes(w))) return;
        matches += 1;
        const list = isExact ? exact : partial;
        if (list.length < RESULTS) list.push(describeContact(snapshot, ctx.config.HUBSPOT_AUTH_BASE_URL));
      },
      { limit: SEARCH_LIMIT },
    );
    const total = await ctx.store.countSnapshots(portalId);
    const contacts = [...exact, ...partial].slice(0, RESULTS);
    const snapshots = await ctx.store.getSnapshots(portalId, contacts.map((c) => c.contactId));
    res.json({
      query: raw,
      matches,
      searched,
      total,
      limited: searched < total,
      contacts: contacts.map((c) => {
        const w = snapshots.get(c.contactId)?.written ?? {};
        return { ...c, qualification: w.bant_qualification ?? null, priority: w.bant_priority ?? null, scoredAt: snapshots.get(c.contactId)?.scoredAt ?? null };
      }),
      message: matches
        ? null
        : /^\d+$/.test(raw)
          ? `Contact ${raw} is not among the ${total} scored contacts: it does not exist in HubSpot, or the app has not scored it yet.`
          : `No scored contact matches "${raw}" (searched ${searched} of ${total} contacts by name and e-mail).`,
    });
  });

  return router;
}
