/**
 * The words of a capture error: where each outer reference is (line:column plus the source line), and how
 * to pass the value instead, with special advice for CommonJS names, handles and names injected by code
 * transforms (coverage, bundlers, TS downlevel helpers).
 */
import type { CaptureProblem } from '../errors.js';
import type { OuterReference } from './free-variables.js';
import type { AstNode, ParsedFunction } from './function-source.js';
import { COMMONJS_ONLY } from './standard-globals.js';

/** Helpers and renamed imports that transforms inject; a user rarely writes these names. */
const TRANSFORM_INJECTED =
  /^(?:cov_[\w$]+|__coverage__|__cov_[\w$]*|__istanbul[\w$]*|__vite_ssr_[\w$]*|__vi_[\w$]*|__vitest_[\w$]*|_ts_[\w$]+|__(?:awaiter|generator|name|publicField|privateGet|privateSet|privateAdd|privateMethod|privateWrapper|require|toESM|toCommonJS|commonJS|esm|export|reExport|async|await|asyncGenerator|asyncValues|spreadValues|spreadProps|objRest|defProp|defNormalProp|decorate|decorateClass|decorateParam|metadata|param|assign|rest|spread|spreadArray|extends|values|read|classPrivateFieldGet|classPrivateFieldSet|createBinding|setModuleDefault|importStar|importDefault|using|callDispose|addDisposableResource|disposeResources)|_(?:asyncToGenerator|async_to_generator|interopRequireDefault|interop_require_default|interopRequireWildcard|interop_require_wildcard|classCallCheck|class_call_check|createClass|create_class|defineProperty|define_property|objectSpread2?|object_spread(?:_props)?|slicedToArray|sliced_to_array|toConsumableArray|to_consumable_array|regeneratorRuntime|regenerator[\w$]*|inherits|createSuper|possibleConstructorReturn|getPrototypeOf|assertThisInitialized|classPrivateFieldGet|classPrivateFieldSet|jsxs?|jsxDEV|extends|objectWithoutProperties)|regeneratorRuntime)$/;

/** Kinds that are not a captured variable but a way around the check, and what each does. */
const REACH_REASONS: Readonly<Record<string, string>> = {
  'global-property': "reads the host's globals through the global object",
  'global-object': 'uses the global object in a way the check cannot follow',
  eval: 'runs code from a string with eval',
  'function-constructor': 'builds a function from a string',
  'relative-import': 'imports a relative specifier',
};

/** Names that usually hold a live resource the worker should build itself. */
const HANDLE_LIKE =
  /^(?:db|database|conn|connection|client|pool|redis|pg|knex|prisma|sql|sequelize|mongo|mongoose|socket|ws|server|app|req|res|stream|fd|handle|session|browser|page|channel|queue|transport|emitter)$|(?:Db|DB|Database|Client|Conn|Connection|Pool|Socket|Stream|Handle|Session|Server|Emitter)$/;

/** The parts of a parsed function the messages need (offsets of nodes minus `offset` index `text`). */
export type ParsedText = Pick<ParsedFunction, 'text' | 'root' | 'offset'>;

/** A location inside the function's source text. */
export interface SourceLocation {
  /** `line:column`, both 1-based, relative to the start of the function's source. */
  readonly where: string;
  /** The source line with a caret under the use. */
  readonly excerpt: string;
}

/**
 * Line, column and excerpt of `[start, end)` in `text`.
 *
 * @example
 * ```ts
 * locate('(x) => x * limit', 11, 16).where; // '1:12'
 * ```
 */
export function locate(text: string, start: number, end: number): SourceLocation {
  let line = 1;
  let lineStart = 0;
  for (let i = text.indexOf('\n'); i !== -1 && i < start; i = text.indexOf('\n', i + 1)) {
    line++;
    lineStart = i + 1;
  }
  let lineEnd = text.indexOf('\n', start);
  if (lineEnd === -1) lineEnd = text.length;
  const column = start - lineStart;
  // Long lines (minified code) are cut around the use so the excerpt stays readable.
  const from = Math.max(lineStart, start - 60);
  const to = Math.min(lineEnd, Math.max(end, start + 1) + 40);
  const prefix = from > lineStart ? '…' : '';
  const suffix = to < lineEnd ? '…' : '';
  const raw = text.slice(from, to).replace(/\t/g, ' ');
  const marks = '^'.repeat(Math.max(1, Math.min(end, to) - start));
  const caretPad = ' '.repeat(prefix.length + start - from);
  return { where: `${line}:${column + 1}`, excerpt: `${prefix}${raw}${suffix}\n${caretPad}${marks}` };
}

/**
 * How to pass the value instead of capturing it (or, for a function the task calls, which no boundary
 * can carry, how to make the task a module task).
 *
 * @example
 * ```ts
 * hintFor({ name: 'limit', kind: 'identifier' }, parseFunction((x) => x * limit));
 * // 'pass `limit` as an argument: wg.go((x, limit) => ..., x, limit); or move the code into a module task (defineTask)'
 * ```
 */
export function hintFor(
  ref: Pick<OuterReference, 'name' | 'kind' | 'property'> & { readonly called?: boolean },
  parsed: ParsedText,
): string {
  const root = parsed.root;
  const arrow = root.type === 'ArrowFunctionExpression';
  switch (ref.kind) {
    case 'this':
      return arrow
        ? "an arrow function's `this` belongs to the code that created it, which the worker does not have: pass what you need from it as an argument"
        : 'the worker calls the task as a plain function, without a `this`: pass what you need from it as an argument';
    case 'super':
      return "`super` refers to the method's home object (its class or object literal), which cannot be rebuilt in a worker: use a plain function that takes the data as arguments, or a module task (defineTask)";
    case 'arguments':
      return 'in a top-level arrow function `arguments` belongs to the enclosing function: declare a rest parameter instead, e.g. wg.go((...args) => ..., a, b)';
    case 'new.target':
      return 'in a top-level arrow function `new.target` belongs to the enclosing function; the worker calls the task without `new`: pass what you need as an argument';
    case 'import.meta':
      return '`import.meta` exists only in modules, and an inline task is rebuilt as a plain function: pass the value (e.g. import.meta.url) as an argument, or make it a module task with defineTask(import.meta.url, ...)';
    case 'global-property':
      return `the task reads the host's global \`${ref.property ?? ref.name}\` through the global object: under \`cooperative\` that is the caller's value, in a worker something else (or nothing). Pass the value as an argument; if a bootstrap defines it in every worker, declare it: new WaitGroup({ globals: ['${ref.property ?? ref.name}'] }) (or "globals" in the config)`;
    case 'global-object':
      return 'the global object is used in a way that cannot be checked (a computed key, passed to a function such as Reflect.get, stored in a variable): which globals it reads depends on the driver. Read standard globals by name (globalThis.Math), pass other values as arguments, and declare globals a bootstrap provides in `globals`';
    case 'eval':
      return '`eval` (direct or indirect, e.g. `(0, eval)`) runs code the checker cannot see, in the host under `cooperative` and in a worker otherwise: write the code in the task itself, or make it a module task (defineTask)';
    case 'function-constructor':
      return "the Function constructor (also `new Function`, and the AsyncFunction/GeneratorFunction constructors reached through a function's `.constructor`) compiles a string in the global scope of wherever it runs, hiding what it reads from the checker: write the code in the task itself, or make it a module task (defineTask)";
    case 'relative-import':
      return "a relative specifier in an inline task resolves against the module that rebuilds the task (a different file under each driver), not your file: pass an absolute URL built in the caller (wg.go(async (url) => import(url), new URL('./x.js', import.meta.url).href)), use a package specifier, or make it a module task (defineTask)";
    case 'identifier':
      break;
  }
  const name = ref.name;
  if (name === 'window' || name === 'self') {
    return `\`${name}\` is the browser's name for the global object; Node workers have none (and under \`cooperative\` a test environment may provide one): use \`globalThis\`, pass values as arguments, and declare globals a bootstrap provides in \`globals\``;
  }
  if (COMMONJS_ONLY.has(name)) {
    if (name === 'require') {
      return "`require` is CommonJS and does not exist in the ESM worker: load modules inside the task with `const fs = await import('node:fs')` (make the task async), or use a module task (defineTask)";
    }
    if (name === '__dirname' || name === '__filename') {
      return `\`${name}\` is CommonJS and does not exist in the ESM worker: compute the path in the caller and pass it as an argument: wg.go(${withParam(parsed, name)})`;
    }
    return `\`${name}\` is CommonJS and does not exist in the ESM worker: return the value from the task instead`;
  }
  if (TRANSFORM_INJECTED.test(name)) {
    if (/^__vi|^__vite/.test(name)) {
      return (
        `\`${name}\` was not written by you: a code transform (Vite/Vitest's SSR transform, which renames the imports of a module) injected it, so the function uses an import of its module, which the worker does not have. ` +
        "Make this a module task (defineTask), or load the module inside the task with `await import('...')`"
      );
    }
    return (
      `\`${name}\` was not written by you: a code transform (coverage instrumentation, a bundler or TS downlevel helper) injected it into the function's source, and the worker does not have it. ` +
      'Make this a module task (defineTask), or configure the transform (exclude the file from coverage instrumentation, turn keepNames off, target ES2022 or later so no async/class helpers are emitted)'
    );
  }
  if (ref.called) {
    return (
      `\`${name}\` is called, so it is a function, and functions cannot cross an isolation boundary (not as an argument either): ` +
      `make this a module task — export it with defineTask(import.meta.url, 'name', fn) from a module that has \`${name}\` (the worker imports that module, with its imports and helpers) — or define \`${name}\` inside the task`
    );
  }
  const pass = `pass \`${name}\` as an argument: wg.go(${withParam(parsed, name)}); or move the code into a module task (defineTask)`;
  if (HANDLE_LIKE.test(name)) {
    return `${pass}. If \`${name}\` is a live handle (a db connection, a client, a socket), it cannot be sent at all: pass the recipe (a path/config), not the handle, and open it inside the task or the bootstrap`;
  }
  return pass;
}

/**
 * Whether a use of a name is a call (`name(…)`, `name?.(…)`, `` name`…` ``) or a construction
 * (`new name`), judged from the source text around it.
 *
 * @example
 * ```ts
 * isCalled(parsed, ref); // true for `helper` in `(x) => helper(x)`
 * ```
 */
export function isCalled(parsed: ParsedText, ref: Pick<OuterReference, 'start' | 'end'>): boolean {
  const after = parsed.text.slice(ref.end - parsed.offset).trimStart();
  if (after.startsWith('(') || after.startsWith('?.(') || after.startsWith('`')) return true;
  return /\bnew\s+$/.test(parsed.text.slice(0, ref.start - parsed.offset));
}

/** `(x, limit) => ..., x, limit` for a task `(x) => ...` capturing `limit`. */
function withParam(parsed: ParsedText, name: string): string {
  const { text, offset } = parsed;
  const params = (parsed.root.params as AstNode[] | undefined) ?? [];
  const list: string[] = [];
  const args: string[] = [];
  let rest: [string, string] | undefined;
  params.forEach((param, i) => {
    if (param.type === 'RestElement') {
      const arg = param.argument as AstNode;
      rest = [
        text.slice(param.start - offset, param.end - offset),
        arg.type === 'Identifier' ? `...${arg.name}` : '...rest',
      ];
      return;
    }
    list.push(text.slice(param.start - offset, param.end - offset));
    const target = param.type === 'AssignmentPattern' ? (param.left as AstNode) : param;
    args.push(target.type === 'Identifier' ? String(target.name) : `arg${i + 1}`);
  });
  list.push(name);
  args.push(name);
  if (rest) {
    list.push(rest[0]);
    args.push(rest[1]);
  }
  return `(${list.join(', ')}) => ..., ${args.join(', ')}`;
}

/**
 * One problem per captured name, in source order, with every place it is used.
 *
 * @example
 * ```ts
 * const { problems, message } = describeCaptures(refs, parsed, 'task');
 * throw new CaptureError(message, problems);
 * ```
 */
export function describeCaptures(
  refs: readonly OuterReference[],
  parsed: ParsedText,
  label: string,
): { problems: CaptureProblem[]; message: string } {
  const byName = new Map<string, OuterReference[]>();
  for (const ref of refs) {
    const uses = byName.get(ref.name);
    if (uses) uses.push(ref);
    else byName.set(ref.name, [ref]);
  }
  const problems: CaptureProblem[] = [];
  const lines: string[] = [];
  for (const [name, uses] of byName) {
    const first = uses[0]!;
    const locations = uses.map((u) => locate(parsed.text, u.start - parsed.offset, u.end - parsed.offset));
    // A name the task calls is a function: it can only reach a worker through a module task.
    const called = uses.some((u) => isCalled(parsed, u));
    const hint = hintFor(called ? { ...first, called } : first, parsed);
    const where = locations[0]!.where;
    problems.push({ what: name, where, hint });
    const more =
      locations.length > 1
        ? ` (also at ${locations
            .slice(1, 6)
            .map((l) => l.where)
            .join(', ')}${locations.length > 6 ? ', …' : ''})`
        : '';
    lines.push(`  \`${name}\` at ${where}${more}:`);
    for (const excerptLine of locations[0]!.excerpt.split('\n')) lines.push(`      ${excerptLine}`);
    lines.push(`    → ${hint}`);
  }
  const names = [...byName.keys()].map((n) => `\`${n}\``).join(', ');
  const reasons = [...new Set(refs.map((r) => REACH_REASONS[r.kind]).filter((r) => r !== undefined))];
  if (reasons.length > 0 && refs.some((r) => REACH_REASONS[r.kind] === undefined)) {
    reasons.unshift('uses things from outside itself');
  }
  const head =
    reasons.length > 0
      ? `${label} ${reasons.join(', ')} (${names}): under \`cooperative\` that reaches the host process, in a ` +
        'worker something else, so the same code would give a different result under each driver:'
      : `${label} uses ${byName.size === 1 ? 'something' : `${byName.size} things`} from outside itself (${names}); ` +
        'an inline task is shipped as source text and rebuilt in another isolate, where none of it exists:';
  return { problems, message: [head, ...lines].join('\n') };
}
