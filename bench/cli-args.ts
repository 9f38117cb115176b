/** The i-th command-line argument after the script, as a positive integer, or the fallback. */
export function positiveIntArg(i: number, fallback: number): number {
  const v = Number(process.argv[2 + i]);
  return Number.isInteger(v) && v > 0 ? v : fallback;
}
