import { describe, expect, it } from 'vitest';
import { checkModuleHref } from '../../src/driver-kit/module-href.js';

const posix = process.platform !== 'win32';

describe('checkModuleHref', () => {
  it('turns an absolute path into its file URL and keeps URLs', () => {
    if (posix) expect(checkModuleHref('/app/boot.js', 'b')).toBe('file:///app/boot.js');
    expect(checkModuleHref(new URL('file:///app/boot.js'), 'b')).toBe('file:///app/boot.js');
    expect(checkModuleHref('data:text/javascript,1', 'b')).toBe('data:text/javascript,1');
    expect(checkModuleHref('file:///app/boot.js?v=2#x', 'b')).toBe('file:///app/boot.js?v=2#x');
    expect(checkModuleHref('file://localhost/app/boot.js', 'b')).toBe('file:///app/boot.js');
    expect(checkModuleHref('file:///C:/boot.js', 'b')).toBe('file:///C:/boot.js');
  });

  it('rejects what this process could never load, naming the option (TypeError)', () => {
    const bad: unknown[] = ['', './boot.js', 'boot.js', 42, null, 'http://[bad'];
    if (posix) bad.push('file://host/boot.js', new URL('file://host/boot.js'), 'C:\\boot.js', 'C:/boot.js');
    for (const value of bad) {
      expect(() => checkModuleHref(value, 'options.bootstrap'), String(value)).toThrow(TypeError);
      expect(() => checkModuleHref(value, 'options.bootstrap'), String(value)).toThrow(/options\.bootstrap/);
    }
  });

  it.runIf(posix)('says why a Windows path or a file URL with a host is refused', () => {
    expect(() => checkModuleHref('C:\\boot.js', 'bootstrap')).toThrow(/Windows path/);
    expect(() => checkModuleHref('file://host/boot.js', 'bootstrap')).toThrow(/names no path/);
  });
});
