// HubSpot's object types, default property definitions, association types and scopes, as the stand-in holds them.
// Sources: docs/hubspot-platform.md §1.2 (object type ids), §4.3 (association type ids), §4.4 (engagement
// properties), §4.6 (contact properties). Option lists are HubSpot's portal defaults.

export const OBJECT_TYPES = ['contacts', 'companies', 'deals', 'calls', 'meetings', 'emails', 'notes', 'tasks', 'leads'] as const;
export type ObjectType = (typeof OBJECT_TYPES)[number];
export const ENGAGEMENT_TYPES = ['calls', 'meetings', 'emails', 'notes', 'tasks'] as const;
export type EngagementType = (typeof ENGAGEMENT_TYPES)[number];

export const OBJECT_TYPE_IDS: Record<ObjectType, string> = {
  contacts: '0-1',
  companies: '0-2',
  deals: '0-3',
  tasks: '0-27',
  notes: '0-46',
  meetings: '0-47',
  calls: '0-48',
  emails: '0-49',
  leads: '0-136',
};

const ALIASES: Record<string, ObjectType> = {
  contact: 'contacts',
  company: 'companies',
  deal: 'deals',
  call: 'calls',
  meeting: 'meetings',
  meeting_event: 'meetings',
  email: 'emails',
  note: 'notes',
  task: 'tasks',
  lead: 'leads',
};

/** `contacts`, `contact`, `0-1` → `contacts`; undefined when the stand-in does not hold the type. */
export function normaliseObjectType(raw: string): ObjectType | undefined {
  const lower = raw.toLowerCase();
  if ((OBJECT_TYPES as readonly string[]).includes(lower)) return lower as ObjectType;
  const alias = ALIASES[lower];
  if (alias) return alias;
  for (const t of OBJECT_TYPES) if (OBJECT_TYPE_IDS[t] === raw) return t;
  return undefined;
}

/** Singular upper-case names used in classic association webhooks (`CONTACT_TO_COMPANY`). */
export const SINGULAR_UPPER: Record<ObjectType, string> = {
  contacts: 'CONTACT',
  companies: 'COMPANY',
  deals: 'DEAL',
  calls: 'CALL',
  meetings: 'MEETING',
  emails: 'EMAIL',
  notes: 'NOTE',
  tasks: 'TASK',
  leads: 'LEAD',
};

/** HUBSPOT_DEFINED association type ids (docs/hubspot-platform.md §4.3). */
export const ASSOCIATION_TYPES: Record<number, { from: ObjectType; to: ObjectType; label: string | null }> = {
  1: { from: 'contacts', to: 'companies', label: 'Primary' },
  2: { from: 'companies', to: 'contacts', label: 'Primary' },
  279: { from: 'contacts', to: 'companies', label: null },
  280: { from: 'companies', to: 'contacts', label: null },
  3: { from: 'deals', to: 'contacts', label: null },
  4: { from: 'contacts', to: 'deals', label: null },
  5: { from: 'deals', to: 'companies', label: 'Primary' },
  6: { from: 'companies', to: 'deals', label: 'Primary' },
  341: { from: 'deals', to: 'companies', label: null },
  342: { from: 'companies', to: 'deals', label: null },
  193: { from: 'contacts', to: 'calls', label: null },
  194: { from: 'calls', to: 'contacts', label: null },
  197: { from: 'contacts', to: 'emails', label: null },
  198: { from: 'emails', to: 'contacts', label: null },
  199: { from: 'contacts', to: 'meetings', label: null },
  200: { from: 'meetings', to: 'contacts', label: null },
  201: { from: 'contacts', to: 'notes', label: null },
  202: { from: 'notes', to: 'contacts', label: null },
  203: { from: 'contacts', to: 'tasks', label: null },
  204: { from: 'tasks', to: 'contacts', label: null },
  181: { from: 'companies', to: 'calls', label: null },
  182: { from: 'calls', to: 'companies', label: null },
  185: { from: 'companies', to: 'emails', label: null },
  186: { from: 'emails', to: 'companies', label: null },
  187: { from: 'companies', to: 'meetings', label: null },
  188: { from: 'meetings', to: 'companies', label: null },
  189: { from: 'companies', to: 'notes', label: null },
  190: { from: 'notes', to: 'companies', label: null },
  191: { from: 'companies', to: 'tasks', label: null },
  192: { from: 'tasks', to: 'companies', label: null },
  // Leads (docs/hubspot-platform.md §4.9): created with their primary contact (578); 608 is the unlabelled pair.
  578: { from: 'leads', to: 'contacts', label: 'Primary' },
  579: { from: 'contacts', to: 'leads', label: 'Primary' },
  608: { from: 'leads', to: 'contacts', label: null },
  609: { from: 'contacts', to: 'leads', label: null },
};

/** The default (unlabelled) type id for a pair, or undefined when HubSpot has no such pair here. */
export function defaultAssociationTypeId(from: ObjectType, to: ObjectType): number | undefined {
  for (const [id, t] of Object.entries(ASSOCIATION_TYPES)) {
    if (t.from === from && t.to === to && t.label === null) return Number(id);
  }
  return undefined;
}

export interface PropertyOption {
  label: string;
  value: string;
  displayOrder: number;
  hidden: boolean;
  description?: string;
}

export interface PropertyDef {
  name: string;
  label: string;
  type: string;
  fieldType: string;
  groupName: string;
  description: string;
  options: PropertyOption[];
  displayOrder: number;
  hasUniqueValue: boolean;
  hidden: boolean;
  formField: boolean;
  hubspotDefined: boolean;
  calculated: boolean;
  readOnlyValue: boolean;
  createdAt: number;
  updatedAt: number;
  archived: boolean;
}

export interface PropertyGroup {
  name: string;
  label: string;
  displayOrder: number;
  archived: boolean;
}

/** Valid type → fieldType combinations (docs/hubspot-platform.md §4.2). */
export const FIELD_TYPES_BY_TYPE: Record<string, string[]> = {
  bool: ['booleancheckbox', 'calculation_equation'],
  enumeration: ['booleancheckbox', 'checkbox', 'radio', 'select', 'calculation_equation'],
  date: ['date'],
  datetime: ['date'],
  string: ['file', 'text', 'textarea', 'calculation_equation', 'html', 'phonenumber'],
  number: ['number', 'calculation_equation'],
  phone_number: ['phonenumber'],
};

/** HubSpot labels its standard codes in words: `MECHANICAL_OR_INDUSTRIAL_ENGINEERING` → "Mechanical or Industrial Engineering". */
function worded(value: string): [string, string] {
  const label = value
    .toLowerCase()
    .split('_')
    .map((w, i) => (i > 0 && ['and', 'or', 'of'].includes(w) ? w : `${w.charAt(0).toUpperCase()}${w.slice(1)}`))
    .join(' ');
  return [value, label];
}

function opts(values: Array<string | [string, string]>): PropertyOption[] {
  return values.map((v, i) => {
    const [value, label] = Array.isArray(v) ? v : [v, v];
    return { label, value, displayOrder: i, hidden: false };
  });
}

export const LIFECYCLE_STAGES = [
  ['subscriber', 'Subscriber'],
  ['lead', 'Lead'],
  ['marketingqualifiedlead', 'Marketing Qualified Lead'],
  ['salesqualifiedlead', 'Sales Qualified Lead'],
  ['opportunity', 'Opportunity'],
  ['customer', 'Customer'],
  ['evangelist', 'Evangelist'],
  ['other', 'Other'],
] as [string, string][];

export const LEAD_STATUSES = ['NEW', 'OPEN', 'IN_PROGRESS', 'OPEN_DEAL', 'UNQUALIFIED', 'ATTEMPTED_TO_CONTACT', 'CONNECTED', 'BAD_TIMING'];

export const BUYING_ROLES: [string, string][] = [
  ['BLOCKER', 'Blocker'],
  ['BUDGET_HOLDER', 'Budget Holder'],
  ['CHAMPION', 'Champion'],
  ['DECISION_MAKER', 'Decision Maker'],
  ['END_USER', 'End User'],
  ['EXECUTIVE_SPONSOR', 'Executive Sponsor'],
  ['INFLUENCER', 'Influencer'],
  ['LEGAL_AND_COMPLIANCE', 'Legal & Compliance'],
  ['OTHER', 'Other'],
];

export const NUMEMPLOYEES_RANGES = ['1-5', '5-25', '25-50', '50-100', '100-500', '500-1000', '1000+'];

export const CALL_DISPOSITIONS: [string, string][] = [
  ['9d9162e7-6cf3-4944-bf63-4dff82258764', 'Busy'],
  ['f240bbac-87c9-4f6e-bf70-924b57d47db7', 'Connected'],
  ['a4c4c377-d246-4b32-a13b-75a56a4cd0ff', 'Left live message'],
  ['b2cf5968-551e-4856-9783-52b3da59a7d0', 'Left voicemail'],
  ['73a0d17f-1163-4015-bdd5-ec830791da20', 'No answer'],
  ['17b47fee-58de-441e-a44c-c6300d46f273', 'Wrong number'],
];

export const COMPANY_INDUSTRIES = [
  'MACHINERY',
  'MECHANICAL_OR_INDUSTRIAL_ENGINEERING',
  'INDUSTRIAL_AUTOMATION',
  'ELECTRICAL_ELECTRONIC_MANUFACTURING',
  'AUTOMOTIVE',
  'CHEMICALS',
  'COMPUTER_SOFTWARE',
  'INFORMATION_TECHNOLOGY_AND_SERVICES',
  'INTERNET',
  'TELECOMMUNICATIONS',
  'RETAIL',
  'WHOLESALE',
  'CONSUMER_GOODS',
  'FOOD_PRODUCTION',
  'MANAGEMENT_CONSULTING',
  'MARKETING_AND_ADVERTISING',
  'FINANCIAL_SERVICES',
  'BANKING',
  'INSURANCE',
  'HOSPITAL_HEALTH_CARE',
  'MEDICAL_DEVICES',
  'LOGISTICS_AND_SUPPLY_CHAIN',
  'CONSTRUCTION',
  'REAL_ESTATE',
  'HIGHER_EDUCATION',
  'EDUCATION_MANAGEMENT',
  'STAFFING_AND_RECRUITING',
  'GOVERNMENT_ADMINISTRATION',
  'NONPROFIT_ORGANIZATION_MANAGEMENT',
];

type Spec = [name: string, label: string, type: string, fieldType: string, extra?: Partial<PropertyDef>];

const RO = { readOnlyValue: true, calculated: true } as const;

const CONTACT_SPECS: Spec[] = [
  ['email', 'Email', 'string', 'text'],
  ['firstname', 'First Name', 'string', 'text'],
  ['lastname', 'Last Name', 'string', 'text'],
  ['jobtitle', 'Job Title', 'string', 'text'],
  ['company', 'Company Name', 'string', 'text'],
  ['website', 'Website URL', 'string', 'text'],
  ['phone', 'Phone Number', 'string', 'phonenumber'],
  ['city', 'City', 'string', 'text'],
  ['country', 'Country/Region', 'string', 'text'],
  ['industry', 'Industry', 'string', 'text'],
  ['annualrevenue', 'Annual Revenue', 'string', 'text'],
  ['numemployees', 'Number of Employees', 'enumeration', 'select', { options: opts(NUMEMPLOYEES_RANGES) }],
  ['lifecyclestage', 'Lifecycle Stage', 'enumeration', 'radio', { options: opts(LIFECYCLE_STAGES) }],
  ['hs_lead_status', 'Lead Status', 'enumeration', 'radio', { options: opts(LEAD_STATUSES) }],
  ['hs_buying_role', 'Buying Role', 'enumeration', 'checkbox', { options: opts(BUYING_ROLES) }],
  ['hubspot_owner_id', 'Contact owner', 'enumeration', 'select'],
  ['associatedcompanyid', 'Primary Associated Company ID', 'number', 'number', RO],
  ['createdate', 'Create Date', 'datetime', 'date', RO],
  ['lastmodifieddate', 'Last Modified Date', 'datetime', 'date', RO],
  ['hs_lastmodifieddate', 'Object last modified date/time', 'datetime', 'date', RO],
  ['hs_object_id', 'Record ID', 'number', 'number', RO],
  ['hs_analytics_source', 'Original Source', 'enumeration', 'select', {
    ...RO,
    options: opts(['ORGANIC_SEARCH', 'PAID_SEARCH', 'EMAIL_MARKETING', 'SOCIAL_MEDIA', 'REFERRALS', 'OTHER_CAMPAIGNS', 'DIRECT_TRAFFIC', 'OFFLINE', 'PAID_SOCIAL']),
  }],
  ['hs_analytics_num_page_views', 'Number of Pageviews', 'number', 'number', RO],
  ['hs_analytics_num_visits', 'Number of Sessions', 'number', 'number', RO],
  ['hs_analytics_last_visit_timestamp', 'Time of Last Session', 'datetime', 'date', RO],
  ['hs_analytics_last_url', 'Last page seen', 'string', 'text', RO],
  ['num_conversion_events', 'Number of Form Submissions', 'number', 'number', RO],
  ['num_unique_conversion_events', 'Number of Unique Forms Submitted', 'number', 'number', RO],
  ['recent_conversion_event_name', 'Recent Conversion', 'string', 'text', RO],
  ['recent_conversion_date', 'Recent Conversion Date', 'datetime', 'date', RO],
  ['first_conversion_event_name', 'First Conversion', 'string', 'text', RO],
  ['first_conversion_date', 'First Conversion Date', 'datetime', 'date', RO],
  ['hs_email_open', 'Marketing emails opened', 'number', 'number', RO],
  ['hs_email_click', 'Marketing emails clicked', 'number', 'number', RO],
  ['hs_email_delivered', 'Marketing emails delivered', 'number', 'number', RO],
  ['hs_email_bounce', 'Marketing emails bounced', 'number', 'number', RO],
  ['hs_email_replied', 'Marketing emails replied', 'number', 'number', RO],
  ['hs_email_optout', 'Unsubscribed from all email', 'bool', 'booleancheckbox', { ...RO, options: opts([['true', 'Yes'], ['false', 'No']]) }],
  ['hs_email_last_open_date', 'Last marketing email open date', 'datetime', 'date', RO],
  ['hs_email_last_click_date', 'Last marketing email click date', 'datetime', 'date', RO],
  ['hs_email_last_reply_date', 'Last marketing email reply date', 'datetime', 'date', RO],
  ['hs_email_last_send_date', 'Last marketing email send date', 'datetime', 'date', RO],
  ['hs_sales_email_last_opened', 'Recent Sales Email Opened Date', 'datetime', 'date', RO],
  ['hs_sales_email_last_clicked', 'Recent Sales Email Clicked Date', 'datetime', 'date', RO],
  ['hs_sales_email_last_replied', 'Recent Sales Email Replied Date', 'datetime', 'date', RO],
  ['hs_latest_meeting_activity', 'Latest meeting activity', 'datetime', 'date', RO],
  ['notes_last_contacted', 'Last Contacted', 'datetime', 'date', RO],
  ['notes_last_updated', 'Last Activity Date', 'datetime', 'date', RO],
  ['notes_next_activity_date', 'Next Activity Date', 'datetime', 'date', RO],
  ['num_contacted_notes', 'Number of times contacted', 'number', 'number', RO],
  ['num_notes', 'Number of Sales Activities', 'number', 'number', RO],
  ['hs_last_sales_activity_timestamp', 'Last Engagement Date', 'datetime', 'date', RO],
  ['hs_predictivecontactscore_v2', 'Likelihood to close', 'number', 'number', RO],
];

const COMPANY_SPECS: Spec[] = [
  ['name', 'Company name', 'string', 'text'],
  ['domain', 'Company Domain Name', 'string', 'text'],
  ['industry', 'Industry', 'enumeration', 'select', { options: opts(COMPANY_INDUSTRIES.map(worded)) }],
  ['numberofemployees', 'Number of Employees', 'number', 'number'],
  ['annualrevenue', 'Annual Revenue', 'number', 'number'],
  ['city', 'City', 'string', 'text'],
  ['country', 'Country/Region', 'string', 'text'],
  ['type', 'Type', 'enumeration', 'select', { options: opts(['PROSPECT', 'PARTNER', 'RESELLER', 'VENDOR', 'OTHER']) }],
  ['lifecyclestage', 'Lifecycle Stage', 'enumeration', 'radio', { options: opts(LIFECYCLE_STAGES) }],
  ['hubspot_owner_id', 'Company owner', 'enumeration', 'select'],
  ['createdate', 'Create Date', 'datetime', 'date', RO],
  ['hs_lastmodifieddate', 'Last Modified Date', 'datetime', 'date', RO],
  ['hs_object_id', 'Record ID', 'number', 'number', RO],
];

/** `dealstage` and `pipeline` are checked against the portal's deal pipelines (standin/pipelines.ts), not options. */
const DEAL_SPECS: Spec[] = [
  ['dealname', 'Deal Name', 'string', 'text'],
  ['dealstage', 'Deal Stage', 'enumeration', 'radio'],
  ['pipeline', 'Pipeline', 'enumeration', 'select'],
  ['amount', 'Amount', 'number', 'number'],
  ['closedate', 'Close Date', 'datetime', 'date'],
  ['closed_lost_reason', 'Closed Lost Reason', 'string', 'textarea'],
  ['hubspot_owner_id', 'Deal owner', 'enumeration', 'select'],
  ['createdate', 'Create Date', 'datetime', 'date', RO],
  ['hs_lastmodifieddate', 'Last Modified Date', 'datetime', 'date', RO],
  ['hs_object_id', 'Record ID', 'number', 'number', RO],
];

/** `hs_pipeline` and `hs_pipeline_stage` are checked against the portal's lead pipelines (standin/pipelines.ts). */
const LEAD_SPECS: Spec[] = [
  ['hs_lead_name', 'Lead name', 'string', 'text'],
  ['hs_pipeline', 'Pipeline', 'enumeration', 'select'],
  ['hs_pipeline_stage', 'Lead stage', 'enumeration', 'radio'],
  ['hs_lead_type', 'Lead type', 'enumeration', 'select', { options: opts(['NEW_BUSINESS', 'UPSELL', 'RE_ATTEMPTING']) }],
  ['hs_lead_label', 'Lead label', 'enumeration', 'select', { options: opts(['COLD', 'WARM', 'HOT']) }],
  ['hubspot_owner_id', 'Lead owner', 'enumeration', 'select'],
  ['hs_createdate', 'Create date', 'datetime', 'date', RO],
  ['hs_lastmodifieddate', 'Last modified date', 'datetime', 'date', RO],
  ['hs_object_id', 'Record ID', 'number', 'number', RO],
];

const ENGAGEMENT_COMMON: Spec[] = [
  ['hs_timestamp', 'Activity date', 'datetime', 'date'],
  ['hubspot_owner_id', 'Activity assigned to', 'enumeration', 'select'],
  ['hs_createdate', 'Created at', 'datetime', 'date', RO],
  ['hs_lastmodifieddate', 'Last modified date', 'datetime', 'date', RO],
  ['hs_object_id', 'Record ID', 'number', 'number', RO],
];

const ENGAGEMENT_SPECS: Record<'calls' | 'meetings' | 'emails' | 'notes' | 'tasks', Spec[]> = {
  calls: [
    ['hs_call_title', 'Call Title', 'string', 'text'],
    ['hs_call_body', 'Call notes', 'string', 'html'],
    ['hs_call_duration', 'Call duration', 'number', 'number'],
    ['hs_call_direction', 'Call direction', 'enumeration', 'select', { options: opts(['INBOUND', 'OUTBOUND']) }],
    ['hs_call_status', 'Call status', 'enumeration', 'select', {
      options: opts(['BUSY', 'CALLING_CRM_USER', 'CANCELED', 'COMPLETED', 'CONNECTING', 'FAILED', 'IN_PROGRESS', 'NO_ANSWER', 'QUEUED', 'RINGING']),
    }],
    ['hs_call_disposition', 'Call outcome', 'enumeration', 'select', { options: opts(CALL_DISPOSITIONS) }],
    ['hs_call_from_number', 'From number', 'string', 'text'],
    ['hs_call_to_number', 'To number', 'string', 'text'],
  ],
  meetings: [
    ['hs_meeting_title', 'Meeting name', 'string', 'text'],
    ['hs_meeting_body', 'Meeting description', 'string', 'html'],
    ['hs_internal_meeting_notes', 'Internal meeting notes', 'string', 'html'],
    ['hs_meeting_location', 'Location', 'string', 'text'],
    ['hs_meeting_external_url', 'External URL', 'string', 'text'],
    ['hs_meeting_start_time', 'Start time', 'datetime', 'date'],
    ['hs_meeting_end_time', 'End time', 'datetime', 'date'],
    ['hs_meeting_outcome', 'Meeting outcome', 'enumeration', 'select', { options: opts(['SCHEDULED', 'COMPLETED', 'RESCHEDULED', 'NO_SHOW', 'CANCELED']) }],
  ],
  emails: [
    ['hs_email_direction', 'Email direction', 'enumeration', 'select', { options: opts(['EMAIL', 'INCOMING_EMAIL', 'FORWARDED_EMAIL']) }],
    ['hs_email_status', 'Email send status', 'enumeration', 'select', { options: opts(['BOUNCED', 'FAILED', 'SCHEDULED', 'SENDING', 'SENT']) }],
    ['hs_email_subject', 'Email subject', 'string', 'text'],
    ['hs_email_text', 'Email body', 'string', 'textarea'],
    ['hs_email_html', 'Email HTML', 'string', 'html'],
    ['hs_email_headers', 'Email headers', 'string', 'textarea'],
  ],
  notes: [
    ['hs_note_body', 'Note body', 'string', 'html'],
    ['hs_attachment_ids', 'Attachment IDs', 'string', 'text'],
  ],
  tasks: [
    ['hs_task_subject', 'Task Title', 'string', 'text'],
    ['hs_task_body', 'Notes', 'string', 'html'],
    ['hs_task_status', 'Task Status', 'enumeration', 'select', { options: opts(['NOT_STARTED', 'IN_PROGRESS', 'WAITING', 'COMPLETED', 'DEFERRED']) }],
    ['hs_task_priority', 'Priority', 'enumeration', 'select', { options: opts(['NONE', 'LOW', 'MEDIUM', 'HIGH']) }],
    ['hs_task_type', 'Task Type', 'enumeration', 'select', { options: opts(['EMAIL', 'CALL', 'TODO', 'LINKED_IN']) }],
    ['hs_task_reminders', 'Reminder', 'string', 'text'],
    ['hs_task_completion_date', 'Completed at', 'datetime', 'date', RO],
  ],
};

const DEFAULT_GROUP: Record<ObjectType, string> = {
  contacts: 'contactinformation',
  companies: 'companyinformation',
  deals: 'dealinformation',
  calls: 'call',
  meetings: 'meeting',
  emails: 'email',
  notes: 'note',
  tasks: 'task',
  leads: 'leadinformation',
};

/** Properties every object of the type returns even when not asked for (and always alongside asked-for ones). */
export const ALWAYS_RETURNED: Record<ObjectType, string[]> = {
  contacts: ['createdate', 'hs_object_id', 'lastmodifieddate'],
  companies: ['createdate', 'hs_lastmodifieddate', 'hs_object_id'],
  deals: ['createdate', 'hs_lastmodifieddate', 'hs_object_id'],
  calls: ['hs_createdate', 'hs_lastmodifieddate', 'hs_object_id'],
  meetings: ['hs_createdate', 'hs_lastmodifieddate', 'hs_object_id'],
  emails: ['hs_createdate', 'hs_lastmodifieddate', 'hs_object_id'],
  notes: ['hs_createdate', 'hs_lastmodifieddate', 'hs_object_id'],
  tasks: ['hs_createdate', 'hs_lastmodifieddate', 'hs_object_id'],
  leads: ['hs_createdate', 'hs_lastmodifieddate', 'hs_object_id'],
};

/** Default properties when the request names none. */
export const DEFAULT_RETURNED: Record<ObjectType, string[]> = {
  ...ALWAYS_RETURNED,
  contacts: ['createdate', 'email', 'firstname', 'hs_object_id', 'lastmodifieddate', 'lastname'],
  companies: ['createdate', 'domain', 'hs_lastmodifieddate', 'hs_object_id', 'name'],
  deals: ['amount', 'closedate', 'createdate', 'dealname', 'dealstage', 'hs_lastmodifieddate', 'hs_object_id', 'pipeline'],
};

/** Properties whose values the stand-in derives from the record itself. */
export const VIRTUAL_PROPERTIES = new Set(['hs_object_id', 'createdate', 'hs_createdate', 'lastmodifieddate', 'hs_lastmodifieddate']);

export function defaultGroups(type: ObjectType): PropertyGroup[] {
  return [{ name: DEFAULT_GROUP[type], label: `${DEFAULT_GROUP[type]} information`, displayOrder: 0, archived: false }];
}

export function defaultProperties(type: ObjectType, now: number): PropertyDef[] {
  const specs =
    type === 'contacts'
      ? CONTACT_SPECS
      : type === 'companies'
        ? COMPANY_SPECS
        : type === 'deals'
          ? DEAL_SPECS
          : type === 'leads'
            ? LEAD_SPECS
            : [...ENGAGEMENT_SPECS[type], ...ENGAGEMENT_COMMON];
  return specs.map(([name, label, ptype, fieldType, extra], i) => ({
    name,
    label,
    type: ptype,
    fieldType,
    groupName: DEFAULT_GROUP[type],
    description: '',
    options: [],
    displayOrder: i,
    hasUniqueValue: false,
    hidden: false,
    formField: !extra?.readOnlyValue,
    hubspotDefined: true,
    calculated: false,
    readOnlyValue: false,
    createdAt: now,
    updatedAt: now,
    archived: false,
    ...extra,
  }));
}

/** Scope needed for a request, by object type and read/write (docs/hubspot-platform.md §2.7). Engagements use the contacts scopes. */
export function scopesFor(type: ObjectType | 'owners' | 'schema', write: boolean): string[] {
  if (type === 'owners') return ['crm.objects.owners.read'];
  if (type === 'companies') return write ? ['crm.objects.companies.write'] : ['crm.objects.companies.read'];
  if (type === 'deals') return write ? ['crm.objects.deals.write'] : ['crm.objects.deals.read'];
  if (type === 'leads') return write ? ['crm.objects.leads.write'] : ['crm.objects.leads.read'];
  if (type === 'emails' && !write) return ['crm.objects.contacts.read', 'sales-email-read'];
  return write ? ['crm.objects.contacts.write'] : ['crm.objects.contacts.read'];
}
