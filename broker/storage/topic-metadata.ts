import { mkdir, readFile, readdir, rename } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from '../logger.js';
import { fsyncDir, isNotFound, removeQuietly, writeFileAtomic } from './fs-util.js';
import { DEFAULT_TOPIC_CONFIG, mergeConfig, validateTopicName } from './topic-config.js';
import type { TopicInfo } from './types.js';

/**
 * Topic metadata on disk: `<dataDir>/topics/<name>/topic.json`, replaced atomically. The file is
 * written last when a topic is created, so a directory without it is an interrupted creation.
 * Deletion renames the directory into `<dataDir>/deleted/` first (one atomic step), so a crash
 * mid-delete never leaves a half-deleted topic that would be loaded again.
 */
const TOPIC_FILE = 'topic.json';

export function topicsDir(dataDir: string): string {
  return join(dataDir, 'topics');
}

export function topicDir(dataDir: string, name: string): string {
  return join(topicsDir(dataDir), name);
}

export function partitionDir(dataDir: string, name: string, partition: number): string {
  return join(topicDir(dataDir, name), String(partition));
}

export async function saveTopic(dataDir: string, info: TopicInfo): Promise<void> {
  await writeFileAtomic(join(topicDir(dataDir, info.name), TOPIC_FILE), `${JSON.stringify(info, null, 2)}\n`);
}

export async function loadTopics(dataDir: string, logger: Logger): Promise<TopicInfo[]> {
  await mkdir(topicsDir(dataDir), { recursive: true });
  const topics: TopicInfo[] = [];
  for (const entry of await readdir(topicsDir(dataDir), { withFileTypes: true })) {
    if (!entry.isDirectory()) continue;
    const dir = topicDir(dataDir, entry.name);
    let raw: string;
    try {
      raw = await readFile(join(dir, TOPIC_FILE), 'utf8');
    } catch (err) {
      if (!isNotFound(err)) throw err;
      logger.warn('removing topic directory left by an interrupted creation', { topic: entry.name, dir });
      await removeQuietly(dir);
      continue;
    }
    const info = parseTopic(raw, entry.name);
    if (typeof info === 'string') {
      // Left on disk untouched for an operator; the name stays taken (createTopic sees the dir).
      logger.error('skipping topic with unreadable metadata', { topic: entry.name, reason: info });
      continue;
    }
    topics.push(info);
  }
  return topics;
}

function parseTopic(raw: string, dirName: string): TopicInfo | string {
  try {
    const parsed = JSON.parse(raw) as Partial<TopicInfo>;
    validateTopicName(parsed.name ?? '');
    if (parsed.name !== dirName) return `name ${parsed.name} does not match directory ${dirName}`;
    if (!Number.isInteger(parsed.partitions) || parsed.partitions! < 1) return `invalid partition count ${parsed.partitions}`;
    if (typeof parsed.id !== 'string') return 'missing id';
    // Merging over the defaults lets a newer store add config keys without migrating files.
    const config = mergeConfig({ ...DEFAULT_TOPIC_CONFIG }, parsed.config ?? {});
    return { name: parsed.name, id: parsed.id, partitions: parsed.partitions!, config, createdAt: Number(parsed.createdAt) || 0 };
  } catch (err) {
    return (err as Error).message;
  }
}

/** Moves the topic out of `topics/` atomically, then removes the files. */
export async function removeTopicFiles(dataDir: string, info: TopicInfo): Promise<void> {
  const graveyard = join(dataDir, 'deleted');
  await mkdir(graveyard, { recursive: true });
  const target = join(graveyard, `${info.name}-${info.id}`);
  await rename(topicDir(dataDir, info.name), target);
  await fsyncDir(topicsDir(dataDir));
  await removeQuietly(target);
}

/** Finishes deletions a crash interrupted. */
export async function purgeDeleted(dataDir: string): Promise<void> {
  await removeQuietly(join(dataDir, 'deleted'));
}
