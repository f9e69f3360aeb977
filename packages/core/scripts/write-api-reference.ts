import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { apiReferencePath, renderApiReference } from './api-reference.js';

writeFileSync(apiReferencePath, renderApiReference());
console.log(`wrote ${fileURLToPath(apiReferencePath)}`);
