// A tiny load balancer for the multi-instance test: one public address in front of several app instances, as in
// production. Requests go round-robin to the instances still alive; a request whose instance refuses or drops the
// connection (killed) is sent to the next one with the same bytes, and that instance is skipped from then on.
// Only 127.0.0.1. The apps' PUBLIC_BASE_URL is this proxy's URL, so webhook signatures and OAuth redirects hold.
import { createServer, type IncomingMessage, request } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RoundRobinProxy {
  url: string;
  /** Requests answered by each target. */
  served: Map<string, number>;
  /** Stop sending to this target (before killing it, or when it failed). */
  remove(target: string): void;
  close(): Promise<void>;
}

function forward(target: string, req: IncomingMessage, body: Buffer): Promise<{ status: number; headers: Record<string, string | string[]>; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const headers = { ...req.headers };
    delete headers.host;
    const out = request(new URL(req.url ?? '/', target), { method: req.method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const h: Record<string, string | string[]> = {};
        for (const [k, v] of Object.entries(res.headers)) if (v !== undefined && k !== 'transfer-encoding' && k !== 'connection') h[k] = v;
        resolve({ status: res.statusCode ?? 502, headers: h, body: Buffer.concat(chunks) });
      });
      res.on('error', reject);
    });
    out.on('error', reject);
    out.setTimeout(10_000, () => out.destroy(new Error('proxy: upstream timeout')));
    out.end(body);
  });
}

export async function startRoundRobinProxy(targets: string[]): Promise<RoundRobinProxy> {
  const alive = [...targets];
  const served = new Map<string, number>(targets.map((t) => [t, 0]));
  let next = 0;
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = Buffer.concat(chunks);
    for (let tries = 0; tries < targets.length && alive.length > 0; tries++) {
      const target = alive[next++ % alive.length]!;
      try {
        const answer = await forward(target, req, body);
        served.set(target, (served.get(target) ?? 0) + 1);
        res.writeHead(answer.status, answer.headers);
        res.end(answer.body);
        return;
      } catch {
        const i = alive.indexOf(target);
        if (i >= 0) alive.splice(i, 1);
      }
    }
    res.writeHead(502);
    res.end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    served,
    remove(target) {
      const i = alive.indexOf(target);
      if (i >= 0) alive.splice(i, 1);
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
