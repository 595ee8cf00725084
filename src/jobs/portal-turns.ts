// Steps that read what the step before them stored (a rep's tasks today against the daily budget, the routing
// rotation) take turns within the process: started in order, each runs once the one before it has ended.
const tails = new Map<string, Promise<unknown>>();

/** Runs `step` after every step taken before under the same key; its result or error is the caller's. */
export async function takeTurn<T>(key: string, step: () => Promise<T>): Promise<T> {
  const before = tails.get(key) ?? Promise.resolve();
  const turn = before.then(step, step);
  const tail = turn.catch(() => {});
  tails.set(key, tail);
  try {
    return await turn;
  } finally {
    if (tails.get(key) === tail) tails.delete(key);
  }
}
