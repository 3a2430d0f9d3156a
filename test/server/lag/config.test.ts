import { describe, expect, it } from 'vitest';
import { lagSamplerConfig } from '../../../server/lag/config.js';

describe('lag sampler config', () => {
  it('defaults to 5 s samples kept 24 h, watched for 2 minutes per read', () => {
    expect(lagSamplerConfig({})).toEqual({ intervalMs: 5_000, watchMs: 120_000, retentionMs: 24 * 3_600_000, pruneEveryMs: 600_000 });
  });

  it('reads the environment', () => {
    expect(lagSamplerConfig({ SLUICE_LAG_SAMPLE_SECONDS: '2.5', SLUICE_LAG_RETENTION_HOURS: '0.5' })).toMatchObject({ intervalMs: 2_500, retentionMs: 1_800_000, pruneEveryMs: 450_000 });
  });

  it('names the variable and the value it refuses', () => {
    expect(() => lagSamplerConfig({ SLUICE_LAG_SAMPLE_SECONDS: '0' })).toThrow('SLUICE_LAG_SAMPLE_SECONDS must be a positive number, got "0"');
    expect(() => lagSamplerConfig({ SLUICE_LAG_RETENTION_HOURS: 'a day' })).toThrow('SLUICE_LAG_RETENTION_HOURS must be a positive number, got "a day"');
  });
});
