/**
 * The order the worker gets the .proto files in. Pure (no vscode), unit-tested.
 */

/**
 * `files` sorted, those sharing the most leading folders with the capture `near` first (ties keep
 * the sorted order): when two files define the same package (a sample folder each) the capture's
 * own wins. Without `near`, just sorted.
 */
export function nearestFirst(files: Iterable<string>, near?: string): string[] {
  const sorted = [...files].sort();
  if (!near) return sorted;
  const dir = near.split(/[\\/]/).slice(0, -1);
  const shared = (f: string) => {
    const parts = f.split(/[\\/]/);
    let n = 0;
    while (n < dir.length && n < parts.length - 1 && parts[n] === dir[n]) n++;
    return n;
  };
  return sorted
    .map((f) => ({ f, n: shared(f) }))
    .sort((a, b) => b.n - a.n)
    .map((x) => x.f);
}
