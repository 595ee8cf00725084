import { describe, expect, it } from 'vitest';
import { createMemoryStore } from '../../src/store/memory-store.ts';
import { describeStoreContract, writeFaults } from './store-contract.ts';

describeStoreContract('memory', async () => {
  const faults = writeFaults();
  const store = createMemoryStore({ beforeWrite: faults.beforeWrite });
  return { store, cleanup: () => store.close(), breakWrites: faults.breakWrites };
}, { writeFaults: true });

describe('memory store limits', () => {
  it('when more event keys arrive than it may keep, then the oldest are forgotten', async () => {
    const store = createMemoryStore({ maxEventKeys: 3 });
    await store.rememberEvents(['a', 'b', 'c', 'd'], 1_000);
    expect(await store.rememberEvents(['a', 'd'], 1_001)).toEqual(['a']);
  });

  it('when event keys are older than the retention, then they are forgotten', async () => {
    const store = createMemoryStore({ eventRetainMs: 1_000 });
    await store.rememberEvents(['a'], 1_000);
    expect(await store.rememberEvents(['a'], 1_500)).toEqual([]);
    expect(await store.rememberEvents(['b', 'a'], 2_500)).toEqual(['b', 'a']);
  });

  it('when the store is closed, then calls fail and ping answers false', async () => {
    const store = createMemoryStore();
    await store.close();
    expect(await store.ping()).toBe(false);
    await expect(store.queueDepth()).rejects.toThrow(/closed/);
  });
});
