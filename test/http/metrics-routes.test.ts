// GET /metrics: METRICS_TOKEN guards it; without the token nobody learns which portals use the app.
import type { AddressInfo } from 'node:net';
import express from 'express';
import { afterEach, describe, expect, it } from 'vitest';
import { createHealthRouter } from '../../src/http/health-routes.ts';
import { Metrics } from '../../src/metrics.ts';
import { createMemoryStore } from '../../src/store/memory-store.ts';
import { testConfig } from '../ui/console-fixtures.ts';

const TOKEN = 'metrics-token-0123456789abcdef';
let close: (() => Promise<void>) | undefined;

afterEach(async () => {
  await close?.();
  close = undefined;
});

async function start(env: Record<string, string> = {}): Promise<string> {
  const metrics = new Metrics();
  metrics.inc('hubspot_api_calls_total', 'calls', { portal: 4711, operation: 'contacts.read', status: 200 }, 3);
  metrics.inc('hubspot_api_calls_total', 'calls', { portal: 5822, operation: 'contacts.read', status: 200 }, 4);
  metrics.inc('bant_tasks_created_total', 'tasks', { portal: 4711 }, 2);
  metrics.observe('bant_job_seconds', 'job time', 0.2, { portal: 4711, job: 'decay' });
  metrics.observe('bant_job_seconds', 'job time', 0.3, { portal: 5822, job: 'decay' });
  const app = express();
  app.use(createHealthRouter({ store: createMemoryStore(), metrics, config: testConfig(env) }));
  const server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  close = () => new Promise((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/metrics`;
}

describe('GET /metrics', () => {
  it('when no METRICS_TOKEN is configured, then the figures are summed over portals and no portal id appears', async () => {
    const url = await start();
    const response = await fetch(url);
    expect(response.status).toBe(200);
    const text = await response.text();
    expect(text).not.toMatch(/4711|5822|portal=/);
    expect(text).toContain('hubspot_api_calls_total{operation="contacts.read",status="200"} 7');
    expect(text).toContain('bant_tasks_created_total 2');
    expect(text).toContain('bant_job_seconds_count{job="decay"} 2');
  });

  it('when METRICS_TOKEN is configured, then a scrape without it or with another token gets 401 naming no portal', async () => {
    const url = await start({ METRICS_TOKEN: TOKEN });
    const attempts: Array<Record<string, string>> = [{}, { authorization: 'Bearer wrong-token-0123456789abcdef' }, { authorization: TOKEN }];
    for (const headers of attempts) {
      const response = await fetch(url, { headers });
      expect(response.status).toBe(401);
      expect(await response.text()).not.toMatch(/4711|5822/);
    }
  });

  it('when the scrape carries the METRICS_TOKEN, then it sees the series per portal', async () => {
    const url = await start({ METRICS_TOKEN: TOKEN });
    const response = await fetch(url, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(response.status).toBe(200);
    const text = await response.text();
    expect(text).toContain('hubspot_api_calls_total{operation="contacts.read",portal="4711",status="200"} 3');
    expect(text).toContain('bant_job_seconds_count{job="decay",portal="5822"} 1');
  });
});
