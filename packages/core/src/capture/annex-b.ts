/**
 * Sloppy-mode block functions (ECMAScript Annex B.3.3): in non-strict code, `function g() {}` declared in
 * a block is also a `var` of the enclosing function, so `function f() { { function g() {} } return g(); }`
 * is legal and calls the inner `g`. periscopic scopes `g` to its block only; this adds the `var` binding
 * to the function's scope, under the same conditions as the standard (plain functions, sloppy code, no
 * `let`/`const`/`class` of that name between the block and the function). An inline task is rebuilt with
 * `new Function`, which is sloppy unless the task says `'use strict'`, so that is what is judged.
 */
import type { Scope } from 'periscopic';
import type { AstNode } from './function-source.js';

const SKIP_KEYS = new Set(['type', 'start', 'end', 'loc', 'range']);

/**
 * Adds the Annex B `var` bindings of block-level function declarations to their functions' scopes.
 *
 * @example
 * ```ts
 * const { map } = analyze(root);
 * hoistAnnexBFunctions(root, (n) => map.get(n));
 * ```
 */
export function hoistAnnexBFunctions(root: AstNode, scopeOf: (node: AstNode) => Scope | undefined): void {
  visit(root, false, undefined, undefined, scopeOf);
}

function visit(
  node: AstNode,
  strictAbove: boolean,
  fn: AstNode | undefined,
  container: AstNode | undefined,
  scopeOf: (node: AstNode) => Scope | undefined,
): void {
  let strict = strictAbove;
  let owner = fn;
  if (isFunction(node)) {
    strict = strictAbove || hasUseStrict(node);
    owner = node;
  } else if (node.type === 'ClassBody') {
    strict = true;
  }
  if (
    node.type === 'FunctionDeclaration' &&
    !strict &&
    fn !== undefined &&
    container !== undefined &&
    node.async !== true &&
    node.generator !== true &&
    container !== fn.body
  ) {
    hoist(node, fn, container, scopeOf);
  }
  for (const key in node) {
    if (SKIP_KEYS.has(key)) continue;
    const value = node[key];
    const childContainer =
      node.type === 'BlockStatement' || node.type === 'SwitchStatement' ? node : container;
    if (Array.isArray(value)) {
      for (const item of value) if (isNode(item)) visit(item, strict, owner, childContainer, scopeOf);
    } else if (isNode(value)) {
      // Only direct children of a block (or a switch's cases) are block-level declarations.
      visit(value, strict, owner, isFunction(value) ? undefined : childContainer, scopeOf);
    }
  }
}

function hoist(
  decl: AstNode,
  fn: AstNode,
  container: AstNode,
  scopeOf: (node: AstNode) => Scope | undefined,
): void {
  const name = String((decl.id as AstNode).name);
  const fnScope = scopeOf(fn);
  const blockScope = scopeOf(container);
  if (!fnScope || !blockScope || fnScope.declarations.has(name)) return;
  // A lexical declaration of the same name between the block and the function would clash with the
  // `var`: then there is no hoisting (B.3.3 step "would not produce any Early Errors").
  for (let s = blockScope.parent; s && s !== fnScope; s = s.parent) {
    const other = s.declarations.get(name) as unknown as AstNode | undefined;
    if (other && isLexical(other)) return;
  }
  fnScope.declarations.set(name, decl as never);
}

function isLexical(node: AstNode): boolean {
  return node.type === 'ClassDeclaration' || (node.type === 'VariableDeclaration' && node.kind !== 'var');
}

function hasUseStrict(fn: AstNode): boolean {
  const body = fn.body as AstNode;
  if (body.type !== 'BlockStatement') return false;
  for (const statement of body.body as AstNode[]) {
    if (statement.type !== 'ExpressionStatement' || typeof statement.directive !== 'string') return false;
    if (statement.directive === 'use strict') return true;
  }
  return false;
}

function isFunction(node: AstNode): boolean {
  return (
    node.type === 'FunctionExpression' ||
    node.type === 'FunctionDeclaration' ||
    node.type === 'ArrowFunctionExpression'
  );
}

function isNode(value: unknown): value is AstNode {
  return (
    typeof value === 'object' && value !== null && typeof (value as { type?: unknown }).type === 'string'
  );
}
