// One Redis connection for Bottleneck's clustering: limiters created with `datastore: 'ioredis'`, this connection and
// the same `id` share their counts (reservoir, running jobs) across every app instance, so a portal's HubSpot budget
// (110 requests per 10 s) holds for the whole fleet, not per process.
//
// Usage: new Bottleneck({ id: `hubspot:${portalId}`, datastore: 'ioredis', connection, clearDatastore: false, ... }).
// Every instance must configure a limiter id the same way; the first to start writes the settings to Redis.
import Bottleneck from 'bottleneck';
import { Redis } from 'ioredis';

export interface BottleneckConnection {
  connection: Bottleneck.IORedisConnection;
  /** Quits both Redis clients (Bottleneck's client and its subscriber). */
  close(): Promise<void>;
}

export function createBottleneckConnection(redisUrl: string, options: { onError?: (error: Error) => void } = {}): BottleneckConnection {
  // Our own client (not Bottleneck's `require('ioredis')`), so the installed ioredis is the one used; Bottleneck
  // duplicates it for its pub/sub subscriber.
  const client = new Redis(redisUrl, { lazyConnect: false, enableAutoPipelining: false });
  const connection = new Bottleneck.IORedisConnection({ client, Redis });
  const report =
    options.onError ??
    ((error: Error) => {
      // Redacted: a redis:// URL may carry a password and ioredis puts none in its errors, but be sure.
      process.stderr.write(`bottleneck redis error: ${error.message.split(redisUrl).join('[REDIS_URL]')}\n`);
    });
  connection.on('error', report);
  let closing: Promise<void> | undefined;
  return {
    connection,
    close() {
      closing ??= connection.disconnect(true).then(
        () => undefined,
        () => undefined,
      );
      return closing;
    },
  };
}
