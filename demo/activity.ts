// Simulated CRM activity for the demo: what reps, marketing and contacts do in a HubSpot portal day to day. Each action
// changes the stand-in portal the way HubSpot would (and so produces the webhooks HubSpot would send).
import { prng } from '../standin/generate-portal.ts';
import type { CrmRecord, Portal, StandIn } from '../standin/index.ts';

export interface Action {
  contactId: number;
  /** One line for the console, e.g. "Rep Anna Schmidt logged a call with …". */
  text: string;
}

type Random = () => number;

export function contactName(c: CrmRecord): string {
  const name = [c.props.firstname, c.props.lastname].filter(Boolean).join(' ') || c.props.email || `contact ${c.id}`;
  const title = c.props.jobtitle ? `, ${c.props.jobtitle}` : '';
  const company = c.props.company ? ` at ${c.props.company}` : '';
  return `${name}${title}${company}`;
}

function ownerName(portal: Portal, c: CrmRecord): string {
  const owner = portal.owners.find((o) => o.id === c.props.hubspot_owner_id) ?? portal.owners[0];
  return owner ? `${owner.firstName} ${owner.lastName}` : 'A rep';
}

const WEBINARS = ['Webinar: Lead-Scoring in der Praxis', 'Webinar: Anlagenbau 4.0', 'Webinar: BANT for B2B sales teams'];
const FORMS = ['Kontaktformular', 'Whitepaper: Vertriebsprozesse', 'Demo anfragen', 'Preisanfrage'];
const TIMELINE_TEXT: Record<string, string> = {
  lt_3_months: 'within 3 months',
  '3_6_months': 'in 3-6 months',
  '6_12_months': 'in 6-12 months',
  gt_12_months: 'in more than 12 months',
};
const TITLES = ['Geschäftsführer', 'Head of Procurement', 'Leiterin Einkauf', 'VP Sales', 'IT-Leiter', 'Chief Operating Officer'];

export class ActivitySimulator {
  private readonly standIn: StandIn;
  private readonly portal: Portal;
  private readonly random: Random;
  private count = 0;

  constructor(standIn: StandIn, portal: Portal, seed: number) {
    this.standIn = standIn;
    this.portal = portal;
    this.random = prng(seed);
  }

  private pick<T>(values: readonly T[]): T {
    return values[Math.floor(this.random() * values.length)] as T;
  }

  /** Scored contacts that are still in play (not disqualified, not yet SQL); the others when none is left. */
  private contact(): CrmRecord {
    const all = [...this.portal.live('contacts')];
    const open = all.filter((c) => c.props.bant_qualification === 'nurture' || c.props.bant_qualification === 'mql');
    return this.pick(open.length > 0 ? open : all);
  }

  /** One action; the first is always a rep qualifying a lead on the phone, so an SQL (and its task) shows up early. */
  next(): Action {
    const n = this.count++;
    const kind = n === 0 ? 'call' : this.pick(['call', 'call', 'webinar', 'form', 'meeting', 'title', 'pages', 'timeline'] as const);
    const c = this.contact();
    const p = this.portal.id;
    const sim = this.standIn.simulate;
    switch (kind) {
      case 'call': {
        const strong = n === 0 || this.random() < 0.5;
        const answers = strong
          ? { bant_budget_answer: 'approved', bant_authority_answer: 'decision_maker', bant_need_answer: 'acute', bant_timeline_answer: 'lt_3_months' }
          : {
              bant_budget_answer: this.pick(['approved', 'planned', 'none']),
              bant_authority_answer: this.pick(['decision_maker', 'influencer']),
              bant_need_answer: this.pick(['acute', 'latent']),
              bant_timeline_answer: this.pick(['3_6_months', '6_12_months', 'gt_12_months']),
            };
        sim.addActivity(p, c.id, {
          type: 'calls',
          properties: { hs_call_title: 'Qualifizierungsgespräch', hs_call_disposition: 'f240bbac-87c9-4f6e-bf70-924b57d47db7', hs_call_status: 'COMPLETED' },
        });
        sim.updateContact(p, c.id, answers);
        const said = `budget ${answers.bant_budget_answer}, ${answers.bant_authority_answer.replace('_', ' ')}, need ${answers.bant_need_answer}, buying ${TIMELINE_TEXT[answers.bant_timeline_answer]}`;
        return { contactId: c.id, text: `${ownerName(this.portal, c)} called ${contactName(c)} and noted BANT answers: ${said}` };
      }
      case 'webinar': {
        const title = this.pick(WEBINARS);
        sim.submitForm(p, c.id, title);
        return { contactId: c.id, text: `${contactName(c)} registered for "${title}"` };
      }
      case 'form': {
        const form = this.pick(FORMS);
        sim.submitForm(p, c.id, form);
        return { contactId: c.id, text: `${contactName(c)} submitted the form "${form}"` };
      }
      case 'meeting': {
        sim.addActivity(p, c.id, { type: 'meetings', properties: { hs_meeting_title: 'Discovery meeting', hs_meeting_outcome: 'COMPLETED' } });
        return { contactId: c.id, text: `${ownerName(this.portal, c)} held a discovery meeting with ${contactName(c)}` };
      }
      case 'title': {
        const before = contactName(c);
        const title = this.pick(TITLES.filter((t) => t !== c.props.jobtitle));
        sim.updateContact(p, c.id, { jobtitle: title });
        return { contactId: c.id, text: `${before} changed job title to "${title}"` };
      }
      case 'pages': {
        const views = 3 + Math.floor(this.random() * 8);
        sim.viewPages(p, c.id, views);
        return { contactId: c.id, text: `${contactName(c)} viewed ${views} pages on the website` };
      }
      case 'timeline': {
        sim.updateContact(p, c.id, { bant_timeline_answer: 'gt_12_months' });
        return { contactId: c.id, text: `${ownerName(this.portal, c)} learned that ${contactName(c)} plans to buy in more than 12 months` };
      }
    }
  }
}
