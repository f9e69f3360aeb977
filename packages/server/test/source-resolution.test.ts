import { describe, expect, it } from 'vitest';
import * as core from '@govc/core';
import * as conformance from '@govc/core/conformance';
import * as node from '@govc/core/node';
import * as protocol from '@govc/core/protocol';
import * as service from '@govc/service';
import * as transportHttp from '@govc/transport-http';
import * as coreSource from '../../core/src/index.js';
import * as conformanceSource from '../../core/src/conformance/index.js';
import * as nodeSource from '../../core/src/node/index.js';
import * as protocolSource from '../../core/src/protocol/index.js';
import * as serviceSource from '../../service/src/index.js';
import * as transportHttpSource from '../../transport-http/src/index.js';

/**
 * Tests import workspace packages by name and must get their `src/`, through the `source`
 * condition of each package's `exports`: a stale `dist/` would make every test test old code.
 */
describe('workspace imports in tests', () => {
  it.each([
    ['@govc/core', core, coreSource],
    ['@govc/core/conformance', conformance, conformanceSource],
    ['@govc/core/node', node, nodeSource],
    ['@govc/core/protocol', protocol, protocolSource],
    ['@govc/service', service, serviceSource],
    ['@govc/transport-http', transportHttp, transportHttpSource],
  ])('%s resolves to its source', (_name, byName, bySource) => {
    const names = Object.keys(bySource);
    expect(names.length).toBeGreaterThan(0);
    for (const name of names) expect(byName[name as keyof typeof byName], name).toBe(bySource[name as keyof typeof bySource]);
  });
});
