// Generated contacts and their engagements computed on demand: the generator runs once, keeping per contact only the
// states of its random streams and what it cannot recompute alone (e-mail suffix, company); a contact is then made
// again from those, with the same ids and values as a portal that holds it.
import { type CrmRecord, idAfter, type Portal, type RecordSource } from './portal.ts';
import { ENGAGEMENT_TYPES, type EngagementType, type ObjectType, VIRTUAL_PROPERTIES } from './schema.ts';

/** mulberry32 with its state in sight (same numbers as `prng`), so a stream can resume where a contact began. */
export class Stream {
  a: number;
  constructor(seed: number) {
    this.a = seed >>> 0;
  }
  next(): number {
    this.a = (this.a + 0x6d2b79f5) >>> 0;
    let t = this.a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  }
}

export interface Streams {
  rnd: Stream;
  hot: Stream;
  page: Stream;
}

/** Where the generator puts a contact and what belongs to it. */
export interface ContactSink {
  create(type: ObjectType, props: Record<string, string>, at: number): CrmRecord;
  linkCompany(contact: CrmRecord, companyId: number): void;
  linkEngagement(type: EngagementType, id: number, contactId: number): void;
  pending(name: string, contactId: number, value: string): void;
  /** A unique address for contact `i`. */
  email(i: number, local: string, domain: string): string;
}

export function addPending(portal: Portal, name: string, contactId: number, value: string): void {
  let pending = portal.pendingValues.get(name);
  if (!pending) {
    pending = new Map();
    portal.pendingValues.set(name, pending);
  }
  pending.set(contactId, value);
}

/** `local@domain`, numbered from 2 while taken; returns the number (0: none). */
export function uniqueEmailNumber(used: Set<string>, local: string, domain: string): number {
  let n = 0;
  let email = `${local}@${domain}`;
  while (used.has(email)) {
    n = n === 0 ? 2 : n + 1;
    email = `${local}${n}@${domain}`;
  }
  used.add(email);
  return n;
}

export function emailOf(local: string, n: number, domain: string): string {
  return n === 0 ? `${local}@${domain}` : `${local}${n}@${domain}`;
}

function hashOf(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/** The largest index whose id is at most `id` (-1: none). */
function floorIndex(ids: ArrayLike<number>, id: number): number {
  let lo = 0;
  let hi = ids.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (ids[mid]! <= id) lo = mid + 1;
    else hi = mid;
  }
  return lo - 1;
}

function has(ids: ArrayLike<number>, id: number): boolean {
  const i = floorIndex(ids, id);
  return i >= 0 && ids[i] === id;
}

interface Made {
  contact: CrmRecord;
  engagements: Array<{ type: EngagementType; rec: CrmRecord }>;
}

function copy(rec: CrmRecord): CrmRecord {
  return { ...rec, props: { ...rec.props } };
}

function clean(props: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(props)) if (v !== '' && !VIRTUAL_PROPERTIES.has(k)) out[k] = v;
  return out;
}

const CACHED = 256;

/**
 * Runs `make` for contacts 0..n-1 once, taking ids from the portal, and returns the source that makes any of them
 * again. `make(i, sink)` must draw only from `streams` and the sink.
 */
export function computeContacts(portal: Portal, n: number, streams: Streams, make: (i: number, sink: ContactSink) => void): RecordSource {
  const states = new Uint32Array(n * 3);
  const contactIds = new Int32Array(n);
  const emailNumbers = new Int32Array(n);
  const emailHashes = new Uint32Array(n);
  const companyOf = new Int32Array(n);
  const engagementIds = new Map<EngagementType, number[]>(ENGAGEMENT_TYPES.map((t) => [t, []]));
  const engagementAt = new Map<EngagementType, number[]>(ENGAGEMENT_TYPES.map((t) => [t, []]));
  const contactCreated = new Float64Array(n);
  const contactUpdated = new Float64Array(n);
  let contact: CrmRecord | undefined;
  const used = new Set<string>();
  let current = 0;
  const recording: ContactSink = {
    create(type, props, at) {
      const id = portal.newId();
      const rec: CrmRecord = { id, props, createdAt: at, updatedAt: at, archived: false };
      if (type === 'contacts') {
        contactIds[current] = id;
        contact = rec;
      } else {
        engagementIds.get(type as EngagementType)?.push(id);
        engagementAt.get(type as EngagementType)?.push(at);
      }
      return rec;
    },
    linkCompany: (_contact, companyId) => {
      companyOf[current] = companyId;
    },
    linkEngagement: () => {},
    pending: (name, contactId, value) => addPending(portal, name, contactId, value),
    email(i, local, domain) {
      const number = uniqueEmailNumber(used, local, domain);
      emailNumbers[i] = number;
      const email = emailOf(local, number, domain);
      emailHashes[i] = hashOf(email.toLowerCase());
      return email;
    },
  };
  for (let i = 0; i < n; i++) {
    states[i * 3] = streams.rnd.a;
    states[i * 3 + 1] = streams.hot.a;
    states[i * 3 + 2] = streams.page.a;
    current = i;
    make(i, recording);
    contactCreated[i] = contact!.createdAt;
    contactUpdated[i] = contact!.updatedAt;
  }
  used.clear();
  const byType = new Map<ObjectType, Int32Array>([['contacts', contactIds]]);
  const datesByType = new Map<ObjectType, { createdAt: ArrayLike<number>; updatedAt: ArrayLike<number> }>([['contacts', { createdAt: contactCreated, updatedAt: contactUpdated }]]);
  for (const [type, ids] of engagementIds) {
    byType.set(type, Int32Array.from(ids));
    const at = Float64Array.from(engagementAt.get(type)!);
    datesByType.set(type, { createdAt: at, updatedAt: at });
  }
  const empty = new Int32Array(0);
  const byEmail = new Int32Array(n);
  for (let i = 0; i < n; i++) byEmail[i] = i;
  byEmail.sort((x, y) => emailHashes[x]! - emailHashes[y]!);
  const companyContacts = new Map<number, number[]>();
  for (let i = 0; i < n; i++) {
    if (companyOf[i] === 0) continue;
    const list = companyContacts.get(companyOf[i]!);
    if (list) list.push(contactIds[i]!);
    else companyContacts.set(companyOf[i]!, [contactIds[i]!]);
  }

  const cache = new Map<number, Made>();
  const remake = (i: number): Made => {
    const hit = cache.get(i);
    if (hit) return hit;
    let next = contactIds[i]!;
    const made: Made = { contact: undefined as unknown as CrmRecord, engagements: [] };
    const again: ContactSink = {
      create(type, props, at) {
        const rec: CrmRecord = { id: next, props: clean(props), createdAt: at, updatedAt: at, archived: false };
        next = idAfter(next);
        if (type === 'contacts') made.contact = rec;
        else made.engagements.push({ type: type as EngagementType, rec });
        return rec;
      },
      linkCompany: (contact, companyId) => {
        contact.props.associatedcompanyid = String(companyId);
      },
      linkEngagement: () => {},
      pending: () => {},
      email: (j, local, domain) => emailOf(local, emailNumbers[j]!, domain),
    };
    streams.rnd.a = states[i * 3]!;
    streams.hot.a = states[i * 3 + 1]!;
    streams.page.a = states[i * 3 + 2]!;
    make(i, again);
    if (cache.size >= CACHED) cache.clear();
    cache.set(i, made);
    return made;
  };
  const contactIndex = (id: number): number => {
    const i = floorIndex(contactIds, id);
    return i >= 0 && contactIds[i] === id ? i : -1;
  };
  const isEngagement = (type: ObjectType): type is EngagementType => (ENGAGEMENT_TYPES as readonly string[]).includes(type);

  return {
    ids: (type) => byType.get(type) ?? empty,
    dates: (type) => datesByType.get(type) ?? { createdAt: empty, updatedAt: empty },
    record(type, id) {
      if (type === 'contacts') {
        const i = contactIndex(id);
        return i < 0 ? undefined : copy(remake(i).contact);
      }
      if (!isEngagement(type) || !has(byType.get(type) ?? empty, id)) return undefined;
      const found = remake(floorIndex(contactIds, id)).engagements.find((e) => e.rec.id === id);
      return found ? copy(found.rec) : undefined;
    },
    associated(fromType, toType, fromId) {
      if (fromType === 'contacts') {
        const i = contactIndex(fromId);
        if (i < 0) return [];
        if (toType === 'companies') return companyOf[i] === 0 ? [] : [companyOf[i]!];
        if (!isEngagement(toType)) return [];
        return remake(i)
          .engagements.filter((e) => e.type === toType)
          .map((e) => e.rec.id);
      }
      if (toType !== 'contacts') return [];
      if (fromType === 'companies') return [...(companyContacts.get(fromId) ?? [])];
      if (!isEngagement(fromType) || !has(byType.get(fromType) ?? empty, fromId)) return [];
      return [contactIds[floorIndex(contactIds, fromId)]!];
    },
    contactIdsByEmail(email) {
      const h = hashOf(email);
      let lo = 0;
      let hi = n;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (emailHashes[byEmail[mid]!]! < h) lo = mid + 1;
        else hi = mid;
      }
      const out: number[] = [];
      for (let k = lo; k < n && emailHashes[byEmail[k]!] === h; k++) out.push(contactIds[byEmail[k]!]!);
      return out;
    },
  };
}
