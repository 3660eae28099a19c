/** `value` rounded to `digits` decimals (a leaf: stats and the database probe both use it). */
export function round(value: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}
