import { describe, expect, it } from 'vitest';
import { ManualTimers, systemTimers } from '../../../broker/groups/timers.js';

describe('timers', () => {
  it('ManualTimers fires due timers in time order, then insertion order, and supports clear', async () => {
    const t = new ManualTimers(0);
    const fired: string[] = [];
    t.setTimeout(() => fired.push('b@20'), 20);
    t.setTimeout(() => fired.push('a@10'), 10);
    t.setTimeout(() => fired.push('c@10'), 10);
    const h = t.setTimeout(() => fired.push('cleared'), 5);
    t.clearTimeout(h);
    t.setTimeout(() => t.setTimeout(() => fired.push('nested@25'), 10), 15);
    await t.advance(19);
    expect(fired).toEqual(['a@10', 'c@10']);
    expect(t.now()).toBe(19);
    await t.advance(10);
    expect(fired).toEqual(['a@10', 'c@10', 'b@20', 'nested@25']);
    expect(t.size).toBe(0);
  });

  it('systemTimers uses the real clock', async () => {
    const t = systemTimers();
    expect(Math.abs(t.now() - Date.now())).toBeLessThan(1000);
    const fired = await new Promise<boolean>((resolve) => {
      t.setTimeout(() => resolve(true), 5);
    });
    expect(fired).toBe(true);
    let ran = false;
    const h = t.setTimeout(() => (ran = true), 1);
    t.clearTimeout(h);
    await new Promise((r) => setTimeout(r, 20));
    expect(ran).toBe(false);
  });
});
