import { describe, expect, it } from 'vitest';
import type { ConfigEntry } from '../../../broker/control/connectors/index.js';
import { diffConfigs } from '../../../server/clusters/config-diff.js';

const entry = (name: string, value: string | null, isDefault: boolean): ConfigEntry => ({ name, value, isDefault, readOnly: false, sensitive: false });

describe('diffConfigs', () => {
  it('lists only what changes: value or default-ness, sorted by name', () => {
    const before = [entry('retention.ms', '604800000', true), entry('cleanup.policy', 'delete', true), entry('segment.bytes', '1024', false)];
    const after = [entry('retention.ms', '60000', false), entry('cleanup.policy', 'delete', true), entry('segment.bytes', '1024', true), entry('new.one', 'x', false)];
    expect(diffConfigs(before, after)).toEqual([
      { name: 'new.one', before: null, after: 'x', isDefault: false },
      { name: 'retention.ms', before: '604800000', after: '60000', isDefault: false },
      { name: 'segment.bytes', before: '1024', after: '1024', isDefault: true },
    ]);
    expect(diffConfigs(before, before)).toEqual([]);
  });
});
