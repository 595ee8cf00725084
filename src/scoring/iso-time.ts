// toISOString costs about half a microsecond; a batch formats the same few instants (its `now`,
// `now` + each SLA) for every contact, so the last result per call site is kept. Same output, no state that matters.
export function createIsoFormatter(): (ms: number) => string {
  let lastMs = Number.NaN;
  let lastIso = '';
  return (ms) => {
    if (ms !== lastMs) {
      lastIso = new Date(ms).toISOString();
      lastMs = ms;
    }
    return lastIso;
  };
}
