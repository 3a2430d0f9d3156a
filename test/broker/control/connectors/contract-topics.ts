/** Contract: topic list/search/pagination, create/delete, add partitions, alter configs. */
import { describe, expect, it } from 'vitest';
import { expectCode, fresh, whenSupported, type ContractContext } from './helpers.js';

export function defineTopicContract(ctx: ContractContext): void {
  describe('topics', () => {
    it('creates, lists with search, sort and pagination, and deletes topics', async () => {
      const c = ctx.connector;
      const prefix = fresh('ct-list');
      await whenSupported(c.capabilities.createTopic, () => ctx.createTopic(`${prefix}-x`), async () => {
        const n = (count: number) => (ctx.multiPartition ? count : 1);
        await ctx.createTopic(`${prefix}-b`, 3);
        const created = await c.getTopic(`${prefix}-b`);
        expect(created.name).toBe(`${prefix}-b`);
        expect(created.partitions).toBe(n(3));
        expect(created.partitionInfo.map((p) => p.partition)).toEqual(ctx.multiPartition ? [0, 1, 2] : [0]);
        for (const p of created.partitionInfo) {
          expect(p.low).toBe(0);
          expect(p.high).toBe(0);
          if (p.leader !== null) {
            expect(p.replicas).toContain(p.leader);
            expect(p.isr).toContain(p.leader);
          }
        }
        await ctx.createTopic(`${prefix}-a`, 1);
        await ctx.createTopic(`${prefix}-c`, 2);

        const all = await c.listTopics({ search: prefix.toUpperCase(), limit: 50 });
        expect(all.total).toBe(3);
        expect(all.items.map((t) => t.name)).toEqual([`${prefix}-a`, `${prefix}-b`, `${prefix}-c`]);

        const page1 = await c.listTopics({ search: prefix, limit: 2 });
        expect(page1.items.map((t) => t.name)).toEqual([`${prefix}-a`, `${prefix}-b`]);
        expect(page1.nextOffset).toBe(2);
        const page2 = await c.listTopics({ search: prefix, limit: 2, offset: page1.nextOffset! });
        expect(page2.items.map((t) => t.name)).toEqual([`${prefix}-c`]);
        expect(page2.nextOffset).toBeNull();

        if (ctx.multiPartition) {
          const byPartitions = await c.listTopics({ search: prefix, sort: 'partitions', order: 'desc' });
          expect(byPartitions.items.map((t) => t.partitions)).toEqual([3, 2, 1]);
        }
        const byNameDesc = await c.listTopics({ search: prefix, order: 'desc' });
        expect(byNameDesc.items.map((t) => t.name)).toEqual([`${prefix}-c`, `${prefix}-b`, `${prefix}-a`]);

        await expectCode(ctx.createTopic(`${prefix}-a`), 'CONFLICT');
        await expectCode(ctx.createTopic('bad name/with slash'), 'INVALID');
        await expectCode(c.createTopic({ name: `${prefix}-d`, partitions: 0 }), 'INVALID');
        expect((await c.listTopics({ search: prefix })).total).toBe(3);

        await c.deleteTopic(`${prefix}-b`);
        await expectCode(c.getTopic(`${prefix}-b`), 'NOT_FOUND');
        expect((await c.listTopics({ search: prefix })).items.map((t) => t.name)).toEqual([`${prefix}-a`, `${prefix}-c`]);
      });
    });

    it('hides internal topics unless asked for them', async () => {
      const c = ctx.connector;
      const visible = await c.listTopics({ limit: 500 });
      expect(visible.items.some((t) => t.internal)).toBe(false);
      const withInternal = await c.listTopics({ limit: 500, includeInternal: true });
      expect(withInternal.total).toBeGreaterThanOrEqual(visible.total);
    });

    it('adds partitions and refuses to shrink', async () => {
      const c = ctx.connector;
      const name = fresh('ct-parts');
      await whenSupported(c.capabilities.addPartitions, () => c.addPartitions(name, 3), async () => {
        await ctx.createTopic(name, 1);
        const grown = await c.addPartitions(name, 3);
        expect(grown.partitions).toBe(3);
        expect((await c.getTopic(name)).partitionInfo).toHaveLength(3);
        await expectCode(c.addPartitions(name, 2), 'INVALID', /3/);
        await expectCode(c.addPartitions(name, 3), 'INVALID');
        expect((await c.getTopic(name)).partitions).toBe(3);
        await c.deleteTopic(name);
      });
    });

    it('alters configs with validation; a bad value changes nothing', async () => {
      const c = ctx.connector;
      const name = fresh('ct-configs');
      const { config: k, invalid } = ctx.profile;
      await whenSupported(c.capabilities.alterConfigs, () => c.alterTopicConfigs(name, { set: { [k.name]: k.changed } }), async () => {
        await ctx.createTopic(name, 1, { [k.name]: k.initial });
        const value = async (key: string) => (await c.getTopicConfigs(name)).find((e) => e.name === key);
        expect((await value(k.name))?.value).toBe(k.initial);
        expect((await value(k.name))?.isDefault).toBe(false);

        const before = await c.getTopicConfigs(name);
        const invalidPattern = new RegExp(invalid.name.replace(/[.]/g, '\\.'));
        await expectCode(c.alterTopicConfigs(name, { set: { [k.name]: k.changed, [invalid.name]: invalid.value } }), 'INVALID', invalidPattern);
        await expectCode(c.alterTopicConfigs(name, { set: { 'no.such.config': '1' } }), 'INVALID', /no\.such\.config/);
        await expectCode(c.alterTopicConfigs(name, { set: {} }), 'INVALID');
        await expectCode(c.alterTopicConfigs(name, { set: { [k.name]: k.changed }, reset: [k.name] }), 'INVALID');
        expect(await c.getTopicConfigs(name)).toEqual(before);

        const preview = await c.alterTopicConfigs(name, { set: { [k.name]: k.preview }, validateOnly: true });
        expect(preview.find((e) => e.name === k.name)?.value).toBe(k.preview);
        expect(await c.getTopicConfigs(name)).toEqual(before);

        const after = await c.alterTopicConfigs(name, { set: { [k.name]: k.changed } });
        expect(after.find((e) => e.name === k.name)?.value).toBe(k.changed);
        expect((await value(k.name))?.value).toBe(k.changed);

        const reset = await c.alterTopicConfigs(name, { reset: [k.name] });
        expect(reset.find((e) => e.name === k.name)?.isDefault).toBe(true);
        await c.deleteTopic(name);
      });
    });
  });
}
