// The anonymous load of bench/flood.ts, in a worker thread: its event loop is not the one that times the webhook
// acknowledgements, so the generator's own work does not show up as acknowledgement latency.
import { Agent, request } from 'node:http';
import { parentPort, workerData } from 'node:worker_threads';

export type FloodJob =
  | { kind: 'states'; urls: string[]; connections: number }
  | { kind: 'bodies'; url: string; seconds: number; bytes: number; connections: number };

export interface FloodResult {
  statuses: Record<string, number>;
  sent: number;
  seconds: number;
}

/** GET without following redirects; resolves with the status (0 when the connection failed). */
function get(agent: Agent, url: string): Promise<number> {
  return new Promise((resolve) => {
    const req = request(url, { agent }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
      res.on('error', () => resolve(0));
    });
    req.on('error', () => resolve(0));
    req.end();
  });
}

/** POST `body` on a new connection; resolves with the status as soon as the answer arrives, whether or not the body was taken. */
function postBody(url: string, body: Buffer): Promise<number> {
  return new Promise((resolve) => {
    let status = 0;
    const req = request(url, { method: 'POST', agent: false, headers: { 'content-type': 'application/json', 'content-length': body.length } }, (res) => {
      status = res.statusCode ?? 0;
      res.resume();
      res.on('end', () => resolve(status));
      res.on('error', () => resolve(status));
    });
    req.on('error', () => resolve(status));
    req.end(body);
  });
}

async function runWorkers(count: number, next: () => (() => Promise<void>) | undefined): Promise<void> {
  await Promise.all(
    Array.from({ length: count }, async () => {
      for (let job = next(); job; job = next()) await job();
    }),
  );
}

async function run(job: FloodJob): Promise<FloodResult> {
  const statuses: Record<string, number> = {};
  const count = (key: string) => {
    statuses[key] = (statuses[key] ?? 0) + 1;
  };
  const started = performance.now();
  let sent = 0;
  if (job.kind === 'states') {
    const agent = new Agent({ keepAlive: true, maxSockets: job.connections });
    let index = 0;
    await runWorkers(job.connections, () => {
      const url = job.urls[index++];
      if (url === undefined) return undefined;
      return async () => {
        const status = await get(agent, url);
        sent += 1;
        count(`${new URL(url).pathname} ${status}`);
      };
    });
    agent.destroy();
  } else {
    const depth = Math.floor(job.bytes / 2);
    const nested = Buffer.from(`${'['.repeat(depth)}${']'.repeat(depth)}`);
    const until = started + job.seconds * 1000;
    await runWorkers(job.connections, () => {
      if (performance.now() >= until) return undefined;
      return async () => {
        const status = await postBody(job.url, nested);
        sent += 1;
        count(String(status));
      };
    });
  }
  return { statuses, sent, seconds: (performance.now() - started) / 1000 };
}

parentPort?.postMessage(await run(workerData as FloodJob));
