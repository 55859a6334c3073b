/**
 * Grouping accuracy (GA) as defined by Zhu et al., "Tools and Benchmarks for Automated Log Parsing"
 * (ICSE-SEIP 2019) and used by loghub: a line is parsed correctly when the set of lines in its
 * predicted group is exactly the set of lines in its ground-truth group; GA is the share of such lines.
 */
export function groupingAccuracy(predicted: readonly (string | number)[], truth: readonly string[]): number {
  if (predicted.length !== truth.length) {
    throw new RangeError(`groupingAccuracy: ${predicted.length} predictions for ${truth.length} lines`);
  }
  if (truth.length === 0) return 1;
  const truthSize = new Map<string, number>();
  for (const t of truth) truthSize.set(t, (truthSize.get(t) ?? 0) + 1);
  // For each predicted group: its size and whether all its lines share one truth group.
  const groups = new Map<string | number, { size: number; truth: string; pure: boolean }>();
  for (let i = 0; i < predicted.length; i++) {
    const p = predicted[i]!;
    const t = truth[i]!;
    const g = groups.get(p);
    if (g === undefined) groups.set(p, { size: 1, truth: t, pure: true });
    else {
      g.size++;
      if (g.truth !== t) g.pure = false;
    }
  }
  let correct = 0;
  for (const g of groups.values()) {
    if (g.pure && truthSize.get(g.truth) === g.size) correct += g.size;
  }
  return correct / truth.length;
}
