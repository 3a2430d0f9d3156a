/** What an alter-configs request changes, so a preview (`validateOnly`) shows a diff, not a wall. */
import type { ConfigEntry } from '../../broker/control/connectors/index.js';

export interface ConfigChange {
  name: string;
  before: string | null;
  after: string | null;
  isDefault: boolean;
}

export function diffConfigs(before: readonly ConfigEntry[], after: readonly ConfigEntry[]): ConfigChange[] {
  const old = new Map(before.map((e) => [e.name, e]));
  const changes: ConfigChange[] = [];
  for (const entry of after) {
    const prev = old.get(entry.name);
    if (prev && prev.value === entry.value && prev.isDefault === entry.isDefault) continue;
    changes.push({ name: entry.name, before: prev?.value ?? null, after: entry.value, isDefault: entry.isDefault });
  }
  return changes.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}
