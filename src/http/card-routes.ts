// GET /card/contact: what the rep card (card/BantCard.tsx) shows, answered from the stored snapshot and task records
// without a HubSpot call (hubspot.fetch allows 15 s, docs/hubspot-platform.md §5.2; this answers in milliseconds). The request is
// signed by HubSpot (v3, docs/hubspot-platform.md §1.6) and the portal must have the app installed and active.
import { type Request, type RequestHandler, Router } from 'express';
import type { AppContext } from '../app-context.ts';
import { BadRequestError, CodedError } from '../errors.ts';
import { parseModel, type ScoringModel, score } from '../scoring/index.ts';
import { formatTenths } from '../scoring/format-reason.ts';
import { IN_LEAD_PROCESS, type LeadProcess } from '../scoring/lead-process.ts';
import { KNOWN_LABELS, labelsFromStored } from '../scoring/option-labels.ts';
import { headline } from '../scoring/story.ts';
import { DEFAULT_LANGUAGE, type Language, languageOfLocale } from '../scoring/catalogue.ts';
import { MESSAGES } from '../scoring/messages.ts';
import { CRITERIA, type Criterion, type ScoringResult, type TaskKind } from '../scoring/types.ts';
import { languageOf } from '../store/installation-language.ts';
import type { ContactSnapshot, Installation, PortalId, TaskRecord } from '../store/store.ts';
import { type SignatureVerdict, type SignedRequest, verifySignature } from '../webhooks/verify-signature.ts';
import { createRejectionLog } from './rejection-log.ts';
import type { CardAccount, CardAccountMember, CardCriterion, CardData, CardMeddicCriterion } from '../../card/card-types.ts';
import type { MeddicResult } from '../scoring/assess-meddic.ts';
import { MEDDIC_CRITERIA } from '../scoring/meddic-schema.ts';
import { storedAccount } from '../accounts/rescore-accounts.ts';
import { labelRole } from '../scoring/buying-roles.ts';
import { placeInAccount } from '../scoring/place-in-account.ts';
import type { AccountResult, BuyingCenterMember } from '../scoring/qualify-account.ts';
import { describeChanges } from '../outcomes/score-history.ts';
import { profileOf } from './admin/read-snapshots.ts';

/** Score changes the card lists. */
const RECENT_CHANGES = 5;

export const CARD_PATH = '/card/contact';

const TOP_REASONS = 5;

/** The card's data, one definition shared with the card (card/card-types.ts). */
export type CardPayload = CardData;

export type VerifyCardRequest = (request: SignedRequest, now: number) => SignatureVerdict;

export class CardAccessError extends CodedError {
  constructor(code: 'bad_signature' | 'not_installed' | 'wrong_app', message: string) {
    super(code, message, { status: code === 'bad_signature' ? 401 : 403 });
  }
}

/** One sentence on the outcome, for the rep, told the way the tasks tell it (src/scoring/story.ts). */
export function explainOutcome(result: ScoringResult, leadProcess: LeadProcess = IN_LEAD_PROCESS, language: Language = DEFAULT_LANGUAGE): string {
  return headline({ ...result, engagement: { score: formatTenths(result.engagement.score), tier: result.engagement.tier } }, leadProcess, language);
}

/** The model the contact was scored with (active, an earlier version or the default); else the active one. */
function modelForVersion(installation: Installation, active: ScoringModel, defaultModel: ScoringModel, version: string): ScoringModel {
  if (active.version === version) return active;
  if (defaultModel.version === version) return defaultModel;
  const earlier = installation.modelHistory?.find((h) => h.version === version);
  const parsed = earlier ? parseModel(earlier.model) : undefined;
  return parsed?.ok ? parsed.model : active;
}

export function describeOpenTasks(records: TaskRecord[], nowMs: number, language: Language = DEFAULT_LANGUAGE): Extract<CardPayload, { scored: true }>['openTasks'] {
  const say = MESSAGES.in(language);
  return records
    .filter((r) => r.status === 'open')
    .sort((a, b) => a.dueAt.localeCompare(b.dueAt))
    .map((r) => ({ kind: r.kind, label: say(`card.task.${r.kind as TaskKind}`), dueAt: r.dueAt, overdue: Date.parse(r.dueAt) < nowMs }));
}

function describeCriteria(bant: Pick<ScoringResult['bant'], Criterion>, language: Language): CardCriterion[] {
  const say = MESSAGES.in(language);
  return CRITERIA.map((criterion) => ({
    criterion,
    label: say(`criterion.${criterion}`),
    state: bant[criterion].state,
    evidence: bant[criterion].evidence.map((e) => e.text),
  }));
}

function describeMeddic(meddic: MeddicResult, language: Language): { criteriaMet: number; criteria: CardMeddicCriterion[] } {
  const say = MESSAGES.in(language);
  return {
    criteriaMet: meddic.criteriaMet,
    criteria: MEDDIC_CRITERIA.map((criterion) => ({
      criterion,
      label: say(`meddic.criterion.${criterion}`),
      state: meddic[criterion].state,
      evidence: meddic[criterion].evidence.map((e) => e.text),
    })),
  };
}

function describeMember(m: BuyingCenterMember, language: Language): CardAccountMember {
  const roleLabel = (role: string) => (language === DEFAULT_LANGUAGE ? labelRole(role) : (KNOWN_LABELS[language].get('hs_buying_role')?.get(role) ?? labelRole(role)));
  // Account snapshots stored before members carried names: the line still names them.
  return { name: m.name ?? m.line, jobtitle: m.jobtitle ?? '', roles: m.roles.map(roleLabel) };
}

/** The card's account section: the company's grade, BANT across the buying centre, who decides. */
export function describeAccount(companyId: string, account: AccountResult, inherited: Criterion[], language: Language = DEFAULT_LANGUAGE): CardAccount {
  return {
    companyId,
    grade: account.fit.grade,
    priority: account.priority,
    qualification: account.qualification,
    criteriaMet: account.bant.criteriaMet,
    bant: describeCriteria(account.bant, language),
    deciders: account.buyingCenter.filter((m) => m.canDecide).map((m) => describeMember(m, language)),
    others: account.buyingCenter.filter((m) => !m.canDecide).map((m) => describeMember(m, language)),
    inherited,
    scoredAt: account.scoredAt,
  };
}

export function buildScoredPayload(args: {
  snapshot: ContactSnapshot;
  model: ScoringModel;
  activeVersion: string;
  tasks: TaskRecord[];
  nowMs: number;
  language?: Language;
  /** The contact's stored account (its company id and result), when it has one. */
  account?: { companyId: string; result: AccountResult } | null;
}): Extract<CardPayload, { scored: true }> {
  const { snapshot, model } = args;
  const language = args.language ?? DEFAULT_LANGUAGE;
  // Recomputed at the time it was scored, so the explanation matches the values written to HubSpot; placed in its
  // account as the rescore placed it, so inherited criteria show the colleague they come from.
  const profile = profileOf(snapshot);
  const alone = score(profile, model, snapshot.scoredAt, { labels: labelsFromStored(snapshot.optionLabels), language });
  const placed = args.account ? placeInAccount(alone, profile, snapshot.contactId, args.account.result, model, snapshot.scoredAt, snapshot.answeredAt, language) : null;
  const result = placed ?? alone;
  return {
    scored: true,
    language,
    portalId: snapshot.portalId,
    contactId: snapshot.contactId,
    scoredAt: snapshot.scoredAt,
    modelVersion: snapshot.modelVersion,
    modelCurrent: snapshot.modelVersion === args.activeVersion,
    fit: result.fit,
    engagement: result.engagement,
    priority: result.priority,
    qualification: result.qualification,
    disqualifyReason: result.disqualifyReason,
    lifecycleStage: result.lifecycleStage,
    inLeadProcess: snapshot.leadProcess?.inLeadProcess ?? true,
    why: explainOutcome(result, snapshot.leadProcess, language),
    criteriaMet: result.bant.criteriaMet,
    bant: describeCriteria(result.bant, language),
    framework: model.framework ?? 'bant',
    ...(result.meddic ? { meddic: describeMeddic(result.meddic, language) } : {}),
    // Lead routing's line stays while the rep it named owns the contact (src/routing/).
    reasons: [...result.reasons.slice(0, TOP_REASONS), ...(snapshot.routedTo && snapshot.routedTo.ownerId === snapshot.ownerId ? [{ points: 0, text: snapshot.routedTo.reason }] : [])],
    openTasks: describeOpenTasks(args.tasks, args.nowMs, language),
    ...(args.account && placed ? { account: describeAccount(args.account.companyId, args.account.result, placed.account.inherited, language) } : {}),
  };
}

async function accountOf(ctx: AppContext, snapshot: ContactSnapshot): Promise<{ companyId: string; result: AccountResult } | null> {
  const companyId = snapshot.companyId;
  if (companyId === undefined) return null;
  const result = storedAccount((await ctx.store.getAccountSnapshots(snapshot.portalId, [companyId])).get(companyId));
  return result ? { companyId, result } : null;
}

/**
 * The card's answer for one contact of an installed portal, from the store only, in the viewer's language when the
 * card passed their locale, else in the installation's.
 */
export async function buildCardPayload(ctx: AppContext, installation: Installation, contactId: string, locale?: string): Promise<CardPayload> {
  const { portalId } = installation;
  const language = languageOfLocale(locale) ?? languageOf(installation.settings);
  const [snapshots, tasks, active, history] = await Promise.all([
    ctx.store.getSnapshots(portalId, [contactId]),
    ctx.store.getTaskRecords(portalId, [contactId]),
    ctx.modelFor(portalId),
    ctx.store.getScoreHistory(portalId, [contactId]),
  ]);
  const snapshot = snapshots.get(contactId);
  if (!snapshot) {
    return { scored: false, language, portalId, contactId, message: MESSAGES.in(language)('card.notScored') };
  }
  const model = modelForVersion(installation, active, ctx.defaultModel, snapshot.modelVersion);
  const payload = buildScoredPayload({ snapshot, model, activeVersion: active.version, tasks, nowMs: ctx.now(), language, account: await accountOf(ctx, snapshot) });
  return { ...payload, recentChanges: describeChanges(history.get(contactId) ?? [], RECENT_CHANGES, language) };
}

/** A query value HubSpot may repeat (hubspot.fetch adds its own portalId); every copy must agree. */
function singleValue(req: Request, name: string): string | undefined {
  const raw = req.query[name];
  const values = (Array.isArray(raw) ? raw : raw === undefined ? [] : [raw]).map(String);
  if (values.some((v) => v !== values[0])) throw new BadRequestError(`conflicting values for ${name}`);
  return values[0];
}

function readIds(req: Request): { portalId: PortalId; contactId: string } {
  const portal = singleValue(req, 'portalId');
  const contactId = singleValue(req, 'contactId') ?? singleValue(req, 'associatedObjectId');
  if (!portal || !/^\d+$/.test(portal)) throw new BadRequestError('portalId must be a numeric portal id');
  if (!contactId || !/^\d+$/.test(contactId)) throw new BadRequestError('contactId must be a numeric contact id');
  return { portalId: Number(portal), contactId };
}

function checkSignature(ctx: AppContext, verify: VerifyCardRequest): RequestHandler {
  const rejections = createRejectionLog(ctx.log, ctx.now, 'card request rejected: signature');
  return (req, _res, next) => {
    const verdict = verify(
      {
        method: req.method,
        // HubSpot signs the URL it called: the public base URL, not the one behind a proxy (docs/hubspot-platform.md §8.2).
        url: `${ctx.config.PUBLIC_BASE_URL}${req.originalUrl}`,
        rawBody: Buffer.alloc(0),
        headers: { signatureV3: req.get('x-hubspot-signature-v3'), timestamp: req.get('x-hubspot-request-timestamp') },
      },
      ctx.now(),
    );
    if (!verdict.ok) {
      rejections.record(verdict.failure);
      next(new CardAccessError('bad_signature', verdict.message));
    } else if (verdict.version !== 'v3') {
      rejections.record('not_v3');
      next(new CardAccessError('bad_signature', 'hubspot.fetch requests carry a v3 signature'));
    } else next();
  };
}

export function createCardRouter(ctx: AppContext, options: { verify?: VerifyCardRequest } = {}): Router {
  const secrets = [ctx.config.HUBSPOT_CLIENT_SECRET, ctx.config.HUBSPOT_CLIENT_SECRET_PREVIOUS].filter((s): s is string => !!s);
  const verify = options.verify ?? ((request, now) => verifySignature(request, { secrets, now }));
  const router = Router();
  router.get(CARD_PATH, checkSignature(ctx, verify), async (req, res) => {
    const started = performance.now();
    const { portalId, contactId } = readIds(req);
    const appId = singleValue(req, 'appId');
    if (appId && ctx.config.HUBSPOT_APP_ID && appId !== ctx.config.HUBSPOT_APP_ID) {
      throw new CardAccessError('wrong_app', 'The request was made for another app');
    }
    const installation = await ctx.store.getInstallation(portalId);
    if (installation?.status !== 'active') {
      throw new CardAccessError('not_installed', `The BANT scoring app is not installed (or not active) in portal ${portalId}; ask an admin to reconnect it.`);
    }
    // The card passes the viewing user's locale (context.user.locale); hubspot.fetch signs it with the rest of the URL.
    const locale = singleValue(req, 'locale');
    if (locale !== undefined && (locale.length > 35 || !/^[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{1,8})*$/.test(locale))) throw new BadRequestError('locale must be a BCP 47 tag such as de-DE');
    const payload = await buildCardPayload(ctx, installation, contactId, locale);
    res.set('Cache-Control', 'no-store').json(payload);
    ctx.metrics.observe('bant_card_request_seconds', 'Time to answer the rep card', (performance.now() - started) / 1000, { scored: String(payload.scored) });
  });
  return router;
}
