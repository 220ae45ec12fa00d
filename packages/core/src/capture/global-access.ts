/**
 * Code that reaches past the task's own scope without naming a variable: the global object
 * (`globalThis.x`, `global['a' + 'b']`, `Reflect.get(globalThis, k)`), code built from strings (`eval`,
 * `(0, eval)`, `Function`, `new Function`, a function literal's `.constructor`, `x.constructor.constructor`)
 * and relative dynamic imports. Under `cooperative` each of these reaches the host (its globals, its
 * module), in a worker something else, so the same task would give different results per driver.
 *
 * What is recognised is what the source shows; a value that travels through a variable first
 * (`const g = globalThis` is reported, but `const f = makeFn(); f.constructor(...)` cannot be) is out of
 * reach of any static check. See docs/security.md, "Capture rules".
 */
import type { AstNode } from './function-source.js';

/** Names of the global object an inline task may not reach through (when not shadowed). */
export const GLOBAL_OBJECT_NAMES: ReadonlySet<string> = new Set(['globalThis', 'global']);

/** What a use reaches, as reported in a CaptureError. */
export type ReachKind =
  | 'global-property'
  | 'global-object'
  | 'eval'
  | 'function-constructor'
  | 'relative-import';

/** One use found by the functions below (offsets are those of the parsed text). */
export interface Reach {
  readonly kind: ReachKind;
  /** What the message names, e.g. `globalThis.secret`, `eval`, `import('./x.js')`. */
  readonly name: string;
  /** For `global-property`: the property read, which `globals` may declare. */
  readonly property?: string;
  /** For `global-property`: the task assigns it (`globalThis.x = …`, `??=`, `++`): the task's own state. */
  readonly write?: boolean;
  readonly start: number;
  readonly end: number;
  readonly inTypeof: boolean;
}

/** Looks up a node's parent (filled while walking top-down, so every ancestor of a node is known). */
export type ParentOf = (node: AstNode) => AstNode | undefined;

/**
 * Judges a use of the global object (`globalThis` / `global`, unshadowed): a named standard global is
 * fine, a name in `isAllowed` (checked later) is reported with its property, anything else is a problem.
 *
 * @example
 * ```ts
 * globalObjectUse(node, 'globalThis', parentOf, isStandardGlobal); // { kind: 'global-property', name: 'globalThis.secret', ... }
 * ```
 */
export function globalObjectUse(
  node: AstNode,
  written: string,
  parentOf: ParentOf,
  isStandard: (name: string) => boolean,
): Reach | undefined {
  let target = node;
  let text = written;
  for (;;) {
    const parent = parentOf(target);
    if (!parent) return undefined;
    if (isTypeofOperand(target, parent)) return undefined;
    // `'gc' in globalThis`: feature detection with a name written in the source, like `typeof`.
    if (parent.type === 'BinaryExpression' && parent.operator === 'in' && parent.right === target) {
      const key = staticString(parent.left as AstNode);
      if (key !== undefined) return undefined;
      return reach('global-object', `\`… in ${text}\``, parent, false);
    }
    if (parent.type === 'MemberExpression' && parent.object === target) {
      const key = propertyName(parent);
      if (key === undefined) return reach('global-object', `${text}[…]`, parent, false);
      const inTypeof = isTypeofOperand(parent, parentOf(parent));
      if (key === 'eval') return reach('eval', `${text}.eval`, parent, false);
      if (key === 'Function') return functionUse(parent, `${text}.Function`, parentOf);
      if (GLOBAL_OBJECT_NAMES.has(key)) {
        target = parent;
        text = `${text}.${key}`;
        continue;
      }
      if (isStandard(key)) return undefined;
      const grand = parentOf(parent);
      const write =
        (grand?.type === 'AssignmentExpression' && grand.left === parent) ||
        (grand?.type === 'UpdateExpression' && grand.argument === parent);
      return { ...reach('global-property', `${text}.${key}`, parent, inTypeof), property: key, write };
    }
    // `const { a, b: c } = globalThis`: each key is a named read.
    if (parent.type === 'VariableDeclarator' && parent.init === target) {
      const id = parent.id as AstNode;
      if (id.type !== 'ObjectPattern') return reach('global-object', text, target, false);
      for (const prop of id.properties as AstNode[]) {
        if (prop.type !== 'Property') return reach('global-object', `{ ...rest } = ${text}`, prop, false);
        const key = propertyName(prop);
        if (key === undefined) return reach('global-object', `{ [key] } = ${text}`, prop, false);
        if (key === 'eval' || key === 'Function') {
          return reach(key === 'eval' ? 'eval' : 'function-constructor', `${text}.${key}`, prop, false);
        }
        if (!isStandard(key) && !GLOBAL_OBJECT_NAMES.has(key)) {
          return { ...reach('global-property', `${text}.${key}`, prop, false), property: key };
        }
      }
      return undefined;
    }
    return reach('global-object', text, target, false);
  }
}

/**
 * Judges a use of `eval` (unshadowed): only `typeof eval` is fine.
 *
 * @example
 * ```ts
 * evalUse(node, parentOf); // { kind: 'eval', name: 'eval', ... } for eval('x') and (0, eval)('x')
 * ```
 */
export function evalUse(node: AstNode, parentOf: ParentOf): Reach | undefined {
  if (isTypeofOperand(node, parentOf(node))) return undefined;
  return reach('eval', 'eval', node, false);
}

/**
 * Judges a use of `Function` (unshadowed): `typeof Function`, `x instanceof Function` and
 * `Function.prototype.method` (other than `.constructor`) are fine; calling it, constructing it, or
 * letting it escape (`Reflect.construct(Function, …)`, `Function.call(…)`) is a problem.
 *
 * @example
 * ```ts
 * functionUse(node, 'Function', parentOf); // a Reach for new Function('return x')
 * ```
 */
export function functionUse(node: AstNode, written: string, parentOf: ParentOf): Reach | undefined {
  const parent = parentOf(node);
  if (parent) {
    if (isTypeofOperand(node, parent)) return undefined;
    if (parent.type === 'BinaryExpression' && parent.operator === 'instanceof' && parent.right === node) {
      return undefined;
    }
    if (
      parent.type === 'MemberExpression' &&
      parent.object === node &&
      propertyName(parent) === 'prototype'
    ) {
      const grand = parentOf(parent);
      const reached =
        grand?.type === 'MemberExpression' && grand.object === parent ? propertyName(grand) : '';
      if (reached !== 'constructor' && reached !== undefined) return undefined;
    }
  }
  return reach('function-constructor', written, node, false);
}

/**
 * A `.constructor` read that yields a function constructor: on a function literal
 * (`(async () => {}).constructor`), on `Object.getPrototypeOf(<function literal>)`, on a local function
 * (`async function f() {}` … `f.constructor`), or `x.constructor.constructor` (Function, for any `x`).
 * Reading `.name` of it, or comparing it, is fine.
 *
 * @example
 * ```ts
 * constructorAccess(member, parentOf, isLocalFunction); // a Reach for (async () => {}).constructor('...')
 * ```
 */
export function constructorAccess(
  member: AstNode,
  parentOf: ParentOf,
  isLocalFunction: (identifier: AstNode) => boolean,
): Reach | undefined {
  if (propertyName(member) !== 'constructor') return undefined;
  const object = member.object as AstNode;
  let what: string | undefined;
  if (isFunctionLiteral(object)) {
    what = '(function literal).constructor';
  } else if (object.type === 'Identifier' && isLocalFunction(object)) {
    what = `${String(object.name)}.constructor`;
  } else if (isPrototypeOfFunction(object, isLocalFunction)) {
    what = 'Object.getPrototypeOf(function).constructor';
  } else if (object.type === 'MemberExpression' && propertyName(object) === 'constructor') {
    const inner = object.object as AstNode;
    // Reported once: `(async () => {}).constructor.constructor` is already caught at the inner read.
    if (isFunctionLiteral(inner) || (inner.type === 'Identifier' && isLocalFunction(inner))) return undefined;
    what = '….constructor.constructor';
  }
  if (what === undefined) return undefined;
  const parent = parentOf(member);
  if (parent?.type === 'MemberExpression' && parent.object === member && propertyName(parent) === 'name') {
    return undefined;
  }
  if (parent?.type === 'BinaryExpression' && /^(?:[!=]==?|instanceof)$/.test(String(parent.operator))) {
    return undefined;
  }
  return reach('function-constructor', what, member, false);
}

/**
 * A dynamic `import()` whose specifier the source shows to be relative (`'./x.js'`, `` `../${name}` ``,
 * `'./' + name`): inside a rebuilt inline task it would resolve against whatever module compiled it.
 *
 * @example
 * ```ts
 * relativeImport(importExpression); // { kind: 'relative-import', name: "import('./x.js')", ... }
 * ```
 */
export function relativeImport(node: AstNode): Reach | undefined {
  const prefix = leadingString(node.source as AstNode);
  if (prefix === undefined || !/^\.\.?(?:\/|$)/.test(prefix)) return undefined;
  return reach(
    'relative-import',
    `import('${prefix}${staticString(node.source as AstNode) === undefined ? '…' : ''}')`,
    node,
    false,
  );
}

function reach(kind: ReachKind, name: string, node: AstNode, inTypeof: boolean): Reach {
  return { kind, name, start: node.start, end: node.end, inTypeof };
}

function isTypeofOperand(node: AstNode, parent: AstNode | undefined): boolean {
  return parent?.type === 'UnaryExpression' && parent.operator === 'typeof' && parent.argument === node;
}

/** The key of a member expression or property when the source spells it out, else undefined. */
function propertyName(node: AstNode): string | undefined {
  const key = (node.type === 'MemberExpression' ? node.property : node.key) as AstNode;
  if (node.computed !== true) return key.type === 'Identifier' ? String(key.name) : staticString(key);
  return staticString(key);
}

/** A string literal or a template literal without expressions. */
function staticString(node: AstNode): string | undefined {
  if (node.type === 'Literal' && typeof node.value === 'string') return node.value;
  if (node.type === 'TemplateLiteral' && (node.expressions as AstNode[]).length === 0) {
    return String(((node.quasis as AstNode[])[0]!.value as { cooked: string }).cooked);
  }
  return undefined;
}

/** The text a specifier certainly starts with: a literal, a template's head, the left end of `+`. */
function leadingString(node: AstNode): string | undefined {
  if (node.type === 'TemplateLiteral') {
    return String(((node.quasis as AstNode[])[0]!.value as { cooked: string }).cooked);
  }
  if (node.type === 'BinaryExpression' && node.operator === '+') return leadingString(node.left as AstNode);
  return staticString(node);
}

function isFunctionLiteral(node: AstNode): boolean {
  return node.type === 'ArrowFunctionExpression' || node.type === 'FunctionExpression';
}

/** `Object.getPrototypeOf(fn)` / `Reflect.getPrototypeOf(fn)` / `fn.__proto__` for a known function. */
function isPrototypeOfFunction(node: AstNode, isLocalFunction: (identifier: AstNode) => boolean): boolean {
  const known = (n: AstNode | undefined) =>
    n !== undefined && (isFunctionLiteral(n) || (n.type === 'Identifier' && isLocalFunction(n)));
  if (node.type === 'MemberExpression' && propertyName(node) === '__proto__') {
    return known(node.object as AstNode);
  }
  if (node.type !== 'CallExpression') return false;
  const callee = node.callee as AstNode;
  if (callee.type !== 'MemberExpression' || propertyName(callee) !== 'getPrototypeOf') return false;
  const owner = callee.object as AstNode;
  if (owner.type !== 'Identifier' || (owner.name !== 'Object' && owner.name !== 'Reflect')) return false;
  return known((node.arguments as AstNode[])[0]);
}
