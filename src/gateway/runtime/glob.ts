// Single-`*` globs (AISIX `allowed_models`, wildcard model names, forward_client_headers),
// compiled once into prefix/suffix pairs so matching never builds a regex per request.
export interface Glob {
  readonly pattern: string;
  /** the text `*` stands for, or null when `name` does not match */
  match(name: string): string | null;
  /** literal characters: the specificity of a wildcard model */
  readonly literalLength: number;
}

export function compileGlob(pattern: string): Glob {
  const star = pattern.indexOf('*');
  if (star < 0) {
    return { pattern, literalLength: pattern.length, match: (name) => (name === pattern ? '' : null) };
  }
  const prefix = pattern.slice(0, star);
  const suffix = pattern.slice(star + 1);
  const minLength = prefix.length + suffix.length;
  return {
    pattern,
    literalLength: minLength,
    match: (name) =>
      name.length >= minLength && name.startsWith(prefix) && name.endsWith(suffix)
        ? name.slice(prefix.length, name.length - suffix.length)
        : null,
  };
}

/** Matches when any of the globs matches (an empty list matches nothing). */
export function anyGlob(globs: readonly Glob[], name: string): boolean {
  for (const glob of globs) if (glob.match(name) !== null) return true;
  return false;
}
