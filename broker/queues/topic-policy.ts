/**
 * Per-topic queue policies besides the default TTL and the backlog limit: what a publish into a
 * full backlog does (`backlogPolicy`, see backlog-archive.ts) and whether retention archives the
 * messages a subscription has not settled before it deletes them (`archiveBeforeRetention`, see
 * retention-guard.ts). Journaled as `policy` events (state.ts); only topics that differ from the
 * defaults are kept, so snapshots stay small.
 */
import { SluiceError } from '../errors.js';

export type BacklogPolicy = 'reject' | 'archive-oldest';

export interface TopicPolicy {
  backlogPolicy: BacklogPolicy;
  archiveBeforeRetention: boolean;
}

export const DEFAULT_TOPIC_POLICY: Readonly<TopicPolicy> = Object.freeze({ backlogPolicy: 'reject', archiveBeforeRetention: true });

export type PolicyEvent = { e: 'policy'; topic: string; backlogPolicy?: BacklogPolicy; archiveBeforeRetention?: boolean };

export class TopicPolicies {
  private readonly byTopic = new Map<string, TopicPolicy>();

  get(topic: string): TopicPolicy {
    return { ...(this.byTopic.get(topic) ?? DEFAULT_TOPIC_POLICY) };
  }

  apply(ev: PolicyEvent): void {
    const next = this.get(ev.topic);
    if (ev.backlogPolicy !== undefined) next.backlogPolicy = ev.backlogPolicy;
    if (ev.archiveBeforeRetention !== undefined) next.archiveBeforeRetention = ev.archiveBeforeRetention;
    if (next.backlogPolicy === DEFAULT_TOPIC_POLICY.backlogPolicy && next.archiveBeforeRetention === DEFAULT_TOPIC_POLICY.archiveBeforeRetention) this.byTopic.delete(ev.topic);
    else this.byTopic.set(ev.topic, next);
  }

  snapshot(): Record<string, TopicPolicy> {
    return Object.fromEntries([...this.byTopic].map(([t, p]) => [t, { ...p }]));
  }

  restore(saved: Record<string, TopicPolicy>): void {
    this.byTopic.clear();
    for (const [t, p] of Object.entries(saved)) this.byTopic.set(t, { ...p });
  }
}

export function validateBacklogPolicy(v: unknown): BacklogPolicy {
  if (v !== 'reject' && v !== 'archive-oldest') {
    throw new SluiceError('INVALID_CONFIG', `backlogPolicy must be 'reject' or 'archive-oldest', not ${JSON.stringify(v)}`, { field: 'backlogPolicy' });
  }
  return v;
}

export function validateArchiveBeforeRetention(v: unknown): boolean {
  if (typeof v !== 'boolean') throw new SluiceError('INVALID_CONFIG', `archiveBeforeRetention must be true or false, not ${JSON.stringify(v)}`, { field: 'archiveBeforeRetention' });
  return v;
}
