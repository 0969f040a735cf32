/**
 * "Did you mean" for names a person typed: config keys, source and operation
 * names, schema fields. Hand-written: a dozen lines of edit distance over
 * short names, shared by sources and the gateway, not worth a dependency.
 */

/** Edit distance with adjacent transpositions (optimal string alignment), case-insensitive: "bacth" is one edit from "batch". Small inputs only (names). */
function distance(left: string, right: string): number {
  const a = left.toLowerCase();
  const b = right.toLowerCase();
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) =>
    Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  for (let i = 1; i <= a.length; i += 1) {
    for (let j = 1; j <= b.length; j += 1) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      const row = d[i] as number[];
      const above = d[i - 1] as number[];
      row[j] = Math.min(
        (above[j] as number) + 1,
        (row[j - 1] as number) + 1,
        (above[j - 1] as number) + cost,
      );
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        row[j] = Math.min(row[j] as number, ((d[i - 2] as number[])[j - 2] as number) + 1);
    }
  }
  return (d[a.length] as number[])[b.length] as number;
}

/** 0 for the same name in another case, at most 1 when one contains the other, else the edit distance. */
function score(name: string, candidate: string): number {
  const a = name.toLowerCase();
  const b = candidate.toLowerCase();
  if (a === b) return 0;
  const containment = a.includes(b) || b.includes(a) ? 1 : Number.POSITIVE_INFINITY;
  return Math.min(containment, distance(a, b));
}

/** Up to three names of `candidates` closest to `name`: those as near as the nearest one; names too far apart are left out. */
export function closestNames(name: string, candidates: Iterable<string>): string[] {
  const scored = [...candidates].map((candidate) => ({ candidate, score: score(name, candidate) }));
  const best = Math.min(...scored.map((entry) => entry.score));
  const threshold = Math.min(best, Math.max(2, Math.floor(name.length / 2)));
  return scored
    .filter(({ score: value }) => value <= threshold)
    .sort((a, b) => a.score - b.score || a.candidate.localeCompare(b.candidate))
    .slice(0, 3)
    .map(({ candidate }) => candidate);
}
