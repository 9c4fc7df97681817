// Kyverno `attestations[].conditions` evaluated on an in-toto statement, for the simple cases only: keys that
// are a literal or a single `{{ dotted.path }}` (no JMESPath functions, filters or indexes). Kyverno puts the
// predicate at the root of the JSON context, so `{{ builder.id }}` reads `predicate.builder.id`; a path that
// starts with `predicate.` (when the predicate has no such key) reads from the statement instead.
// Anything else is reported as "condition not evaluated", never guessed.

export interface Condition {
  key?: unknown;
  operator?: string;
  value?: unknown;
  message?: string;
}

export interface ConditionBlock {
  any?: Condition[];
  all?: Condition[];
}

export interface ConditionsResult {
  /** true: all blocks pass; false: one fails; undefined: some condition could not be evaluated (and none failed). */
  ok: boolean | undefined;
  /** One line per failed or unevaluated condition. */
  notes: string[];
}

type Eval = { ok: boolean } | { skip: string };

export function evaluateConditions(blocks: ConditionBlock[], statement: { predicate?: unknown } & Record<string, unknown>): ConditionsResult {
  const notes: string[] = [];
  let undecided = false;
  for (const [b, block] of blocks.entries()) {
    const any = block.any ?? [];
    const all = block.all ?? [];
    if (any.length > 0) {
      const results = any.map((c) => evaluate(c, statement));
      if (!results.some((r) => 'ok' in r && r.ok)) {
        const skipped = results.filter((r): r is { skip: string } => 'skip' in r);
        if (skipped.length) {
          undecided = true;
          notes.push(...skipped.map((s) => `condition not evaluated: ${s.skip}`));
        } else {
          return { ok: false, notes: [...notes, `conditions[${b}].any: none holds (${any.map(describe).join('; ')})`] };
        }
      }
    }
    for (const [i, c] of all.entries()) {
      const r = evaluate(c, statement);
      if ('skip' in r) {
        undecided = true;
        notes.push(`condition not evaluated: ${r.skip}`);
      } else if (!r.ok) {
        return { ok: false, notes: [...notes, `conditions[${b}].all[${i}] does not hold: ${c.message ?? describe(c)}`] };
      }
    }
  }
  return { ok: undecided ? undefined : true, notes };
}

function describe(c: Condition): string {
  return `${JSON.stringify(c.key)} ${c.operator} ${JSON.stringify(c.value)}`;
}

const VARIABLE = /^\s*\{\{\s*([A-Za-z_][A-Za-z0-9_-]*(?:\.[A-Za-z_][A-Za-z0-9_-]*)*)\s*\}\}\s*$/;

function resolve(operand: unknown, statement: Record<string, unknown>): { value: unknown } | { skip: string } {
  if (typeof operand !== 'string' || !operand.includes('{{')) return { value: operand };
  const m = VARIABLE.exec(operand);
  if (!m) return { skip: `${JSON.stringify(operand)} is not a simple {{ dotted.path }} (JMESPath functions, filters and indexes are not evaluated here)` };
  const parts = m[1].split('.');
  const predicate = statement.predicate;
  let from: unknown = predicate;
  if (parts[0] === 'predicate' && !(predicate && typeof predicate === 'object' && 'predicate' in (predicate as object))) from = statement;
  for (const p of parts) {
    if (!from || typeof from !== 'object' || Array.isArray(from) || !(p in (from as object))) return { value: undefined };
    from = (from as Record<string, unknown>)[p];
  }
  return { value: from };
}

function evaluate(c: Condition, statement: Record<string, unknown>): Eval {
  const key = resolve(c.key, statement);
  if ('skip' in key) return key;
  const value = resolve(c.value, statement);
  if ('skip' in value) return value;
  const k = key.value;
  const v = value.value;
  const list = (x: unknown) => (Array.isArray(x) ? x : [x]);
  switch (c.operator) {
    case 'Equals':
      return { ok: same(k, v) };
    case 'NotEquals':
      return { ok: !same(k, v) };
    case 'In':
    case 'AllIn':
      return { ok: list(k).every((x) => list(v).some((y) => same(x, y))) };
    case 'AnyIn':
      return { ok: list(k).some((x) => list(v).some((y) => same(x, y))) };
    case 'NotIn':
    case 'AllNotIn':
      return { ok: list(k).every((x) => !list(v).some((y) => same(x, y))) };
    case 'AnyNotIn':
      return { ok: list(k).some((x) => !list(v).some((y) => same(x, y))) };
    case 'GreaterThan':
    case 'GreaterThanOrEquals':
    case 'LessThan':
    case 'LessThanOrEquals':
    case 'DurationGreaterThan':
    case 'DurationGreaterThanOrEquals':
    case 'DurationLessThan':
    case 'DurationLessThanOrEquals': {
      const duration = c.operator.startsWith('Duration');
      const a = duration ? durationSeconds(k) : number(k);
      const b = duration ? durationSeconds(v) : number(v);
      if (a === undefined || b === undefined) return { skip: `${describe(c)} compares values that are not ${duration ? 'durations' : 'numbers'} (${JSON.stringify(k)}, ${JSON.stringify(v)})` };
      const op = c.operator.replace('Duration', '');
      return { ok: op === 'GreaterThan' ? a > b : op === 'GreaterThanOrEquals' ? a >= b : op === 'LessThan' ? a < b : a <= b };
    }
    default:
      return { skip: `operator ${String(c.operator)} is not supported` };
  }
}

/** Kyverno compares scalars loosely across string/number/bool forms ("1" equals 1). */
function same(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a === undefined || b === undefined || a === null || b === null) return false;
  if (typeof a === 'object' || typeof b === 'object') return JSON.stringify(a) === JSON.stringify(b);
  return String(a) === String(b);
}

function number(x: unknown): number | undefined {
  if (typeof x === 'number') return x;
  if (typeof x === 'string' && x.trim() !== '' && Number.isFinite(Number(x))) return Number(x);
  return undefined;
}

const UNIT: Record<string, number> = { ns: 1e-9, us: 1e-6, µs: 1e-6, ms: 1e-3, s: 1, m: 60, h: 3600 };

/** Go time.ParseDuration (`1h30m`, `168h`, `90s`); plain numbers are seconds. */
function durationSeconds(x: unknown): number | undefined {
  if (typeof x === 'number') return x;
  if (typeof x !== 'string') return undefined;
  const s = x.trim();
  if (/^-?\d+(\.\d+)?$/.test(s)) return Number(s);
  const re = /(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/gy;
  let total = 0;
  let m: RegExpExecArray | null;
  let consumed = 0;
  while ((m = re.exec(s))) {
    total += Number(m[1]) * UNIT[m[2]];
    consumed = re.lastIndex;
  }
  return consumed === s.length && s.length > 0 ? total : undefined;
}
