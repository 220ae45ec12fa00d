/**
 * The one rule for a module reference given as an option (`bootstrap`, a task module): which values
 * name a module this process can load, and the href each becomes. `WaitGroup`, the config file and
 * every driver check with it, so a value accepted by one is accepted by all.
 */
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describeValue } from './describe-value.js';

const SCHEME = /^[a-z][a-z0-9+.-]*:/i;
const DRIVE_PATH = /^[a-z]:[\\/]/i;

/**
 * Checks a module reference and returns its href. The rule:
 * - a `URL` object or a string; an empty string, a relative path or anything else is a `TypeError`;
 * - an absolute path becomes its `file:` URL. A Windows drive-letter path (`C:\boot.js`, `C:/boot.js`)
 *   is absolute only on Windows; elsewhere it is rejected (it would resolve against the working
 *   directory) — the `file:///C:/boot.js` href is accepted on every platform;
 * - a URL is kept (normalized). A `file:` URL must name a path on this platform: on POSIX a host
 *   (`file://host/boot.js`, a Windows UNC share) or an encoded `/` is rejected, because Node could
 *   never load it; `file://localhost/x` becomes `file:///x`.
 *
 * @example
 * ```ts
 * checkModuleHref('/app/boot.js', 'options.bootstrap');        // 'file:///app/boot.js'
 * checkModuleHref(new URL('file:///app/boot.js'), 'bootstrap'); // 'file:///app/boot.js'
 * checkModuleHref('file://host/boot.js', 'options.bootstrap');  // TypeError on POSIX (names the option)
 * checkModuleHref('./boot.js', 'options.bootstrap');            // TypeError: … relative path …
 * ```
 */
export function checkModuleHref(value: unknown, label: string): string {
  const platform = process.platform;
  if (value instanceof URL) return checkUrl(value.href, label);
  if (typeof value !== 'string' || value === '') {
    throw new TypeError(`${label} must be a module URL or an absolute path, got ${describeValue(value)}`);
  }
  if (DRIVE_PATH.test(value)) {
    if (platform === 'win32') return pathToFileURL(value).href;
    throw new TypeError(
      `${label} must be a module URL or an absolute path, got the Windows path "${value}", which is not absolute on ${platform} (a file:///C:/… URL is accepted everywhere)`,
    );
  }
  if (SCHEME.test(value)) return checkUrl(value, label);
  if (value.startsWith('/') || (platform === 'win32' && value.startsWith('\\\\'))) {
    return pathToFileURL(value).href;
  }
  throw new TypeError(`${label} must be a module URL or an absolute path, got the relative path "${value}"`);
}

function checkUrl(text: string, label: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new TypeError(`${label} must be a module URL or an absolute path, got the malformed URL "${text}"`);
  }
  if (url.protocol !== 'file:') return url.href;
  try {
    return `${pathToFileURL(fileURLToPath(url)).href}${url.search}${url.hash}`;
  } catch (err) {
    throw new TypeError(
      `${label} must be a module URL or an absolute path, got "${text}", a file: URL that names no path on ${process.platform}: ${(err as Error).message}`,
    );
  }
}
