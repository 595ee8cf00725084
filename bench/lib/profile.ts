// CPU profiles over a chosen stretch of a benchmark (`--profile DIR`): the app child through its inspector port (the
// Chrome DevTools protocol over a WebSocket), the bench process (the stand-in and the load) through node:inspector.
// Written as .cpuprofile files (open in Chrome DevTools or summarise with bench/lib/summarise-profile.ts).
import { Session } from 'node:inspector/promises';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export interface Profiling {
  stop(): Promise<string[]>;
}

async function openDevTools(inspectPort: number): Promise<{ send(method: string, params?: object): Promise<unknown>; close(): void }> {
  const targets = (await (await fetch(`http://127.0.0.1:${inspectPort}/json/list`)).json()) as { webSocketDebuggerUrl: string }[];
  const socket = new WebSocket(targets[0]!.webSocketDebuggerUrl);
  await new Promise((resolve, reject) => {
    socket.addEventListener('open', resolve, { once: true });
    socket.addEventListener('error', reject, { once: true });
  });
  let next = 1;
  const waiting = new Map<number, (value: unknown) => void>();
  socket.addEventListener('message', (event) => {
    const message = JSON.parse(String(event.data)) as { id?: number; result?: unknown };
    if (message.id !== undefined) waiting.get(message.id)?.(message.result);
  });
  return {
    send(method, params = {}) {
      const id = next++;
      socket.send(JSON.stringify({ id, method, params }));
      return new Promise((resolve) => waiting.set(id, resolve));
    },
    close: () => socket.close(),
  };
}

/** Starts both profiles; `stop()` writes app.cpuprofile and bench.cpuprofile into `dir` and returns their paths. */
export async function startProfiling(dir: string, appInspectPort: number): Promise<Profiling> {
  const app = await openDevTools(appInspectPort);
  await app.send('Profiler.enable');
  await app.send('Profiler.setSamplingInterval', { interval: 1000 });
  await app.send('Profiler.start');
  const self = new Session();
  self.connect();
  await self.post('Profiler.enable');
  await self.post('Profiler.start');
  return {
    async stop() {
      const appProfile = (await app.send('Profiler.stop')) as { profile: unknown };
      app.close();
      const benchProfile = await self.post('Profiler.stop');
      self.disconnect();
      const files = [join(dir, 'app.cpuprofile'), join(dir, 'bench.cpuprofile')];
      await writeFile(files[0]!, JSON.stringify(appProfile.profile));
      await writeFile(files[1]!, JSON.stringify(benchProfile.profile));
      return files;
    },
  };
}
