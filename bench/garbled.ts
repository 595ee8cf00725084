// Issue 12 item 4: garbled answers from HubSpot. Two runs of the same seeded scenario (bench/lib/garbled-run.ts): a
// clean one, and one with 30 % of HubSpot's reads answered with an HTML gateway page, truncated JSON or a gateway 404
// while contacts change (and a while after), then clean again. Prints the contacts whose section-3 properties differ
// from the clean run (target 0), duplicate open tasks (target 0) and the retries the garbled answers cost.
// Run: scripts/with-node24 node --experimental-strip-types bench/garbled.ts [--quick] [--contacts N] [--changes N] [--share 0.3]
import { differingContacts, runGarbledScenario } from './lib/garbled-run.ts';
import { parseArgs, reportResult } from './lib/harness.ts';

const args = parseArgs();
const contacts = args.num('contacts', args.quick ? 30 : 200);
const changes = args.num('changes', args.quick ? 100 : 1_000);
const share = args.num('share', 0.3);
const seed = args.num('seed', 12);
const gapMs = 50;
const extraMs = args.num('extra-ms', args.quick ? 3_000 : 20_000);

const scenario = { contacts, changes, seed, gapMs };
console.log(`garbled: ${contacts} contacts, ${changes} changes ${gapMs} ms apart, ${Math.round(share * 100)} % of reads garbled for ${((changes * gapMs + extraMs) / 1000).toFixed(0)} s`);
const clean = await runGarbledScenario(scenario);
console.log(`clean run: ${clean.seconds.toFixed(1)} s`);
const garbled = await runGarbledScenario({ ...scenario, garble: { share, extraMs } });
const differing = differingContacts(clean, garbled);
console.log(`garbled run: ${garbled.seconds.toFixed(1)} s, ${garbled.garbled} answers garbled, ${garbled.retries} retried by the app`);
for (const i of differing.slice(0, 5)) console.log(`  differs #${i}\n    clean:   ${clean.contacts[i]}\n    garbled: ${garbled.contacts[i]}`);

const bench = `garbled answers (${Math.round(share * 100)} % of reads, ${contacts} contacts, ${changes} changes)`;
reportResult({ bench, metric: 'contacts differing from the clean run', value: differing.length, aim: '0', ok: differing.length === 0 });
reportResult({ bench, metric: 'duplicate open tasks', value: garbled.duplicateOpenTasks, aim: '0', ok: garbled.duplicateOpenTasks === 0 });
// Informational: the daily task budget defers call_sql tasks when many contacts turn SQL, in either run.
reportResult({ bench, metric: 'SQL contacts without an open call_sql task (garbled / clean run)', value: `${garbled.sqlWithoutCallTask} / ${clean.sqlWithoutCallTask}` });
reportResult({ bench, metric: 'contacts taking budget or timeline from a colleague (garbled / clean run)', value: `${garbled.inherited} / ${clean.inherited}` });
reportResult({ bench, metric: 'garbled answers / retries spent', value: `${garbled.garbled} / ${garbled.retries}`, note: `dead letters ${garbled.deadLetters}` });
