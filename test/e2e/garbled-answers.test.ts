// Issue 12 item 4 end to end: with 30 % of HubSpot's reads garbled (HTML gateway pages, truncated JSON, gateway 404s)
// while contacts change, then clean again, every contact's section-3 properties end exactly as in a clean run of the
// same seed and no contact has two open tasks of one kind (why lifecycle stage, lead status and tasks of passing
// states are not compared: bench/lib/garbled-run.ts). The scenario is bench/lib/garbled-run.ts (bench/garbled.ts prints it larger).
// With the shipped model contacts take budget and timeline from their company, so a colleague's newer answer decides
// them: the outcome is the same however the retried reads interleave.
import { describe, expect, it } from 'vitest';
import { differingContacts, runGarbledScenario } from '../../bench/lib/garbled-run.ts';

describe('garbled answers from HubSpot, end to end', () => {
  it('when 30 % of reads are garbled while contacts change, then every contact ends as in a clean run, with no duplicate open task', async () => {
    const scenario = { contacts: 30, changes: 100, seed: 12, gapMs: 50 };
    const clean = await runGarbledScenario(scenario);
    const garbled = await runGarbledScenario({ ...scenario, garble: { share: 0.3, extraMs: 3_000 } });
    expect(garbled.garbled, 'the stand-in garbled some reads').toBeGreaterThanOrEqual(5);
    expect(garbled.retries, 'the app noticed them').toBeGreaterThan(0);
    expect(clean.inherited, 'some contacts take budget or timeline from a colleague').toBeGreaterThan(0);
    const differing = differingContacts(clean, garbled);
    expect(differing.map((i) => `#${i}\n clean:   ${clean.contacts[i]}\n garbled: ${garbled.contacts[i]}`)).toEqual([]);
    expect(garbled.duplicateOpenTasks).toBe(0);
    expect(clean.duplicateOpenTasks).toBe(0);
    expect(garbled.deadLetters).toBe(0);
  }, 300_000);
});
