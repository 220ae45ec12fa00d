/**
 * The globals an inline task may use without capturing anything: what every fresh V8 context has, plus
 * the globals Node.js installs in every worker (thread or process). Names that only exist in CommonJS
 * modules (`require`, `__dirname`, ...) are deliberately absent: inline tasks are rebuilt in ESM workers.
 */
import { runInNewContext } from 'node:vm';
import { BINARY_CLASS_NAMES } from '../builtin-names.js';

/** ECMAScript globals, listed so the set does not depend on a `vm` context alone. */
const ECMASCRIPT_GLOBALS = [
  'globalThis',
  'Infinity',
  'NaN',
  'undefined',
  'eval',
  'isFinite',
  'isNaN',
  'parseFloat',
  'parseInt',
  'decodeURI',
  'decodeURIComponent',
  'encodeURI',
  'encodeURIComponent',
  'escape',
  'unescape',
  'Object',
  'Function',
  'Array',
  'Number',
  'Boolean',
  'String',
  'Symbol',
  'BigInt',
  'Date',
  'RegExp',
  'Promise',
  'Proxy',
  'Reflect',
  'JSON',
  'Math',
  'Intl',
  'Atomics',
  'WebAssembly',
  'Iterator',
  'Error',
  'AggregateError',
  'EvalError',
  'RangeError',
  'ReferenceError',
  'SyntaxError',
  'TypeError',
  'URIError',
  'SuppressedError',
  'DisposableStack',
  'AsyncDisposableStack',
  'Map',
  'Set',
  'WeakMap',
  'WeakSet',
  'WeakRef',
  'FinalizationRegistry',
  ...BINARY_CLASS_NAMES,
] as const;

/** Globals Node.js provides in every thread and process, web-platform APIs included. */
const NODE_GLOBALS = [
  'global',
  'process',
  'Buffer',
  'console',
  'queueMicrotask',
  'structuredClone',
  'atob',
  'btoa',
  'setTimeout',
  'clearTimeout',
  'setInterval',
  'clearInterval',
  'setImmediate',
  'clearImmediate',
  'URL',
  'URLSearchParams',
  'TextEncoder',
  'TextDecoder',
  'TextEncoderStream',
  'TextDecoderStream',
  'AbortController',
  'AbortSignal',
  'EventTarget',
  'Event',
  'CustomEvent',
  'DOMException',
  'fetch',
  'Request',
  'Response',
  'Headers',
  'FormData',
  'Blob',
  'File',
  'WebSocket',
  'CloseEvent',
  'BroadcastChannel',
  'MessageChannel',
  'MessagePort',
  'MessageEvent',
  'performance',
  'Performance',
  'PerformanceEntry',
  'PerformanceMark',
  'PerformanceMeasure',
  'PerformanceObserver',
  'PerformanceObserverEntryList',
  'PerformanceResourceTiming',
  'crypto',
  'Crypto',
  'CryptoKey',
  'SubtleCrypto',
  'navigator',
  'Navigator',
  'ReadableStream',
  'ReadableStreamDefaultReader',
  'ReadableStreamBYOBReader',
  'ReadableStreamBYOBRequest',
  'ReadableByteStreamController',
  'ReadableStreamDefaultController',
  'WritableStream',
  'WritableStreamDefaultController',
  'WritableStreamDefaultWriter',
  'TransformStream',
  'TransformStreamDefaultController',
  'ByteLengthQueuingStrategy',
  'CountQueuingStrategy',
  'CompressionStream',
  'DecompressionStream',
] as const;

/**
 * CommonJS module-scope names: they look global in a CommonJS file but do not exist in an ESM worker.
 * Never treated as standard, whatever the current context has.
 */
export const COMMONJS_ONLY: ReadonlySet<string> = new Set([
  'require',
  'module',
  'exports',
  '__dirname',
  '__filename',
]);

let standard: ReadonlySet<string> | undefined;

/**
 * The set of standard global names (built once, on first use: a fresh `vm` context costs under a ms).
 *
 * @example
 * ```ts
 * standardGlobals().has('Math'); // true
 * standardGlobals().has('require'); // false
 * ```
 */
export function standardGlobals(): ReadonlySet<string> {
  if (standard) return standard;
  const names = new Set<string>([...ECMASCRIPT_GLOBALS, ...NODE_GLOBALS]);
  // A fresh context lists exactly what this V8 version defines (new built-ins arrive without a code change).
  for (const name of runInNewContext('Object.getOwnPropertyNames(globalThis)') as string[]) names.add(name);
  for (const name of COMMONJS_ONLY) names.delete(name);
  standard = names;
  return names;
}

/**
 * True when `name` is a standard global an inline task may use.
 *
 * @example
 * ```ts
 * isStandardGlobal('setTimeout'); // true
 * isStandardGlobal('db'); // false
 * ```
 */
export function isStandardGlobal(name: string): boolean {
  return standardGlobals().has(name);
}
