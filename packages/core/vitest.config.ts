// Two files at a time: no file shares processes, ports or temp folders with another (see the helper);
// most files here take well under a second, and their start-up is most of the package's time.
import { twoFilesAtATime } from '../../vitest.two-files.js';

export default twoFilesAtATime([]);
