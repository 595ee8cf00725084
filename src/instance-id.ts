import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';

/** This process, as a lock owner: a second instance (or a restarted one) is someone else. */
export const INSTANCE_ID = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
