import { FieldProblem } from '../errors/domain-errors';

export interface InputShapeLimits {
  /** Levels of arrays and objects; the validation pipe recurses once per level, so deep input would overflow its stack. */
  maxDepth: number;
  /** Values (arrays, objects, strings, numbers...) in one input. */
  maxValues: number;
}

/** PostgreSQL text cannot hold it (error 22021), and no organiser means it. */
export const NUL = '\u0000';
export const NUL_MESSAGE = 'must not contain a NUL character (\\u0000)';

/**
 * Checks the shape of parsed input before anything recursive touches it: nesting depth and
 * value count within the limits, no NUL in any string or key. Iterative (an explicit stack),
 * so its own depth is not the call stack's. Returns the first problem, naming the field as the
 * validation errors do (`[3].participant.lastName`), or null.
 */
export function findShapeProblem(input: unknown, limits: InputShapeLimits, root = 'body'): FieldProblem | null {
  const stack: { value: unknown; path: string; depth: number }[] = [{ value: input, path: '', depth: 0 }];
  let seen = 0;
  while (stack.length > 0) {
    const { value, path, depth } = stack.pop()!;
    seen += 1;
    if (typeof value === 'string') {
      if (value.includes(NUL)) return { field: path || root, message: NUL_MESSAGE };
      continue;
    }
    // Buffers (an uploaded file's bytes) are data, not structure.
    if (value === null || typeof value !== 'object' || ArrayBuffer.isView(value)) continue;
    if (depth >= limits.maxDepth) return { field: root, message: `is nested more than ${limits.maxDepth} levels deep` };
    const tooMany = (children: number) => seen + stack.length + children > limits.maxValues;
    if (Array.isArray(value)) {
      // Refused before queueing the elements: a 5 MB body can hold millions of them.
      if (tooMany(value.length)) return { field: root, message: `holds more than ${limits.maxValues} values` };
      for (let i = value.length - 1; i >= 0; i -= 1) stack.push({ value: value[i], path: `${path}[${i}]`, depth: depth + 1 });
      continue;
    }
    const keys = Object.keys(value);
    if (tooMany(keys.length)) return { field: root, message: `holds more than ${limits.maxValues} values` };
    for (let i = keys.length - 1; i >= 0; i -= 1) {
      const key = keys[i];
      // A NUL in a key cannot name a field: the problem is the whole input's.
      if (key.includes(NUL)) return { field: path || root, message: `has a key that ${NUL_MESSAGE}` };
      stack.push({ value: (value as Record<string, unknown>)[key], path: path ? `${path}.${key}` : key, depth: depth + 1 });
    }
  }
  return null;
}
