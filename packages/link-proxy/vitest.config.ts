import { govcProject } from '../../vitest.project.js';

export default govcProject('link-proxy');
