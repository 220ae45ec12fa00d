import { describe, expect, it } from 'vitest';
import { unitDeath } from '../../src/subjects/unit-death.js';

describe('unitDeath', () => {
  it('tells every listener the first death only', () => {
    const death = unitDeath();
    const heard: string[] = [];
    death.onDeath((why) => heard.push(`a ${why}`));
    death.onDeath((why) => heard.push(`b ${why}`));
    death.die('Error: spawn failed');
    death.die('child exited with code 1');
    expect(heard).toEqual(['a Error: spawn failed', 'b Error: spawn failed']);
  });

  it('keeps separate units apart', () => {
    const first = unitDeath();
    const second = unitDeath();
    const heard: string[] = [];
    second.onDeath((why) => heard.push(why));
    first.die('gone');
    expect(heard).toEqual([]);
    second.die('also gone');
    expect(heard).toEqual(['also gone']);
  });
});
