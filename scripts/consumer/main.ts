// main.ts — the consumer smoke test's app: `main.ts <option|env|config> <driver>`. With `option` the
// driver is passed to the WaitGroup; otherwise it must come from ISOLANE_DRIVER or isolane.config.json.
import { KNOWN_DRIVERS, WaitGroup, type WaitGroupOptions } from 'isolane';
import { userStats } from './tasks.js';

const [how = 'option', driver = 'pool'] = process.argv.slice(2);
if (!(KNOWN_DRIVERS as readonly string[]).includes(driver)) throw new Error(`unknown driver ${driver}`);
const options: WaitGroupOptions = { timeout: 30_000 };
if (how === 'option') options.driver = driver as (typeof KNOWN_DRIVERS)[number];

const lines: string[] = [];
{
  await using wg = new WaitGroup(options);
  wg.go(userStats, 42);
  wg.go((a: number, b: number) => a + b, 1, 2);
  wg.go((b: Buffer) => Buffer.isBuffer(b) && b.toString('utf8'), Buffer.from('buffer in'));
  wg.go(() => Buffer.from('buffer out'));
  for (const r of await wg.wait()) {
    if (!r.ok) throw new Error(`${r.error.kind}: ${r.error.message}`);
    const v = r.value;
    lines.push(Buffer.isBuffer(v) ? `Buffer(${v.toString('utf8')})` : JSON.stringify(v));
  }
  lines.unshift(`driver=${wg.driverName}`);
}
console.log(lines.join(' '));
