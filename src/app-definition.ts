// app.json, validated: the single source for the install URL's scopes, the webhook subscriptions the intake expects,
// the card and the generated HubSpot developer project (src/project/). Paths in it are relative to PUBLIC_BASE_URL.
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { ModelValidationError } from './errors.ts';

const path = z.string().regex(/^\/[A-Za-z0-9/_-]*$/, 'expected a path starting with "/", e.g. /oauth/callback');
const uid = z.string().regex(/^[a-z0-9_-]{1,64}$/, 'expected lowercase letters, digits, "_" or "-"');
const scope = z.string().regex(/^[a-z0-9._-]+$/i, 'expected a HubSpot scope name, e.g. crm.objects.contacts.read');

/** Classic contact and company events (docs/hubspot-platform.md §1.2); propertyChange needs `propertyName`. */
const legacySubscription = z
  .object({
    subscriptionType: z.enum([
      'contact.creation',
      'contact.deletion',
      'contact.merge',
      'contact.restore',
      'contact.associationChange',
      'contact.propertyChange',
      'company.propertyChange',
      'deal.creation',
      'deal.propertyChange',
    ]),
    propertyName: z.string().min(1).optional(),
    active: z.boolean(),
  })
  .strict()
  .refine((s) => s.subscriptionType.endsWith('.propertyChange') === (s.propertyName !== undefined), {
    message: 'propertyName is required for contact.propertyChange, company.propertyChange and deal.propertyChange and allowed only there',
  });

/** Generic `object.*` subscriptions; `objectTypeId` (docs/hubspot-platform.md §1.2 ids) is ours, for the intake, and not sent to HubSpot. */
const crmObjectSubscription = z
  .object({
    subscriptionType: z.enum(['object.creation', 'object.deletion', 'object.propertyChange', 'object.associationChange']),
    objectType: z.string().min(1),
    objectTypeId: z.string().regex(/^\d+-\d+$/, 'expected an object type id such as 0-48'),
    propertyName: z.string().min(1).optional(),
    active: z.boolean(),
  })
  .strict();

const hubEventSubscription = z.object({ subscriptionType: z.literal('contact.privacyDeletion'), active: z.boolean() }).strict();

const card = z
  .object({
    uid,
    name: z.string().min(1),
    description: z.string().min(1),
    location: z.enum(['crm.record.tab', 'crm.record.sidebar', 'crm.preview']),
    objectTypes: z.array(z.string().min(1)).min(1),
    /** File name under card/; copied to src/app/cards/ of the generated project. */
    entrypoint: z.string().regex(/^[A-Za-z0-9_-]+\.tsx$/, 'expected a .tsx file name under card/'),
    /** The app's backend route the card calls with hubspot.fetch. */
    fetchPath: path,
  })
  .strict();

const appDefinitionSchema = z
  .object({
    $comment: z.string().optional(),
    uid,
    name: z.string().min(1).max(200),
    description: z.string().min(1),
    distribution: z.enum(['marketplace', 'private']),
    auth: z
      .object({
        type: z.enum(['oauth', 'static']),
        redirectPath: path,
        requiredScopes: z.array(scope).min(1),
        optionalScopes: z.array(scope),
        conditionallyRequiredScopes: z.array(scope),
      })
      .strict()
      .refine((a) => a.type !== 'oauth' || a.requiredScopes.includes('oauth'), {
        message: 'OAuth apps must require the "oauth" scope (docs/hubspot-platform.md §2.1)',
        path: ['requiredScopes'],
      })
      .refine((a) => !a.optionalScopes.some((s) => a.requiredScopes.includes(s)), {
        message: 'a scope cannot be both required and optional',
        path: ['optionalScopes'],
      }),
    webhooks: z
      .object({
        uid,
        targetPath: path,
        maxConcurrentRequests: z.number().int().min(6, 'HubSpot requires more than five'),
        subscriptions: z
          .object({
            crmObjects: z.array(crmObjectSubscription),
            legacyCrmObjects: z.array(legacySubscription),
            hubEvents: z.array(hubEventSubscription),
          })
          .strict(),
      })
      .strict(),
    cards: z.array(card),
    support: z
      .object({
        supportEmail: z.email(),
        documentationUrl: z.url(),
        supportUrl: z.url(),
        supportPhone: z.string().min(1),
      })
      .strict(),
  })
  .strict();

export type AppDefinition = z.infer<typeof appDefinitionSchema>;
export type CardDefinition = AppDefinition['cards'][number];
export type WebhookSubscriptions = AppDefinition['webhooks']['subscriptions'];

export const APP_JSON_URL = new URL('../app.json', import.meta.url);

/** Parses app.json content; throws with every problem and its path. */
export function parseAppDefinition(json: unknown): AppDefinition {
  const parsed = appDefinitionSchema.safeParse(json);
  if (!parsed.success) {
    throw new ModelValidationError(
      parsed.error.issues.map((issue) => ({ path: issue.path.map(String).join('.'), message: issue.message })),
      'app.json',
    );
  }
  return parsed.data;
}

export function loadAppDefinition(file: URL | string = APP_JSON_URL): AppDefinition {
  return parseAppDefinition(JSON.parse(readFileSync(file, 'utf8')));
}

/** The contact properties a `contact.propertyChange` subscription covers. */
export function subscribedContactProperties(definition: AppDefinition): string[] {
  return subscribedProperties(definition, 'contact.propertyChange');
}

/** The company properties a `company.propertyChange` subscription covers (firmographics of the contacts' companies). */
export function subscribedCompanyProperties(definition: AppDefinition): string[] {
  return subscribedProperties(definition, 'company.propertyChange');
}

function subscribedProperties(definition: AppDefinition, type: 'contact.propertyChange' | 'company.propertyChange'): string[] {
  return definition.webhooks.subscriptions.legacyCrmObjects.flatMap((s) => (s.subscriptionType === type && s.propertyName && s.active ? [s.propertyName] : []));
}

/** Object type id (e.g. `0-48`) → the object type the subscription names, for `object.creation` events. */
export function subscribedObjectCreations(definition: AppDefinition): Map<string, string> {
  return new Map(
    definition.webhooks.subscriptions.crmObjects.filter((s) => s.subscriptionType === 'object.creation' && s.active).map((s) => [s.objectTypeId, s.objectType]),
  );
}

export const appDefinition: AppDefinition = loadAppDefinition();
export const requiredScopes: readonly string[] = appDefinition.auth.requiredScopes;
export const optionalScopes: readonly string[] = appDefinition.auth.optionalScopes;
export const webhookSubscriptions: WebhookSubscriptions = appDefinition.webhooks.subscriptions;
export const redirectPath: string = appDefinition.auth.redirectPath;
export const webhookTargetPath: string = appDefinition.webhooks.targetPath;

/** The scopes for the install URL, in the shape `buildInstallUrl` (src/hubspot/oauth.ts) takes. */
export function installScopes(definition: AppDefinition = appDefinition): { required: string[]; optional: string[] } {
  return { required: [...definition.auth.requiredScopes], optional: [...definition.auth.optionalScopes] };
}
