/**
 * Portability of arguments and results: what structured clone keeps faithfully may cross a boundary;
 * anything it would reject or silently change (functions, symbols, weak collections, promises, class
 * instances whose prototype would be dropped, host objects) is reported with its path.
 *
 * "Faithfully" means under every driver: the fork driver uses V8's serializer, the thread drivers
 * structured clone, and the cooperative driver must behave like them, so a value passes only when all
 * of them would give the task the same thing.
 */
import { types as utilTypes } from 'node:util';
import { presentIndexes } from './array-elements.js';
import { BINARY_CLASS_NAMES } from './builtin-names.js';
import { CaptureError, type CaptureProblem } from './errors.js';
import { printable } from './printable.js';
import { mapGet, objectGetPrototypeOf, objectKeys, setAdd, setHas } from './runtime/intrinsics.js';
import { isTransfer } from './transfer.js';

// Taken at load, like the builtins in intrinsics.ts (and one property read per object less).
const objectHasOwn = Object.hasOwn;
const isProxy = utilTypes.isProxy;

/** How a value with a given prototype is cloned. */
type Kind = 'plain' | 'array' | 'map' | 'set' | 'leaf' | 'error' | 'buffer';

const MAX_PROBLEMS = 20;

const KIND_BY_NAME = new Map<string, Kind>([
  ['Object', 'plain'],
  ['Array', 'array'],
  ['Map', 'map'],
  ['Set', 'set'],
  ['Error', 'error'],
  ['EvalError', 'error'],
  ['RangeError', 'error'],
  ['ReferenceError', 'error'],
  ['SyntaxError', 'error'],
  ['TypeError', 'error'],
  ['URIError', 'error'],
  ...['Date', 'RegExp', 'Boolean', 'Number', 'String', 'BigInt', ...BINARY_CLASS_NAMES].map(
    (name): [string, Kind] => [name, 'leaf'],
  ),
]);

/** Prototypes of this realm whose instances clone faithfully, and how to walk them. */
const KIND_BY_PROTOTYPE = new Map<object, Kind>();
for (const [name, kind] of KIND_BY_NAME) {
  const ctor = (globalThis as Record<string, unknown>)[name];
  if (typeof ctor === 'function' && typeof ctor.prototype === 'object')
    KIND_BY_PROTOTYPE.set(ctor.prototype, kind);
}
if (typeof Buffer === 'function') KIND_BY_PROTOTYPE.set(Buffer.prototype, 'buffer');

const NATIVE = /\{\s*\[native code\]\s*\}\s*$/;
const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;
const fnToString = Function.prototype.toString;

const FUNCTION_HINT =
  'functions cannot cross an isolation boundary: pass data, or reference a module task (defineTask) and call it inside the task';
const SYMBOL_HINT = 'symbols cannot be cloned: pass a string instead (e.g. the symbol description)';
const PROXY_HINT = 'a Proxy cannot be cloned: pass the plain data it stands for';
const SYMBOL_KEY_HINT =
  'symbol-keyed properties are dropped silently by structured clone: use a string key, or pass the value separately';

/** Class-specific advice; any other class gets the generic class-instance hint. */
const HINT_BY_CLASS = new Map<string, string>([
  ['Promise', 'a Promise cannot be cloned: await it first and pass the value'],
  ['WeakMap', 'weak collections cannot be cloned: pass a Map (or the data itself)'],
  ['WeakSet', 'weak collections cannot be cloned: pass a Set (or the data itself)'],
  ['WeakRef', 'a WeakRef cannot be cloned: pass the data it refers to'],
  ['FinalizationRegistry', 'a FinalizationRegistry cannot be cloned: it belongs to this process'],
  [
    'AggregateError',
    'an AggregateError arrives as a plain Error and loses its `errors`: pass { message, errors } as plain data',
  ],
  [
    'Blob',
    'a Blob cannot be sent to a child process (the fork driver rejects it): pass `await blob.arrayBuffer()` and its type',
  ],
  [
    'File',
    'a File cannot be sent to a child process (the fork driver rejects it): pass `await file.arrayBuffer()` and its name/type',
  ],
  [
    'MessagePort',
    'a MessagePort cannot be copied: move it with transfer(port) (thread, pool and cooperative drivers; a child process cannot receive one)',
  ],
]);

/**
 * Lists what in `value` cannot cross an isolation boundary faithfully, each with its path
 * (`args[1].db`). Empty when the value is portable. Cycles are fine; getters are evaluated, as clone
 * would; at most 20 problems are listed.
 *
 * @example
 * ```ts
 * findUnportable({ db: new Database() }, 'args[0]'); // [{ what: 'args[0].db', ... }]
 * findUnportable(new Map([['k', () => 1]]), 'args[0]'); // [{ what: 'args[0].get("k")', ... }]
 * ```
 */
export function findUnportable(value: unknown, path: string, found?: PortableFindings): CaptureProblem[] {
  const problems: CaptureProblem[] = [];
  if (
    value === null ||
    (typeof value !== 'object' && typeof value !== 'function' && typeof value !== 'symbol')
  ) {
    return problems;
  }
  const walk = new Walk(problems, found);
  walk.visit(value, path);
  // Breadth-first: problems come out shallow-first and in key order; no recursion, so depth is unlimited.
  for (let head = 0; head < walk.values.length && problems.length < MAX_PROBLEMS; head++) {
    const next = walk.values[head]!;
    const nextPath = walk.paths[head]!;
    try {
      walk.expand(next, nextPath);
    } catch (err) {
      // A throwing getter or proxy trap: clone would throw too.
      walk.report(nextPath, `reading it threw (${printable(err, 'an unprintable value')}): pass plain data`);
    }
  }
  return problems;
}

/** What a portability walk noticed besides problems. */
export interface PortableFindings {
  /** A Node Buffer was seen: the sender must list its place (bufferPaths) so it is rebuilt. */
  buffers: boolean;
  /** Objects the sender moves (its transfer list, e.g. a MessagePort): they pass as they are. */
  readonly moving?: ReadonlySet<unknown> | undefined;
}

class Walk {
  readonly values: object[] = [];
  readonly paths: string[] = [];
  private readonly seen = new Set<object>();
  constructor(
    private readonly problems: CaptureProblem[],
    private readonly found: PortableFindings | undefined,
  ) {}

  report(path: string, hint: string): void {
    if (this.problems.length < MAX_PROBLEMS)
      this.problems[this.problems.length] = { what: path, where: path, hint };
  }

  /** Checks a non-primitive-looking value; objects are queued (once: cycles are portable). */
  visit(value: unknown, path: string): void {
    if (typeof value === 'function') this.report(path, FUNCTION_HINT);
    else if (typeof value === 'symbol') this.report(path, SYMBOL_HINT);
    else if (typeof value === 'object' && value !== null && !setHas(this.seen, value)) {
      // Through load-time builtins, not a task's patched Set or Array methods (runtime/intrinsics.ts).
      setAdd(this.seen, value);
      this.values[this.values.length] = value;
      this.paths[this.paths.length] = path;
    }
  }

  expand(value: object, path: string): void {
    if (isProxy(value)) {
      // Clone rejects every Proxy; its traps are not run (one may throw, or claim a huge length).
      this.report(path, PROXY_HINT);
      return;
    }
    const proto: unknown = objectGetPrototypeOf(value);
    const kind =
      proto === null ? 'plain' : (mapGet(KIND_BY_PROTOTYPE, proto as object) ?? foreignKind(proto as object));
    switch (kind) {
      case 'plain': {
        if (isTransfer(value)) {
          this.visit(value.value, path);
          return;
        }
        const record = value as Record<string, unknown>;
        const keys = objectKeys(record);
        for (let k = 0; k < keys.length; k++) {
          const key = keys[k]!;
          const child = record[key];
          if (isComposite(child)) this.visit(child, path + propertySegment(key));
        }
        for (const sym of Object.getOwnPropertySymbols(value)) {
          if (Object.prototype.propertyIsEnumerable.call(value, sym))
            this.report(`${path}[${String(sym)}]`, SYMBOL_KEY_HINT);
        }
        return;
      }
      case 'array': {
        // O(elements present), like clone: read by index while dense; from the first hole on, only the
        // indices the array has (a 2^32-1-long array with one element is one read, not four billion).
        const array = value as unknown[];
        const length = array.length;
        for (let i = 0; i < length; i++) {
          const child = array[i];
          if (child === undefined && !objectHasOwn(array, i)) {
            const rest = presentIndexes(array, i);
            for (let k = 0; k < rest.length; k++) {
              const at = rest[k]!;
              const item = array[at];
              if (isComposite(item)) this.visit(item, `${path}[${at}]`);
            }
            return;
          }
          if (isComposite(child)) this.visit(child, `${path}[${i}]`);
        }
        return;
      }
      case 'map': {
        let i = 0;
        for (const [key, child] of value as Map<unknown, unknown>) {
          if (isComposite(key)) this.visit(key, `${path}.keys()[${i}]`);
          if (isComposite(child)) this.visit(child, `${path}.get(${keyLabel(key, i)})`);
          i++;
        }
        return;
      }
      case 'set': {
        let i = 0;
        for (const item of value as Set<unknown>) {
          if (isComposite(item)) this.visit(item, `${path}.values()[${i}]`);
          i++;
        }
        return;
      }
      case 'leaf':
        return;
      case 'error': {
        // Clone keeps message, stack and cause (and the standard class); every own enumerable property,
        // a custom `name` or `code` included, is dropped.
        const record = value as Record<string, unknown>;
        const keys = objectKeys(record);
        for (let k = 0; k < keys.length; k++) {
          const key = keys[k]!;
          this.report(
            path + propertySegment(key),
            `structured clone keeps only an Error's class, message, stack and cause, so \`${key}\` would be dropped: pass a plain object ({ name, message, ${key} }) instead`,
          );
        }
        if (Object.hasOwn(value, 'cause')) {
          const cause = record.cause;
          if (isComposite(cause)) this.visit(cause, `${path}.cause`);
        }
        return;
      }
      case 'buffer':
        // Portable: the sender lists where its Buffers are and the receiver rebuilds them (buffer-codec).
        if (this.found) this.found.buffers = true;
        return;
      default:
        if (this.found?.moving?.has(value) !== true) this.report(path, classHint(value, proto as object));
    }
  }
}

function isComposite(value: unknown): boolean {
  return typeof value === 'object'
    ? value !== null
    : typeof value === 'function' || typeof value === 'symbol';
}

function propertySegment(key: string): string {
  return IDENTIFIER.test(key) ? `.${key}` : `[${JSON.stringify(key)}]`;
}

function keyLabel(key: unknown, index: number): string {
  switch (typeof key) {
    case 'string':
      return JSON.stringify(key);
    case 'bigint':
      return `${key}n`;
    case 'number':
    case 'boolean':
    case 'undefined':
    case 'symbol':
      return String(key);
    default:
      return key === null ? 'null' : `<key #${index}>`;
  }
}

function constructorOf(proto: object): Function | undefined {
  const ctor: unknown = Object.getOwnPropertyDescriptor(proto, 'constructor')?.value;
  return typeof ctor === 'function' ? ctor : undefined;
}

/** Built-ins of another realm (a `vm` context) clone like ours: recognise their native constructors. */
function foreignKind(proto: object): Kind | undefined {
  const ctor = constructorOf(proto);
  if (!ctor || !NATIVE.test(fnToString.call(ctor))) return undefined;
  return mapGet(KIND_BY_NAME, ctor.name);
}

function classHint(value: object, proto: object): string {
  const name = constructorOf(proto)?.name || 'an anonymous class';
  const special = mapGet(HINT_BY_CLASS, name);
  if (special) return special;
  if (value instanceof Error) {
    return `instance of ${name} (an Error subclass) arrives as a plain Error: its class and own properties are lost; pass { name, message, ... } as a plain object`;
  }
  const record = value as Record<string, unknown>;
  if (
    typeof record.pipe === 'function' ||
    (typeof record.on === 'function' && typeof record.emit === 'function')
  ) {
    return `${name} is a live resource of this process (a stream, socket or event emitter): pass the recipe (a path, URL or config) and open it inside the task, or pass the data it would produce`;
  }
  return `class instance of ${name}: its prototype would be lost (it arrives as a plain object without methods, or is rejected); pass the recipe (e.g. a path or config) and build it inside the task, or pass plain data`;
}

/**
 * Throws a {@link CaptureError} naming every non-portable argument; returns whether a Node `Buffer` is
 * among them (the caller then lists where, so the receiver rebuilds it). What `moving` holds (the
 * transfer list: a `MessagePort` moved with `transfer()`) passes as it is.
 *
 * @example
 * ```ts
 * assertPortableArgs([1, { ok: true }]); // false: passes, no Buffer
 * assertPortableArgs([Buffer.from('hi')]); // true
 * assertPortableArgs([() => 1]); // throws CaptureError: args[0]: functions cannot cross ...
 * ```
 */
export function assertPortableArgs(args: readonly unknown[], moving?: ReadonlySet<unknown>): boolean {
  const problems: CaptureProblem[] = [];
  const found: PortableFindings = { buffers: false, moving };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === null || (typeof arg !== 'object' && typeof arg !== 'function' && typeof arg !== 'symbol'))
      continue;
    problems.push(...findUnportable(arg, `args[${i}]`, found));
  }
  if (problems.length > 0) {
    const lines = problems.map((p) => `  ${p.what}: ${p.hint}`);
    const head = `${problems.length === 1 ? 'an argument' : `${problems.length} argument values`} cannot cross an isolation boundary faithfully (arguments are structured-cloned under every driver):`;
    throw new CaptureError([head, ...lines].join('\n'), problems);
  }
  return found.buffers;
}
