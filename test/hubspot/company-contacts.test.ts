import nock from 'nock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MAX_CONTACT_PAGES, readCompanyContacts } from '../../src/hubspot/company-contacts.ts';
import { API, setupNock, teardownNock, testRequester } from './fixtures.ts';

beforeEach(setupNock);
afterEach(teardownNock);

type Body = { inputs: Array<{ id: string; after?: string }> };
const parse = async (req: Request): Promise<Body> => (await req.json()) as Body;
const link = (id: number, ...typeIds: number[]) => ({ toObjectId: id, associationTypes: typeIds.map((typeId) => ({ category: 'HUBSPOT_DEFINED', typeId })) });

describe('readCompanyContacts', () => {
  it("when a company's contacts span two pages, then the page is asked for with `after` and primary-labelled contacts need no second read", async () => {
    const { request, callCount } = testRequester();
    const bodies: Body[] = [];
    nock(API)
      .post('/crm/associations/2026-03/companies/contacts/batch/read')
      .times(2)
      .reply(200, async (req: Request) => {
        const body = await parse(req);
        bodies.push(body);
        return body.inputs[0]?.after
          ? { results: [{ from: { id: '900' }, to: [link(3, 2, 280)] }] }
          : { results: [{ from: { id: '900' }, to: [link(1, 2, 280), link(2, 2, 280)], paging: { next: { after: 'page-2' } } }] };
      });
    const contacts = await readCompanyContacts(request, ['900']);
    expect(contacts).toEqual(new Map([['900', ['1', '2', '3']]]));
    expect(bodies).toEqual([{ inputs: [{ id: '900' }] }, { inputs: [{ id: '900', after: 'page-2' }] }]);
    expect(callCount()).toBe(2);
  });

  it('when a link is not labelled primary, then the contact counts only if readContacts would score it with this company', async () => {
    const { request } = testRequester();
    let contactSide: Body | undefined;
    nock(API)
      .post('/crm/associations/2026-03/companies/contacts/batch/read')
      .reply(200, {
        results: [
          { from: { id: '900' }, to: [link(1, 2, 280), link(2, 280), link(3, 280), link(4, 280)] },
          { from: { id: '901' }, to: [link(4, 280), link(5, 2, 280)] },
        ],
      });
    nock(API)
      .post('/crm/associations/2026-03/contacts/companies/batch/read', (body: Body) => {
        contactSide = body;
        return true;
      })
      .reply(207, {
        results: [
          // 2: its only company, unlabelled → scored with 900. 3: primary elsewhere → not 900's.
          { from: { id: '2' }, to: [link(900, 279)] },
          { from: { id: '3' }, to: [link(900, 279), link(777, 1, 279)] },
          // 4: two companies, neither primary → scored with none.
          { from: { id: '4' }, to: [link(900, 279), link(901, 279)] },
        ],
        errors: [],
      });
    const contacts = await readCompanyContacts(request, ['900', '901']);
    expect(contacts).toEqual(
      new Map([
        ['900', ['1', '2']],
        ['901', ['5']],
      ]),
    );
    expect(contactSide?.inputs.map((i) => i.id).sort()).toEqual(['2', '3', '4']);
  });

  it('when a company has more association pages than are read, then the contacts read so far come back and the company is reported', async () => {
    const { request, callCount } = testRequester();
    nock(API)
      .post('/crm/associations/2026-03/companies/contacts/batch/read')
      .times(MAX_CONTACT_PAGES)
      .reply(200, async (req: Request) => {
        const page = Number((await parse(req)).inputs[0]?.after ?? 0);
        return { results: [{ from: { id: '900' }, to: [link(page + 1, 2)], paging: { next: { after: String(page + 1) } } }] };
      });
    const truncated: string[][] = [];
    const contacts = await readCompanyContacts(request, ['900'], (ids) => truncated.push(ids));
    expect(contacts.get('900')).toHaveLength(MAX_CONTACT_PAGES);
    expect(truncated).toEqual([['900']]);
    expect(callCount()).toBe(MAX_CONTACT_PAGES);
  });

  it('when 1,500 companies change, then they are read 1,000 per call (docs/hubspot-platform.md §3.5)', async () => {
    const { request, callCount } = testRequester();
    const sizes: number[] = [];
    nock(API)
      .post('/crm/associations/2026-03/companies/contacts/batch/read')
      .times(2)
      .reply(207, async (req: Request) => {
        const body = await parse(req);
        sizes.push(body.inputs.length);
        return { results: body.inputs.map((i) => ({ from: { id: i.id }, to: [link(Number(i.id) + 100_000, 2)] })), errors: [] };
      });
    const ids = Array.from({ length: 1500 }, (_, i) => String(i + 1));
    const contacts = await readCompanyContacts(request, ids);
    expect(sizes).toEqual([1000, 500]);
    expect(callCount()).toBe(2);
    expect(contacts.get('1500')).toEqual(['101500']);
  });
});
