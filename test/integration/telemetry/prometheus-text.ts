/** Reads samples out of a Prometheus exposition, for the telemetry tests. */

export interface Sample {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

export function samples(text: string): Sample[] {
  const found: Sample[] = [];
  for (const line of text.split('\n')) {
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (match === null) continue;
    const labels = Object.fromEntries(
      [...(match[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((pair) => [
        pair[1] as string,
        pair[2] as string,
      ]),
    );
    found.push({ name: match[1] as string, labels, value: Number(match[3]) });
  }
  return found;
}

/** The sum of `name`'s samples whose labels include `labels`. */
export function total(
  text: string,
  name: string,
  labels: Readonly<Record<string, string>> = {},
): number {
  return samples(text)
    .filter(
      (sample) =>
        sample.name === name &&
        Object.entries(labels).every(([key, value]) => sample.labels[key] === value),
    )
    .reduce((sum, sample) => sum + sample.value, 0);
}

/** `name`'s samples' values of `label`, e.g. every operation counted. */
export function labelValues(text: string, name: string, label: string): string[] {
  return [
    ...new Set(
      samples(text).flatMap((sample) =>
        sample.name === name && sample.labels[label] !== undefined
          ? [sample.labels[label] as string]
          : [],
      ),
    ),
  ].sort();
}
