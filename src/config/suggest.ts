// "Did you mean …?": the closest known word to a misspelt one, by edit distance (adjacent
// transpositions count as one edit) or by equality once case, `-` and `_` are ignored.

/** The best candidate close enough to `word` to suggest, or null. */
export function closest(word: string, candidates: readonly string[]): string | null {
  const normal = normalise(word);
  let best: string | null = null;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const candidate of candidates) {
    if (normalise(candidate) === normal) return candidate;
    const distance = editDistance(word.toLowerCase(), candidate.toLowerCase());
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best !== null && bestDistance <= allowedEdits(word) ? best : null;
}

/** ` (did you mean `x`?)` or an empty string. */
export function didYouMean(word: string, candidates: readonly string[]): string {
  const match = closest(word, candidates);
  return match === null ? '' : ` (did you mean \`${match}\`?)`;
}

function allowedEdits(word: string): number {
  if (word.length <= 3) return 1;
  if (word.length <= 8) return 2;
  return 3;
}

function normalise(word: string): string {
  return word.toLowerCase().replaceAll('-', '').replaceAll('_', '');
}

/** Optimal string alignment distance (Levenshtein plus adjacent transpositions). */
export function editDistance(a: string, b: string): number {
  const rows: number[][] = [];
  for (let i = 0; i <= a.length; i += 1) {
    const row: number[] = [i];
    for (let j = 1; j <= b.length; j += 1) {
      if (i === 0) {
        row.push(j);
        continue;
      }
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min((rows[i - 1]?.[j] ?? 0) + 1, (row[j - 1] ?? 0) + 1, (rows[i - 1]?.[j - 1] ?? 0) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, (rows[i - 2]?.[j - 2] ?? 0) + 1);
      row.push(d);
    }
    rows.push(row);
  }
  return rows[a.length]?.[b.length] ?? 0;
}
