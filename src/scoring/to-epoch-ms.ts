/** The scoring time as epoch ms; the engine never reads a clock itself. */
export function toEpochMs(now: Date | string | number): number {
  const ms = now instanceof Date ? now.getTime() : typeof now === 'number' ? now : Date.parse(now);
  if (!Number.isFinite(ms)) throw new RangeError(`invalid scoring time: ${String(now)}`);
  return ms;
}
