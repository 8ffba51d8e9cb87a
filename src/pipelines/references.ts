import { NovaError } from '../domain/nova-error.ts';

/**
 * `{{input.topic}}`, `{{steps.research.output.sources[0].url}}`, `{{item}}`, `{{index}}`: how a
 * step reads the pipeline input and earlier outputs. A value that is exactly one reference
 * becomes that value (a list stays a list); references inside longer text become text (JSON for
 * objects and lists).
 */

const referencePattern = /\{\{\s*([^{}]+?)\s*\}\}/g;
const wholeReference = /^\s*\{\{\s*([^{}]+?)\s*\}\}\s*$/;

export type PathSegment = string | number;

export interface Reference {
  /** As written, e.g. `steps.research.output.summary`. */
  readonly text: string;
  readonly root: 'input' | 'steps' | 'item' | 'index';
  /** For `steps.<id>…`: the step id. */
  readonly stepId?: string;
  /** Segments after `input`, `steps.<id>.output` or `item`. */
  readonly path: readonly PathSegment[];
}

export interface ReferenceScope {
  readonly input: unknown;
  /** Outputs of steps that ran; a skipped step is absent. */
  readonly outputs: ReadonlyMap<string, unknown>;
  readonly item?: unknown;
  readonly index?: number;
}

/** Splits `a.b[2].c` into `['a', 'b', 2, 'c']`; undefined when it is not a path. */
function splitPath(text: string): PathSegment[] | undefined {
  const segments: PathSegment[] = [];
  const pattern = /([A-Za-z_][A-Za-z0-9_-]*)|\[(\d+)\]|(\.)/gy;
  let expectName = true;
  let match: RegExpExecArray | null;
  let consumed = 0;
  while ((match = pattern.exec(text)) !== null) {
    consumed = pattern.lastIndex;
    if (match[1] !== undefined) {
      if (!expectName) return undefined;
      segments.push(match[1]);
      expectName = false;
    } else if (match[2] !== undefined) {
      if (segments.length === 0) return undefined;
      segments.push(Number(match[2]));
    } else {
      if (expectName) return undefined;
      expectName = true;
    }
  }
  if (consumed !== text.length || expectName) return undefined;
  return segments;
}

/** Parses one reference's inner text; a message says what would be right when it is wrong. */
export function parseReference(text: string): Reference | { error: string } {
  const segments = splitPath(text);
  const help =
    'write {{input.<field>}}, {{steps.<step-id>.output}} (optionally .<field>), {{item}} or {{index}}';
  if (!segments || segments.length === 0) return { error: `"{{${text}}}" is not a reference; ${help}` };
  const [root, ...rest] = segments;
  if (root === 'input') return { text, root, path: rest };
  if (root === 'item') return { text, root, path: rest };
  if (root === 'index') {
    if (rest.length > 0) return { error: `{{index}} is a number and has no fields` };
    return { text, root, path: [] };
  }
  if (root === 'steps') {
    const [stepId, output, ...path] = rest;
    if (typeof stepId !== 'string' || output !== 'output') {
      return { error: `"{{${text}}}" must name a step's output: {{steps.<step-id>.output…}}` };
    }
    return { text, root, stepId, path };
  }
  return { error: `"{{${text}}}" starts with "${String(root)}"; ${help}` };
}

/** Every reference in a value (strings inside objects and lists included). */
export function findReferences(value: unknown): Array<Reference | { error: string }> {
  const found: Array<Reference | { error: string }> = [];
  const visit = (node: unknown): void => {
    if (typeof node === 'string') {
      for (const match of node.matchAll(referencePattern)) found.push(parseReference(match[1] ?? ''));
    } else if (Array.isArray(node)) {
      for (const element of node) visit(element);
    } else if (node !== null && typeof node === 'object') {
      for (const element of Object.values(node)) visit(element);
    }
  };
  visit(value);
  return found;
}

function describe(reference: Reference): string {
  return `{{${reference.text}}}`;
}

function lookup(reference: Reference, scope: ReferenceScope): unknown {
  let value: unknown;
  if (reference.root === 'input') value = scope.input;
  else if (reference.root === 'item') {
    if (scope.item === undefined)
      throw new NovaError('BAD_REQUEST', `${describe(reference)} is only defined inside a map step's "do"`);
    value = scope.item;
  } else if (reference.root === 'index') {
    if (scope.index === undefined)
      throw new NovaError('BAD_REQUEST', `${describe(reference)} is only defined inside a map step's "do"`);
    return scope.index;
  } else {
    const stepId = reference.stepId ?? '';
    if (!scope.outputs.has(stepId)) {
      throw new NovaError(
        'BAD_REQUEST',
        `${describe(reference)}: step "${stepId}" has no output (it did not run)`,
      );
    }
    value = scope.outputs.get(stepId);
  }
  for (const [position, segment] of reference.path.entries()) {
    const container = value;
    if (
      typeof segment === 'number'
        ? Array.isArray(container)
        : container !== null && typeof container === 'object' && !Array.isArray(container)
    ) {
      value = (container as Record<string | number, unknown>)[segment];
    } else value = undefined;
    if (value === undefined) {
      const at = reference.path
        .slice(0, position + 1)
        .map((part) => (typeof part === 'number' ? `[${part}]` : `.${part}`))
        .join('');
      throw new NovaError(
        'BAD_REQUEST',
        `${describe(reference)}: there is no ${at.replace(/^\./, '')} in the value it points to`,
      );
    }
  }
  return value;
}

function asText(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** Fills in the references in a value; strings that are one reference take the referenced value. */
export function resolveReferences(value: unknown, scope: ReferenceScope): unknown {
  if (typeof value === 'string') {
    const whole = wholeReference.exec(value);
    if (whole) {
      const reference = parseReference(whole[1] ?? '');
      if ('error' in reference) throw new NovaError('BAD_REQUEST', reference.error);
      return lookup(reference, scope);
    }
    return value.replace(referencePattern, (_match, inner: string) => {
      const reference = parseReference(inner);
      if ('error' in reference) throw new NovaError('BAD_REQUEST', reference.error);
      return asText(lookup(reference, scope));
    });
  }
  if (Array.isArray(value)) return value.map((element) => resolveReferences(element, scope));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([key, element]) => [key, resolveReferences(element, scope)]),
    );
  }
  return value;
}

/** `resolveReferences` for a value that must come out as text (task texts, messages). */
export function resolveText(template: string, scope: ReferenceScope): string {
  return asText(resolveReferences(template, scope));
}
