// `${VAR}` interpolation of one string scalar (aisix-behavior.md §1.3): `$$` is a literal `$`,
// a bare `$VAR` or trailing `$` stays as written, `${}` and an unterminated `${` are problems,
// and so is a variable that is unset or empty. Pure: the environment is passed in.

export type Env = Readonly<Record<string, string | undefined>>;

export type InterpolationProblem =
  | { kind: 'missing'; name: string; token: string }
  | { kind: 'unterminated'; token: string }
  | { kind: 'empty-name'; token: string }
  | { kind: 'default-syntax'; name: string; token: string };

export interface Interpolated {
  value: string;
  problems: readonly InterpolationProblem[];
}

const NO_PROBLEMS: readonly InterpolationProblem[] = Object.freeze([]);
/** shell-style defaults and checks: `${NAME:-x}`, `${NAME-x}`, `${NAME:=x}`, `${NAME:?x}` */
const SHELL_OPERATOR = /:?[-=?]/;
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

export function interpolate(raw: string, env: Env): Interpolated {
  if (!raw.includes('$')) return { value: raw, problems: NO_PROBLEMS };
  const problems: InterpolationProblem[] = [];
  let out = '';
  let i = 0;
  while (i < raw.length) {
    const dollar = raw.indexOf('$', i);
    if (dollar < 0) {
      out += raw.slice(i);
      break;
    }
    out += raw.slice(i, dollar);
    const next = raw[dollar + 1];
    if (next !== '$' && next !== '{') {
      out += '$';
      i = dollar + 1;
      continue;
    }
    if (next === '$') {
      out += '$';
      i = dollar + 2;
      continue;
    }
    const close = raw.indexOf('}', dollar + 2);
    if (close < 0) {
      problems.push({ kind: 'unterminated', token: '${' });
      out += raw.slice(dollar);
      break;
    }
    out += substitute(raw.slice(dollar + 2, close), env, problems);
    i = close + 1;
  }
  return { value: out, problems };
}

function substitute(name: string, env: Env, problems: InterpolationProblem[]): string {
  const token = `\${${name}}`;
  if (name === '') {
    problems.push({ kind: 'empty-name', token });
    return '';
  }
  const defaultAt = name.search(SHELL_OPERATOR);
  if (defaultAt > 0 && ENV_NAME.test(name.slice(0, defaultAt))) {
    problems.push({ kind: 'default-syntax', name: name.slice(0, defaultAt), token });
    return '';
  }
  const value = Object.hasOwn(env, name) ? env[name] : undefined;
  if (typeof value !== 'string' || value === '') {
    problems.push({ kind: 'missing', name, token });
    return '';
  }
  return value;
}

/** The human message for a problem (never includes a variable's value). */
export function describeProblem(problem: InterpolationProblem): string {
  switch (problem.kind) {
    case 'missing':
      return `environment variable \`${problem.name}\` is unset or empty`;
    case 'unterminated':
      return 'unterminated `${` — close it with `}` or escape the dollar sign as `$$`';
    case 'empty-name':
      return 'empty variable name in `${}`';
    case 'default-syntax':
      return `defaults such as \`${problem.token}\` are not supported (AISIX has none either); set \`${problem.name}\` in the environment`;
  }
}
