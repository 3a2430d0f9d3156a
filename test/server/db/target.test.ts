import { describe, expect, it } from 'vitest';
import { DatabaseConfigError, describeTarget, redactUrl, resolveDatabaseTarget, resolveDataDir } from '../../../server/db/target.js';

const CWD = '/srv/sluice';

describe('resolveDatabaseTarget', () => {
  it('defaults to SQLite sluice.db in ./data', () => {
    expect(resolveDatabaseTarget({}, CWD)).toEqual({ provider: 'sqlite', filePath: '/srv/sluice/data/sluice.db', url: 'file:/srv/sluice/data/sluice.db' });
  });

  it('puts the SQLite file in SLUICE_DATA_DIR, made absolute; blank variables count as unset', () => {
    expect(resolveDatabaseTarget({ SLUICE_DATA_DIR: 'var/db', DATABASE_URL: '  ' }, CWD)).toMatchObject({ provider: 'sqlite', filePath: '/srv/sluice/var/db/sluice.db' });
    expect(resolveDatabaseTarget({ SLUICE_DATA_DIR: '/abs' }, CWD)).toMatchObject({ filePath: '/abs/sluice.db' });
    expect(resolveDataDir({ SLUICE_DATA_DIR: '' }, CWD)).toBe('/srv/sluice/data');
  });

  it('selects PostgreSQL for postgres:// and postgresql:// URLs, schema public by default', () => {
    for (const url of ['postgres://u:p@db:5432/sluice', 'postgresql://u:p@db:5432/sluice', 'POSTGRES://u@db/sluice']) {
      expect(resolveDatabaseTarget({ DATABASE_URL: url }, CWD)).toMatchObject({ provider: 'postgresql', schema: 'public', url });
    }
  });

  it('takes the schema from ?schema= and strips it from the connection string, keeping other parameters', () => {
    const target = resolveDatabaseTarget({ DATABASE_URL: 'postgres://u@db/sluice?sslmode=require&schema=ops_meta' }, CWD);
    expect(target).toMatchObject({ provider: 'postgresql', schema: 'ops_meta', connectionString: 'postgres://u@db/sluice?sslmode=require' });
  });

  it('refuses a schema name that is not a plain identifier', () => {
    expect(() => resolveDatabaseTarget({ DATABASE_URL: 'postgres://u@db/x?schema=a"b' }, CWD)).toThrow(DatabaseConfigError);
    expect(() => resolveDatabaseTarget({ DATABASE_URL: 'postgres://u@db/x?schema=a%20b' }, CWD)).toThrow(/plain identifier/);
  });

  it('accepts file: URLs for SQLite, relative to the working directory', () => {
    expect(resolveDatabaseTarget({ DATABASE_URL: 'file:./dev.db' }, CWD)).toMatchObject({ provider: 'sqlite', filePath: '/srv/sluice/dev.db' });
    expect(resolveDatabaseTarget({ DATABASE_URL: 'file:/tmp/x.db' }, CWD)).toMatchObject({ filePath: '/tmp/x.db' });
    expect(resolveDatabaseTarget({ DATABASE_URL: 'file:///tmp/y.db' }, CWD)).toMatchObject({ filePath: '/tmp/y.db' });
  });

  it('refuses other schemes with a message that says what works and hides the password', () => {
    const attempt = () => resolveDatabaseTarget({ DATABASE_URL: 'mysql://root:hunter2@db/x' }, CWD);
    expect(attempt).toThrow(DatabaseConfigError);
    expect(attempt).toThrow(/postgres:\/\/.*file:/);
    expect(attempt).not.toThrow(/hunter2/);
  });
});

describe('redactUrl / describeTarget', () => {
  it('never shows a password', () => {
    expect(redactUrl('postgres://u:secret@db:5432/x')).toBe('postgres://u:***@db:5432/x');
    expect(redactUrl('postgres://u@db/x')).toBe('postgres://u@db/x');
    const target = resolveDatabaseTarget({ DATABASE_URL: 'postgres://u:secret@db/x?schema=s' }, CWD);
    expect(describeTarget(target)).toBe('postgresql postgres://u:***@db/x schema s');
  });
});
