/**
 * Bad-input cases for malformed config files: invalid JSON, wrong field types, unknown fields and
 * driver options, a config module that throws or exports a non-object.
 */
import { type BadInputCase, configCase, throwsRange, throwsType } from './case-kit.js';

/** Config file contents, in the order of the doc's table. */
export const CONFIG_FILE_CASES: readonly BadInputCase[] = [
  {
    ...configCase(
      'isolane.config.json',
      '{ "driver": "cooperative", }',
      throwsType(/isolane\.config\.json: not valid JSON/),
    ),
    platformTail: true,
  },
  configCase(
    'isolane.config.json',
    '["cooperative"]',
    throwsType(/isolane\.config\.json: the config must be an object/),
  ),
  configCase(
    'isolane.config.json',
    '{ "driver": "thred" }',
    throwsType(/isolane\.config\.json: "driver" must be one of/),
  ),
  configCase(
    'isolane.config.json',
    '{ "concurrency": 0 }',
    throwsRange(/isolane\.config\.json: "concurrency" must be an integer from 1 to 4096/),
  ),
  configCase(
    'isolane.config.json',
    '{ "timeout": "fast" }',
    throwsType(/isolane\.config\.json: "timeout" must be a number of ms/),
  ),
  configCase(
    'isolane.config.json',
    '{ "drivr": "pool" }',
    throwsType(/isolane\.config\.json: unknown field "drivr"/),
  ),
  configCase(
    'isolane.config.json',
    '{ "drivers": { "thred": {} } }',
    throwsType(/isolane\.config\.json: "drivers\.thred" must be one of/),
  ),
  configCase(
    'isolane.config.json',
    '{ "drivers": { "pool": 5 } }',
    throwsType(/isolane\.config\.json: "drivers\.pool" must be an object of driver options/),
  ),
  configCase(
    'isolane.config.json',
    '{ "bootstrap": 5 }',
    throwsType(/isolane\.config\.json: "bootstrap" must be a path or URL string/),
  ),
  configCase(
    'isolane.config.json',
    '{ "driver": "pool", "drivers": { "pool": { "turbo": true } } }',
    throwsType(/unknown option "turbo" for the pool driver/),
  ),
  configCase('isolane.config.mjs', 'throw new Error("config exploded");', {
    surface: 'rejects',
    name: 'TypeError',
    message: /isolane\.config\.mjs: could not be loaded: config exploded/,
  }),
  configCase('isolane.config.mjs', 'export default 42;', {
    surface: 'rejects',
    name: 'TypeError',
    message: /isolane\.config\.mjs: the config must be an object/,
  }),
];
