/**
 * The `env` option under the fork driver: core's shared suite (a parent secret is invisible under an
 * allow-list; also through driverOptions and a config file's drivers.fork.env).
 */
import { runEnvSuite } from '@isolane/core/testing';
import { ForkDriver } from '@isolane/fork';

runEnvSuite({ name: 'fork', createDriver: (options) => new ForkDriver(options as never) });
