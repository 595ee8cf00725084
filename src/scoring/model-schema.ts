// The scoring model: what an admin can tune, validated before it is ever used.
// config/scoring-model.schema.json is generated from this file (scripts/generate-model-schema.ts).
import { z } from 'zod';
import { frameworkSchema, MEDDIC_CRITERIA, meddicSchema } from './meddic-schema.ts';
import { checkPattern } from './safe-pattern.ts';
import { ACTIVITY_TYPES, CRITERIA, CRITERION_STATES, GRADES, PRIORITIES, type Priority } from './types.ts';

/** Case-insensitive, as every pattern of the model is matched. */
export const PATTERN_FLAGS = 'i';


const description = z.string().optional().describe('For admins: what this block means and where its default comes from, e.g. "Default: position A of the explicit scoring table."');
const pattern = z
  .string()
  .min(1)
  .superRefine((source, ctx) => {
    const problem = checkPattern(source);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  })
  .describe('A regular expression (RE2 syntax: no lookarounds or backreferences), matched case-insensitively.');
const patterns = z.array(pattern);
const domain = z
  .string()
  .regex(/^[a-z0-9-]+(\.[a-z0-9-]+)+$/, 'expected a lower-case domain such as "gmail.com"')
  .describe('An e-mail or web domain; subdomains match too.');
const grade = z.enum(GRADES);
const activityTypes = z.array(z.enum(ACTIVITY_TYPES)).min(1);
const ruleId = z.string().regex(/^[a-z][a-z0-9_]*$/, 'expected snake_case, e.g. "pricing_page"');
const criterionStates = z.array(z.enum(CRITERION_STATES));
const answers = z
  .record(z.string().min(1), z.enum(CRITERION_STATES))
  .describe('Answer-property value → criterion state; an answer that is set decides the criterion.');
const question = z.string().min(1).describe('What the rep asks when the criterion is unknown (shown in qualify tasks), in English.');
/** German wording of a rule's label or a criterion's question, for installations set to German; absent = the English one. */
const inGerman = (what: string) => z.strictObject({ de: z.string().min(1) }).optional().describe(`The ${what} in German (installations set to German).`);
const questions = inGerman('question');
const labels = inGerman('label');
const buyingRoles = z.array(z.string().min(1)).describe('hs_buying_role values (multi-select, e.g. DECISION_MAKER).');

const positionRule = z.strictObject({
  dimension: z.literal('position'),
  grade,
  points: z.number().min(0),
  titlePatterns: patterns.min(1).describe('Matched against the contact’s jobtitle.'),
  excludePatterns: patterns
    .default([])
    .describe('A jobtitle matching one of these does not get this rule (e.g. assistants of leadership); the next rule is tried.'),
  description,
});
const sizeRule = z.strictObject({
  dimension: z.literal('size'),
  grade,
  points: z.number().min(0),
  minEmployees: z.number().int().min(0).describe('Smallest number of employees that reaches this rule.'),
  description,
});
const industryRule = z.strictObject({
  dimension: z.literal('industry'),
  grade,
  points: z.number().min(0),
  industries: z.array(z.string().min(1)).default([]).describe('HubSpot industry values, e.g. MACHINERY (case-insensitive).'),
  patterns: patterns.default([]).describe('Matched against free-text industries, e.g. "Anlagenbau".'),
  description,
});

const engagementRule = z.strictObject({
  id: ruleId,
  label: z.string().min(1).describe('How reasons name the activity, in English, e.g. "webinar registration".'),
  labels,
  activityTypes,
  patterns: patterns.optional().describe('If set, the activity’s url or title must match one of them.'),
  points: z
    .number()
    .refine((p) => p !== 0, { message: 'expected points other than 0' })
    .describe('Points per activity, decayed; negative points take away (e.g. a chat that goes nowhere), fading the same way.'),
  cap: z.number().positive().describe('Most points the rule can add (or, for negative points, take away), however often it fires.'),
  halfLifeDays: z.number().positive().describe('After this many days an activity counts half.'),
  corroboratedBy: z
    .strictObject({
      activityTypes,
      withinHours: z.number().positive(),
      points: z.number().positive(),
    })
    .optional()
    .describe('Points instead of `points` when one of these activities happened within the window.'),
  description,
});

const penalty = z.strictObject({
  id: ruleId,
  label: z.string().min(1),
  labels,
  activityTypes,
  points: z.number().negative(),
  cap: z.number().positive().describe('Most points the penalty can take away.'),
  description,
});

const evidenceWindow = {
  evidenceRules: z.array(ruleId).describe('Engagement rule ids whose activities are evidence (makes the criterion partial).'),
  withinDays: z.number().positive().describe('How recent the evidence must be.'),
};

const criteriaStates = z.strictObject(Object.fromEntries(CRITERIA.map((c) => [c, criterionStates])) as Record<(typeof CRITERIA)[number], typeof criterionStates>);

/**
 * Each threshold strictly above the next, so no grade or tier is left without scores; with `lowest`, the last one
 * above 0 so a score of 0 still reaches it. Checked on the thresholds themselves, so it runs while other parts of the
 * model still have errors (a check on the whole model waits until everything else is valid).
 */
function checkDescending<K extends string>(keys: readonly K[], noun: string, lowest?: string) {
  return (thresholds: Record<K, number>, ctx: z.RefinementCtx) => {
    keys.forEach((key, i) => {
      const next = keys[i + 1];
      if (next !== undefined && !(thresholds[key] > thresholds[next]))
        ctx.addIssue({ code: 'custom', path: [key], message: `${noun} ${key} (${thresholds[key]}) must be above ${noun} ${next} (${thresholds[next]}), or ${noun} ${next} can never be reached` });
    });
    const last = keys.at(-1);
    if (lowest && last !== undefined && !(thresholds[last] > 0))
      ctx.addIssue({ code: 'custom', path: [last], message: `${noun} ${last} (${thresholds[last]}) must be above 0, so a contact that scores 0 is ${noun} ${lowest}` });
  };
}

const priority = z.enum(PRIORITIES as [Priority, ...Priority[]]);

const propertyName = z.string().min(1).describe('A HubSpot property name, e.g. hs_analytics_source or a portal\'s own custom property.');
const propertyTest = z
  .union([
    z.strictObject({ in: z.array(z.string()).min(1).describe('Fires when the value is one of these (case-insensitive; multi-select values match any of their parts).') }),
    z
      .strictObject({
        min: z.number().optional().describe('Lowest value that fires (inclusive).'),
        max: z.number().optional().describe('Values from here up do not fire (exclusive).'),
      })
      .refine((r) => r.min !== undefined || r.max !== undefined, { message: 'a range needs min or max' }),
    z.strictObject({ is: z.boolean().describe('Fires when the property is this boolean ("true"/"false").') }),
    z.strictObject({ known: z.boolean().describe('true: fires when the property has a value; false: when it is empty.') }),
    z.strictObject({ withinDays: z.number().positive().describe('A date property at most this many days before the scoring time.') }),
    z.strictObject({ matches: patterns.min(1).describe('Fires when the value matches one of these patterns.') }),
  ])
  .describe('When the rule fires: exactly one kind of test.');

const signalBase = {
  id: ruleId,
  label: z.string().min(1).describe('How reasons name the rule, in English, e.g. "lead source: referral".'),
  labels,
  points: z.number().describe('Added when the rule fires; negative points take away. In a logistic lead score, log-odds × pointsPerLogOdds.'),
  description,
};
const propertySignal = z.strictObject({
  kind: z.literal('property'),
  object: z.enum(['contact', 'company']).default('contact').describe('Whose property: the contact\'s or its primary company\'s.'),
  property: propertyName,
  test: propertyTest,
  ...signalBase,
});
const activitySignal = z.strictObject({
  kind: z.literal('activity'),
  activityTypes,
  patterns: patterns.optional().describe('If set, the activity\'s url or title must match one of them.'),
  withinDays: z.number().positive().describe('Counts activities at most this many days before the scoring time.'),
  minCount: z.number().int().min(1).default(1).describe('Fires when at least this many activities count, e.g. 3 page views in 7 days.'),
  maxCount: z.number().int().min(1).optional().describe('… and at most this many.'),
  ...signalBase,
});
const fitSignal = z.strictObject({
  kind: z.literal('fit'),
  dimension: z.enum(['position', 'size', 'industry']),
  grade,
  ...signalBase,
});
export const signalRule = z.discriminatedUnion('kind', [propertySignal, activitySignal, fitSignal]);
export type SignalRule = z.infer<typeof signalRule>;
export type PropertyTest = z.infer<typeof propertyTest>;

const leadScore = z
  .discriminatedUnion('method', [
    z.strictObject({
      method: z.literal('points'),
      fitWeight: z.number().min(0).describe('Share of the fit score (0-100) in the lead score.'),
      engagementWeight: z.number().min(0).describe('Share of the engagement score, counted up to engagementFull.'),
      engagementFull: z.number().positive().describe('Engagement at or above this counts as 100.'),
      zeroWhenDisqualified: z.boolean().default(true).describe('A disqualified contact ranks last (0).'),
      description,
    }),
    z.strictObject({
      method: z.literal('logistic'),
      intercept: z.number().describe('Log-odds of conversion when no signal fires.'),
      pointsPerLogOdds: z.number().positive().describe('Signal points per unit of log-odds.'),
      description,
    }),
  ])
  .describe(
    'bant_lead_score (0-100). points: fitWeight × fit + engagementWeight × min(100, 100 × engagement / engagementFull) + signal points, clamped to 0-100. logistic: 100 × sigmoid(intercept + signal points / pointsPerLogOdds), a conversion probability in percent.',
  );
export type LeadScoreSpec = z.infer<typeof leadScore>;

export const DEFAULT_LEAD_SCORE: LeadScoreSpec = {
  method: 'points',
  fitWeight: 0.5,
  engagementWeight: 0.5,
  engagementFull: 100,
  zeroWhenDisqualified: true,
  description: 'Fit and engagement count half each, as the explicit and implicit scoring tables are read together; engagement of 100 or more counts fully; disqualified contacts rank last.',
};

export const modelSchema = z
  .strictObject({
    $schema: z.string().optional(),
    version: z.string().min(1).describe('Written to bant_model_version.'),
    description,
    fit: z
      .strictObject({
        description,
        rules: z
          .array(z.discriminatedUnion('dimension', [positionRule, sizeRule, industryRule]))
          .min(1)
          .describe('Per dimension the first matching rule counts; size rules match the largest minEmployees reached.'),
        freeMail: z.strictObject({ points: z.number().max(0), domains: z.array(domain), description }),
        gradeThresholds: z
          .strictObject({ A: z.number(), B: z.number(), C: z.number() })
          .superRefine(checkDescending(['A', 'B', 'C'], 'grade', 'D'))
          .describe('Lowest fit score of each grade; below C is D.'),
      })
      .describe('Explicit scoring: who the contact is and where they work.'),
    engagement: z
      .strictObject({
        description,
        rules: z.array(engagementRule).min(1).describe('An activity counts for the first rule it matches.'),
        penalties: z.array(penalty).default([]).describe('Penalties never fade, so engagement cannot rise while nothing happens.'),
        tiers: z
          .strictObject({ '1': z.number(), '2': z.number(), '3': z.number() })
          .superRefine(checkDescending(['1', '2', '3'], 'tier'))
          .describe('A score above the value reaches the tier; anything lower is tier 4.'),
      })
      .describe('Implicit scoring: what the contact did, decayed to the scoring time.'),
    bant: z.strictObject({
      description,
      budget: z.strictObject({
        answers,
        question,
        questions,
        minEmployees: z.number().int().positive().optional().describe('A company at least this large makes budget partial.'),
        minAnnualRevenue: z.number().positive().optional().describe('Annual revenue at least this high makes budget partial.'),
        buyingRoles,
        description,
      }),
      authority: z.strictObject({
        answers,
        question,
        questions,
        buyingRoles,
        positionGrades: z.array(grade).describe('A jobtitle of these position grades makes authority partial.'),
        description,
      }),
      need: z.strictObject({ answers, question, questions, ...evidenceWindow, description }),
      timeline: z.strictObject({ answers, question, questions, ...evidenceWindow, description }),
    }),
    disqualification: z.strictObject({
      description,
      competitor: z.strictObject({ domains: z.array(domain), description }),
      student: z.strictObject({ titlePatterns: patterns, formPatterns: patterns.default([]), description }),
      applicant: z.strictObject({ titlePatterns: patterns, formPatterns: patterns.default([]), description }),
      noNeed: z.strictObject({ needAnswers: z.array(z.string().min(1)), description }),
      noFit: z.strictObject({
        minEmployees: z.number().int().min(0).describe('A company known to be smaller is disqualified as no_fit.'),
        description,
      }),
    }),
    qualification: z.strictObject({
      description,
      sqlRequires: criteriaStates.describe('sql when every criterion is in one of its listed states.'),
      notReadyWhen: criteriaStates.describe('nurture when any criterion is in one of its listed states.'),
      sqlMinFitGrade: grade
        .nullable()
        .default(null)
        .describe('Lowest fit grade that may be sql; null (default) lets the BANT answers alone decide (seed 000: Bedarf und Budget vorhanden).'),
    }),
    signals: z
      .strictObject({ description, rules: z.array(signalRule).default([]) })
      .default({ rules: [] })
      .describe('Rules on any contact or company property, counts of activities in a window, or fit grades; their points go into the lead score and its reasons.'),
    leadScore: leadScore.default(DEFAULT_LEAD_SCORE),
    mqlCells: z.array(priority).default(['A1', 'A2', 'B1', 'B2']).describe('Priority cells (grade × tier) that are mql.'),
    tasks: z.strictObject({
      description,
      callSlaHours: z.number().positive().default(1).describe('call_sql is due this many hours after the contact became sql.'),
      qualifyDueDays: z.number().positive().default(2),
      followUpDays: z.number().positive().default(180).describe('Delay of the nurture follow_up task.'),
      escalationGraceHours: z.number().min(0).default(4),
      escalationOwnerId: z.string().min(1).nullable().default(null),
      dailyBudgetPerRep: z.number().int().positive().default(25).describe('Most tasks the app creates per owner and day.'),
    }),
    accounts: z
      .strictObject({
        description,
        inherit: z
          .array(z.enum(CRITERIA))
          .default(['budget', 'timeline'])
          .describe('Criteria a contact takes from its account (the company decides budget and timeline); the others stay personal.'),
        contactEngagementCap: z
          .number()
          .positive()
          .optional()
          .describe('Most decayed engagement one contact adds to its account; default: the tier 1 threshold, so one busy contact alone never makes a hot (tier 1) account.'),
      })
      .optional()
      .describe('Account qualification: the company as the buyer, with its buying centre (seed 004).'),
    framework: frameworkSchema,
    meddic: meddicSchema.optional(),
  })
  .superRefine(checkReferences);

export type ScoringModel = z.infer<typeof modelSchema>;
export type ModelIssue = { path: string; message: string };

type RawModel = z.infer<typeof modelSchema>;

function checkReferences(model: RawModel, ctx: z.RefinementCtx): void {
  if (model.framework === 'meddic' && !model.meddic) ctx.addIssue({ code: 'custom', path: ['meddic'], message: 'framework "meddic" needs the meddic block' });
  const ids = new Set<string>();
  model.engagement.rules.forEach((rule, i) => {
    if (rule.points < 0 && rule.corroboratedBy)
      ctx.addIssue({ code: 'custom', path: ['engagement', 'rules', i, 'corroboratedBy'], message: 'a rule with negative points cannot be corroborated' });
    if (ids.has(rule.id)) ctx.addIssue({ code: 'custom', path: ['engagement', 'rules', i, 'id'], message: `duplicate rule id "${rule.id}"` });
    ids.add(rule.id);
  });
  for (const criterion of ['need', 'timeline'] as const) {
    model.bant[criterion].evidenceRules.forEach((id, i) => {
      if (!ids.has(id))
        ctx.addIssue({ code: 'custom', path: ['bant', criterion, 'evidenceRules', i], message: `no engagement rule has id "${id}"` });
    });
  }
  if (model.meddic) {
    for (const criterion of MEDDIC_CRITERIA) {
      model.meddic[criterion].evidenceRules.forEach((id, i) => {
        if (!ids.has(id)) ctx.addIssue({ code: 'custom', path: ['meddic', criterion, 'evidenceRules', i], message: `no engagement rule has id "${id}"` });
      });
    }
  }
  const signalIds = new Set<string>();
  model.signals.rules.forEach((rule, i) => {
    if (signalIds.has(rule.id)) ctx.addIssue({ code: 'custom', path: ['signals', 'rules', i, 'id'], message: `duplicate signal id "${rule.id}"` });
    signalIds.add(rule.id);
    if (rule.kind === 'activity' && rule.maxCount !== undefined && rule.maxCount < rule.minCount)
      ctx.addIssue({ code: 'custom', path: ['signals', 'rules', i, 'maxCount'], message: 'expected maxCount ≥ minCount' });
  });
}

/** The id of an array element that has one (engagement rules, penalties), so paths survive reordering. */
function idAt(node: unknown, index: number): string | null {
  const element = Array.isArray(node) ? node[index] : undefined;
  const id = element && typeof element === 'object' && Object.hasOwn(element, 'id') ? (element as { id: unknown }).id : undefined;
  if (typeof id !== 'string' || !/^[a-z][a-z0-9_]*$/.test(id)) return null;
  const same = (node as unknown[]).filter((e) => e && typeof e === 'object' && Object.hasOwn(e, 'id') && (e as { id: unknown }).id === id);
  return same.length === 1 ? id : null;
}

/** `['engagement', 'rules', 3, 'points']` → `engagement.rules[pricing_page].points` (given the model), else `engagement.rules[3].points` */
export function formatPath(path: ReadonlyArray<PropertyKey>, root?: unknown): string {
  let out = '';
  let node = root;
  for (const key of path) {
    const id = typeof key === 'number' ? idAt(node, key) : null;
    node = node && typeof node === 'object' && Object.hasOwn(node, key) ? (node as Record<PropertyKey, unknown>)[key] : undefined;
    if (typeof key === 'number') out += `[${id ?? key}]`;
    else if (typeof key === 'string' && /^[\w$]+$/.test(key)) out += out === '' ? key : `.${key}`;
    else out += `[${JSON.stringify(String(key))}]`;
  }
  return out;
}

export function formatIssues(error: z.ZodError, root?: unknown): ModelIssue[] {
  return error.issues.map((issue) => ({ path: formatPath(issue.path, root), message: issue.message }));
}

export function parseModel(json: unknown): { ok: true; model: ScoringModel } | { ok: false; issues: ModelIssue[] } {
  const parsed = modelSchema.safeParse(json);
  return parsed.success ? { ok: true, model: parsed.data } : { ok: false, issues: formatIssues(parsed.error, json) };
}
