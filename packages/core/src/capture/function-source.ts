/**
 * Turns a function value into something the worker can rebuild: its source text, parsed with acorn, and
 * the expression that evaluates to it. Rejects what has no shippable source (bound and native functions,
 * classes, accessors) with a `SpawnError` saying why.
 */
import type { Node as AcornNode, Options } from 'acorn';
import { SpawnError } from '../errors.js';
import { parsers } from './lazy-parser.js';

/** A loosely typed ESTree node: enough for a generic walk. */
export interface AstNode {
  readonly type: string;
  readonly start: number;
  readonly end: number;
  readonly [key: string]: unknown;
}

/** The parsed task function. */
export interface ParsedFunction {
  /** `Function.prototype.toString` of the function. */
  readonly text: string;
  /** The function node (arrow, function expression, or the method's function). */
  readonly root: AstNode;
  /** Subtract from node offsets to get offsets in `text`. */
  readonly offset: number;
  /** The expression that evaluates to the function in a `new Function('return (' + source + ');')` body. */
  readonly source: string;
  /** True when the function was written as a method (`foo() {}`), so `super` has a home object. */
  readonly method: boolean;
}

const NATIVE = /\{\s*\[native code\]\s*\}\s*$/;
const toSource = Function.prototype.toString;

/**
 * Reads and parses a function's source, or throws a `SpawnError` when it cannot be shipped.
 *
 * @example
 * ```ts
 * parseFunction((a: number) => a + 1).source; // '(a) => a + 1'
 * parseFunction(Math.max); // throws SpawnError: native function
 * ```
 */
export function parseFunction(fn: Function): ParsedFunction {
  // Function.prototype.toString, not fn.toString(): a function may override its own toString.
  const text = toSource.call(fn);
  if (NATIVE.test(text)) {
    if (typeof fn.name === 'string' && fn.name.startsWith('bound ')) {
      throw new SpawnError(
        `inline task ${describe(fn.name.slice(6))} is a bound function (fn.bind(...)): its bound \`this\` and ` +
          'arguments live in this process and cannot be shipped to a worker. Pass them as ordinary arguments ' +
          'instead: wg.go((self, a, b) => ..., self, a, b).',
      );
    }
    throw new SpawnError(
      `inline task ${describe(fn.name)} is a native function ([native code]): it has no JavaScript source to ` +
        'ship. Wrap the call in a function: wg.go((a, b) => Math.max(a, b), 1, 2).',
    );
  }

  const attempts = [
    () => parseExpression(text, 'script'),
    () => parseMethod(fn, text, 'script'),
    // `import.meta` only parses as module code; retried so it is reported as a capture, not a syntax error.
    () => parseExpression(text, 'module'),
    () => parseMethod(fn, text, 'module'),
  ];
  let firstError: unknown;
  for (const attempt of attempts) {
    try {
      const parsed = attempt();
      if (parsed) return parsed;
    } catch (err) {
      if (err instanceof SpawnError) throw err;
      firstError ??= err;
    }
  }
  const reason = firstError instanceof Error ? firstError.message : 'not a function expression';
  throw new SpawnError(
    `inline task ${describe(fn.name)} could not be parsed (${reason}); its source starts with ` +
      `${JSON.stringify(text.slice(0, 60))}. Move it into a module task with defineTask().`,
  );
}

function describe(name: string): string {
  return name ? `"${name}"` : '(anonymous)';
}

function parseWrapped(code: string, sourceType: 'script' | 'module'): AstNode {
  const options: Options = { ecmaVersion: 'latest', sourceType, allowHashBang: false };
  return parsers().parse(code, options) as AcornNode as unknown as AstNode;
}

// The text is parsed inside a function body, as the worker compiles it (`new Function`), so `new.target`
// in a top-level arrow parses; it is reported as a capture later.
const PREFIX = '(function(){return (';
const SUFFIX = ')})';

/** The expression of `PREFIX + inner + SUFFIX`, or undefined when the text did not parse to one expression. */
function wrappedExpression(program: AstNode): AstNode | undefined {
  const body = program.body as AstNode[];
  const statement = body.length === 1 ? body[0] : undefined;
  if (statement?.type !== 'ExpressionStatement') return undefined;
  const wrapper = statement.expression as AstNode;
  if (wrapper.type !== 'FunctionExpression') return undefined;
  const inner = (wrapper.body as AstNode).body as AstNode[];
  const ret = inner.length === 1 ? inner[0] : undefined;
  if (ret?.type !== 'ReturnStatement') return undefined;
  return (ret.argument as AstNode | null) ?? undefined;
}

function parseExpression(text: string, sourceType: 'script' | 'module'): ParsedFunction | undefined {
  const offset = PREFIX.length;
  const expr = wrappedExpression(parseWrapped(PREFIX + text + SUFFIX, sourceType));
  if (expr?.start !== offset || expr.end !== text.length + offset) return undefined;
  if (expr.type === 'ClassExpression') {
    const id = expr.id as AstNode | null;
    const name = id ? ` ${String(id.name)}` : '';
    throw new SpawnError(
      `inline task is a class (class${name} {...}), not a task function: a worker calls the task, it does ` +
        'not construct it. Wrap the work in a function: wg.go((x) => new Worker(x).run(), x), or use a module task.',
    );
  }
  if (expr.type !== 'ArrowFunctionExpression' && expr.type !== 'FunctionExpression') return undefined;
  return { text, root: expr, offset, source: text, method: false };
}

function parseMethod(
  fn: Function,
  text: string,
  sourceType: 'script' | 'module',
): ParsedFunction | undefined {
  const offset = PREFIX.length + 1;
  const expr = wrappedExpression(parseWrapped(`${PREFIX}{${text}}${SUFFIX}`, sourceType));
  const props = expr?.type === 'ObjectExpression' ? (expr.properties as AstNode[]) : [];
  const prop = props.length === 1 ? props[0] : undefined;
  if (prop?.type !== 'Property' || prop.start !== offset || prop.end !== text.length + offset)
    return undefined;
  if (prop.kind === 'get' || prop.kind === 'set') {
    throw new SpawnError(
      `inline task ${describe(fn.name)} is a ${prop.kind}ter (${text.slice(0, 40)}...): an accessor is not a ` +
        'task function. Pass a plain function that does the same work, taking the object it read as an argument.',
    );
  }
  if (prop.method !== true) return undefined;
  const value = prop.value as AstNode;
  const key = prop.key as AstNode;
  let body = text;
  let name: string;
  if (prop.computed === true) {
    // The key expression is evaluated in the caller's scope and may not exist in the worker; only the
    // function's name depends on it, so the key is replaced by that name as a string literal.
    name = fn.name;
    body = text.slice(0, key.start - offset) + JSON.stringify(name) + text.slice(key.end - offset);
  } else if (key.type === 'Identifier') {
    name = String(key.name);
  } else {
    name = String(key.value);
  }
  // An object-literal method keeps the method's semantics exactly: no self-binding of its name (unlike
  // `function foo() {}`), async/generator flags as written, and `fn.name` unchanged.
  return { text, root: value, offset, source: `({${body}})[${JSON.stringify(name)}]`, method: true };
}
