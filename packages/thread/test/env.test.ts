/**
 * The `env` option under the thread driver: core's shared suite (a parent secret is invisible under an
 * allow-list; also through driverOptions and a config file's drivers.thread.env).
 */
import { runEnvSuite } from '@isolane/core/testing';
import { ThreadDriver } from '@isolane/thread';

runEnvSuite({ name: 'thread', createDriver: (options) => new ThreadDriver(options as never) });
