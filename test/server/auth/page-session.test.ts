import { describe, expect, it } from 'vitest';
import { safeNextPath } from '../../../server/auth/page-session.js';

describe('safeNextPath (the login page’s ?next=)', () => {
  it('keeps local paths with their query and fragment', () => {
    expect(safeNextPath('/topics?cluster=built-in#top')).toBe('/topics?cluster=built-in#top');
    expect(safeNextPath('/')).toBe('/');
  });

  it('refuses anything that leaves the site', () => {
    for (const bad of ['https://evil.test/', '//evil.test', '/\\evil.test', '\\\\evil.test', 'javascript:alert(1)', '/\t/evil.test', 'topics', '', null, undefined]) {
      expect(safeNextPath(bad), String(bad)).toBe('/');
    }
  });
});
