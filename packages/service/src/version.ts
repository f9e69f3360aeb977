/** The service's version, reported by Health (kept equal to package.json's by a test). */
export const serviceVersion = '0.1.0';
