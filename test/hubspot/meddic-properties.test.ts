import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { appDefinition, subscribedContactProperties } from '../../src/app-definition.ts';
import { PROPERTY_GROUP } from '../../src/hubspot/bant-properties.ts';
import { meddicPropertyDefinitions } from '../../src/hubspot/meddic-properties.ts';
import { planContactWrite } from '../../src/hubspot/plan-writes.ts';
import { modelInputs, parseModel, score } from '../../src/scoring/index.ts';
import { model as bantModel, NOW, profile } from '../scoring/fixtures.ts';

const parsed = parseModel(JSON.parse(readFileSync(new URL('../../config/scoring-model.meddic.json', import.meta.url), 'utf8')));
if (!parsed.ok) throw new Error(JSON.stringify(parsed.issues));
const meddicModel = parsed.model;

describe('the MEDDIC contact properties', () => {
  it('when definitions are made from a MEDDIC model, then states, count, summary and answers sit in the app group, answers offering the model’s values', () => {
    const defs = new Map(meddicPropertyDefinitions(meddicModel.meddic!).map((d) => [d.name, d]));
    expect([...defs.values()].every((d) => d.groupName === PROPERTY_GROUP.name && d.name.startsWith('meddic_'))).toBe(true);
    expect(defs.get('meddic_champion')?.options?.map((o) => o.value)).toEqual(['met', 'partial', 'not_met', 'unknown']);
    expect(defs.get('meddic_economic_buyer_answer')?.options?.map((o) => o.value)).toEqual(Object.keys(meddicModel.meddic!.economic_buyer.answers));
    expect(defs.get('meddic_criteria_met')?.type).toBe('number');
    expect(defs.get('meddic_summary')?.formField).toBe(false);
  });

  it('when the installation speaks German, then labels, descriptions and state options are German; names and values are the same', () => {
    const en = meddicPropertyDefinitions(meddicModel.meddic!);
    const de = meddicPropertyDefinitions(meddicModel.meddic!, 'de');
    const byName = new Map(de.map((d) => [d.name, d]));
    expect(byName.get('meddic_economic_buyer')?.label).toBe('MEDDIC Wirtschaftlicher Entscheider');
    expect(byName.get('meddic_champion_answer')?.label).toBe('MEDDIC Fürsprecher (Antwort)');
    expect(byName.get('meddic_summary')?.label).toBe('MEDDIC-Zusammenfassung');
    expect(byName.get('meddic_metrics')?.options?.map((o) => o.label)).toEqual(['Erfüllt', 'Teilweise erfüllt', 'Nicht erfüllt', 'Unbekannt']);
    expect(byName.get('meddic_criteria_met')?.description).toMatch(/^Wie viele der sechs MEDDIC-Kriterien erfüllt sind, 0 bis 6\. Von der App BANT-Lead-Scoring gesetzt/);
    expect(en.find((d) => d.name === 'meddic_economic_buyer')?.label).toBe('MEDDIC economic buyer');
    const shape = (defs: typeof en) => defs.map((d) => [d.name, d.type, d.fieldType, d.groupName, d.formField, d.options?.map((o) => o.value)]);
    expect(shape(de)).toEqual(shape(en));
  });

  it('when the model is MEDDIC, then its answers are inputs and its values outputs; a BANT model names neither', () => {
    const inputs = modelInputs(meddicModel);
    expect(inputs.contact).toEqual(expect.arrayContaining(['meddic_metrics_answer', 'meddic_champion_answer']));
    expect(inputs.outputs).toEqual(expect.arrayContaining(['meddic_metrics', 'meddic_criteria_met', 'meddic_summary']));
    expect(modelInputs(bantModel).outputs).toBeUndefined();
    expect(modelInputs(bantModel).contact.filter((n) => n.startsWith('meddic_'))).toEqual([]);
    // A rep's MEDDIC answer reaches the app by webhook, as a BANT answer does; its own meddic_* values do not echo back.
    const subscribed = new Set(subscribedContactProperties(appDefinition));
    expect(inputs.contact.filter((p) => !subscribed.has(p))).toEqual([]);
    expect(inputs.outputs?.filter((p) => subscribed.has(p))).toEqual([]);
  });

  it('when MEDDIC values were written already, then a rescore writes none again; a changed state is written', () => {
    const result = score(profile({ meddic_metrics_answer: 'rough' }), meddicModel, NOW).properties;
    const settings = { syncLifecycleStage: false, syncLeadStatus: false };
    const current: Record<string, string> = Object.fromEntries(Object.entries(result).map(([k, v]) => [k, String(v)]));
    expect(planContactWrite({ result, current, stageOrder: [], settings })).toEqual({});
    const changed = planContactWrite({ result, current: { ...current, meddic_metrics: 'unknown', meddic_criteria_met: '0.0' }, stageOrder: [], settings });
    expect(changed.meddic_metrics).toBe('partial');
    expect(Object.keys(changed).sort()).toEqual(['bant_scored_at', 'meddic_metrics']);
  });
});
