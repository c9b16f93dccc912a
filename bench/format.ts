// Small number helpers shared by the benchmark sections: units, rounding, order statistics.

export const kb = (bytes: number): number => round(bytes / 1024, 1);

export const round = (value: number, digits = 2): number => {
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
};

/** Median of a non-empty list (the mean of the middle two for an even count). */
export const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  const upper = sorted[middle] ?? Number.NaN;
  return sorted.length % 2 === 1 ? upper : ((sorted[middle - 1] ?? Number.NaN) + upper) / 2;
};

/** Prints a section title the tables below it can be found by. */
export const heading = (title: string, note?: string): void => {
  console.log(`\n== ${title} ==`);
  if (note) console.log(note);
};
