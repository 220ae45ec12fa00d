// Two files at a time: no file shares processes, ports or temp folders with another (see the helper).
import { twoFilesAtATime } from '../../vitest.two-files.js';

export default twoFilesAtATime(['test/conformance.test.ts']);
