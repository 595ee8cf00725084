import { describe, expect, it } from 'vitest';
import { takeTurn } from '../../src/jobs/portal-turns.ts';

const tick = () => new Promise((resolve) => setTimeout(resolve, 5));

/** A step that notes when it starts and ends, and returns its name. */
const recorded = (events: string[], name: string) => async () => {
  events.push(`start ${name}`);
  await tick();
  events.push(`end ${name}`);
  return name;
};

describe('takeTurn', () => {
  it('when steps of one key overlap, then each starts after the one before it ended, in the order they were taken', async () => {
    const events: string[] = [];
    const step = (name: string) => recorded(events, name);
    const results = await Promise.all([takeTurn('p:1', step('a')), takeTurn('p:1', step('b')), takeTurn('p:1', step('c'))]);
    expect(results).toEqual(['a', 'b', 'c']);
    expect(events).toEqual(['start a', 'end a', 'start b', 'end b', 'start c', 'end c']);
  });

  it('when a step fails, then its caller gets the error and the next step still runs', async () => {
    const failing = takeTurn('p:2', async () => {
      await tick();
      throw new Error('write refused');
    });
    const next = takeTurn('p:2', async () => 'ran');
    await expect(failing).rejects.toThrow('write refused');
    await expect(next).resolves.toBe('ran');
  });

  it('when steps have different keys, then they run at the same time', async () => {
    const events: string[] = [];
    const step = (name: string) => recorded(events, name);
    await Promise.all([takeTurn('p:3', step('a')), takeTurn('p:4', step('b'))]);
    expect(events.slice(0, 2)).toEqual(['start a', 'start b']);
  });
});
