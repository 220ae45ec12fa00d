/**
 * Finds what a task function uses from outside itself: free identifiers (resolved against periscopic's
 * scopes), plus `this`, `super`, `arguments`, `new.target` and `import.meta` where they would refer to the
 * caller's context. Standard globals are not reported; everything else is left to the caller to judge.
 */
import type { Scope } from 'periscopic';
import { hoistAnnexBFunctions } from './annex-b.js';
import type { AstNode } from './function-source.js';
import {
  constructorAccess,
  evalUse,
  functionUse,
  GLOBAL_OBJECT_NAMES,
  globalObjectUse,
  type Reach,
  type ReachKind,
  relativeImport,
} from './global-access.js';
import { parsers } from './lazy-parser.js';
import { isStandardGlobal } from './standard-globals.js';

/** One use of something outside the task function. */
export interface OuterReference {
  /** What is referenced: the identifier, or `this` / `super` / `arguments` / `new.target` / `import.meta`. */
  readonly name: string;
  readonly kind: 'identifier' | 'this' | 'super' | 'arguments' | 'new.target' | 'import.meta' | ReachKind;
  /** For `global-property`: the global read through the global object (`globals` may declare it). */
  readonly property?: string;
  /** For `global-property`: this use assigns it. */
  readonly write?: boolean;
  /** Offsets in the parsed text (see `ParsedFunction.offset`). */
  readonly start: number;
  readonly end: number;
  /** True when the use is the operand of `typeof` (the feature-detection idiom). */
  readonly inTypeof: boolean;
}

type EstreeNode = Parameters<typeof import('periscopic').analyze>[0];

interface Frame {
  readonly node: AstNode;
  readonly parent: AstNode | null;
  readonly scope: Scope;
  /** Inside a nested non-arrow function, class field or static block: `this`/`super` are its own. */
  readonly ownThis: boolean;
  /** Inside a non-arrow function (the task itself included): `arguments`/`new.target` are its own. */
  readonly ownArguments: boolean;
  /** Names bound by enclosing class expressions (`class B { m() { B } }`), which periscopic omits. */
  readonly classNames: readonly string[];
}

const SKIP_KEYS = new Set(['type', 'start', 'end', 'loc', 'range']);

/**
 * Lists every use of an outer binding in `root` (a function node), in source order.
 *
 * @example
 * ```ts
 * const { root } = parseFunction((x) => x * limit);
 * findOuterReferences(root); // [{ name: 'limit', kind: 'identifier', start: 9, ... }]
 * ```
 */
export function findOuterReferences(root: AstNode): OuterReference[] {
  const { map } = parsers().analyze(root as unknown as EstreeNode);
  const scopeOf = (node: AstNode): Scope | undefined => map.get(node as unknown as EstreeNode);
  const rootScope = scopeOf(root);
  if (!rootScope) throw new Error('isolane: periscopic returned no scope for the task function');
  hoistAnnexBFunctions(root, scopeOf);
  const parents = new Map<AstNode, AstNode>();
  const parentOf = (node: AstNode) => parents.get(node);
  const isLocalFunction = (id: AstNode) => localFunction(id, scopeOf, parentOf);
  const report = (r: Reach | undefined) => {
    if (r) found.push(r);
  };
  // Which function owns a scope: lets a parameter default skip the body's `var`s, which it cannot see.
  const functionOfScope = new Map<Scope, AstNode>([[rootScope, root]]);
  const found: OuterReference[] = [];
  const isArrow = root.type === 'ArrowFunctionExpression';

  const stack: Frame[] = [
    {
      node: root,
      parent: null,
      scope: rootScope,
      ownThis: false,
      ownArguments: !isArrow,
      classNames: [],
    },
  ];
  while (stack.length > 0) {
    const frame = stack.pop()!;
    const { node, parent } = frame;
    let { scope, ownThis, ownArguments, classNames } = frame;
    // Parents of the children are known before a node is judged: a check may walk up from a child.
    for (const key in node) {
      if (SKIP_KEYS.has(key)) continue;
      const value = node[key];
      if (Array.isArray(value)) {
        for (const item of value) if (isNode(item)) parents.set(item, node);
      } else if (isNode(value)) parents.set(value, node);
    }

    switch (node.type) {
      case 'Identifier': {
        const name = node.name as string;
        if (!parent || !isReference(node, parent)) break;
        if (resolves(name, node, scope, functionOfScope) || classNames.includes(name)) break;
        if (name === 'arguments' && ownArguments) break;
        if (GLOBAL_OBJECT_NAMES.has(name)) {
          report(globalObjectUse(node, name, parentOf, isStandardGlobal));
          break;
        }
        if (name === 'eval') {
          report(evalUse(node, parentOf));
          break;
        }
        if (name === 'Function') {
          report(functionUse(node, name, parentOf));
          break;
        }
        // `taskContext`: the runtime provides it to every inline task (its messages, its signal).
        if (isStandardGlobal(name) || name === 'taskContext') break;
        const inTypeof =
          parent.type === 'UnaryExpression' && parent.operator === 'typeof' && parent.argument === node;
        found.push({
          name,
          kind: name === 'arguments' ? 'arguments' : 'identifier',
          start: node.start,
          end: node.end,
          inTypeof,
        });
        break;
      }
      case 'ThisExpression':
        if (!ownThis) found.push(special('this', 'this', node));
        break;
      case 'Super':
        if (!ownThis) found.push(special('super', 'super', node));
        break;
      case 'MetaProperty': {
        const meta = (node.meta as AstNode).name;
        if (meta === 'import') found.push(special('import.meta', 'import.meta', node));
        else if (!ownArguments) found.push(special('new.target', 'new.target', node));
        continue; // `import` / `meta` / `new` / `target` are not identifiers
      }
      case 'MemberExpression':
        report(constructorAccess(node, parentOf, isLocalFunction));
        break;
      case 'ImportExpression':
        report(relativeImport(node));
        break;
      default:
        break;
    }

    const own = scopeOf(node);
    if (own && node !== root) {
      scope = own;
      if (isFunction(node)) functionOfScope.set(own, node);
    }
    if (node !== root && (node.type === 'FunctionExpression' || node.type === 'FunctionDeclaration')) {
      ownThis = true;
      ownArguments = true;
    }
    if (node.type === 'ClassExpression' && node.id) {
      classNames = [...classNames, (node.id as AstNode).name as string];
    }

    const children: Frame[] = [];
    for (const key in node) {
      if (SKIP_KEYS.has(key)) continue;
      // `{ x }`: the key is the same name as the value; only the value is a reference (visit it once).
      if (key === 'key' && node.type === 'Property' && node.shorthand === true) continue;
      const value = node[key];
      // Class field initializers and static blocks run with the instance/class as `this`.
      const childOwnThis =
        ownThis || (node.type === 'PropertyDefinition' && key === 'value') || node.type === 'StaticBlock';
      const base = { parent: node, scope, ownThis: childOwnThis, ownArguments, classNames };
      if (Array.isArray(value)) {
        for (const item of value) if (isNode(item)) children.push({ node: item, ...base });
      } else if (isNode(value)) {
        children.push({ node: value, ...base });
      }
    }
    for (let i = children.length - 1; i >= 0; i--) stack.push(children[i]!);
  }
  // A global the task assigns through the global object (`globalThis.cache ??= new Map()`) is its own
  // state, not the host's: reading it back is allowed (it persists where the model shares a heap).
  const owned = new Set(found.filter((r) => r.kind === 'global-property' && r.write).map((r) => r.property));
  return found
    .filter((r) => r.kind !== 'global-property' || !owned.has(r.property))
    .sort((a, b) => a.start - b.start);
}

/** Whether an identifier names a function declared in the task (`async function f() {}`, `const f = () => {}`). */
function localFunction(
  id: AstNode,
  scopeOf: (node: AstNode) => Scope | undefined,
  parentOf: (node: AstNode) => AstNode | undefined,
): boolean {
  const name = String(id.name);
  for (let n: AstNode | undefined = id; n; n = parentOf(n)) {
    const scope = scopeOf(n);
    if (!scope) continue;
    const owner = scope.find_owner(name);
    if (!owner) return false;
    const decl = owner.declarations.get(name) as unknown as AstNode;
    if (decl.type === 'FunctionDeclaration') return (decl.id as AstNode | null)?.name === name;
    if (decl.type !== 'VariableDeclaration' || decl.kind !== 'const') return false;
    for (const d of decl.declarations as AstNode[]) {
      const target = d.id as AstNode;
      if (target.type === 'Identifier' && target.name === name) {
        const init = d.init as AstNode | null;
        return init?.type === 'ArrowFunctionExpression' || init?.type === 'FunctionExpression';
      }
    }
    return false;
  }
  return false;
}

function special(name: string, kind: OuterReference['kind'], node: AstNode): OuterReference {
  return { name, kind, start: node.start, end: node.end, inTypeof: false };
}

function isNode(value: unknown): value is AstNode {
  return (
    typeof value === 'object' && value !== null && typeof (value as { type?: unknown }).type === 'string'
  );
}

function isFunction(node: AstNode): boolean {
  return (
    node.type === 'FunctionExpression' ||
    node.type === 'FunctionDeclaration' ||
    node.type === 'ArrowFunctionExpression'
  );
}

function resolves(name: string, ref: AstNode, scope: Scope, functionOfScope: Map<Scope, AstNode>): boolean {
  for (let s: Scope | null = scope; s; s = s.parent) {
    const declaration = s.declarations.get(name) as unknown as AstNode | undefined;
    if (declaration === undefined) continue;
    const fn = functionOfScope.get(s);
    // periscopic puts a function's parameters and its body's `var`s in one scope, but a parameter
    // default (`(a = b) => { var b }`) cannot see the body: only parameters and the name count there.
    if (fn && declaration !== fn && ref.start < (fn.body as AstNode).start) continue;
    return true;
  }
  return false;
}

/** Whether an identifier is a reference to a binding (after is-reference, which periscopic uses). */
function isReference(node: AstNode, parent: AstNode): boolean {
  switch (parent.type) {
    case 'MemberExpression':
      return parent.computed === true || node === parent.object;
    case 'MethodDefinition':
      return parent.computed === true;
    case 'PropertyDefinition':
      return parent.computed === true || node === parent.value;
    case 'Property':
      // `{ x }` shorthand: acorn's value node is the reference (key and value share the position).
      return parent.computed === true || node === parent.value;
    case 'MetaProperty':
    case 'LabeledStatement':
    case 'BreakStatement':
    case 'ContinueStatement':
    case 'ExportSpecifier':
    case 'ImportSpecifier':
      return false;
    default:
      return true;
  }
}
