// Two files at a time, the CLI runs of `isolane-bench task` first: only that file starts task hosts
// (its leftover check looks for them by path); other files count the children of their own process.
import { twoFilesAtATime } from '../vitest.two-files.js';

export default twoFilesAtATime(['test/task/task-command.test.ts']);
