/**
 * Local console accounts. Invariant kept by every change here: at least one enabled admin exists
 * (deleting, disabling or demoting the last one is refused with LAST_ADMIN), so the console can
 * never lock everyone out of user management.
 */
import { z } from 'zod';
import { SluiceError } from '../../broker/errors.js';
import { isUniqueViolation, type Db } from '../db/client.js';
import { forgetVerifiedPrincipals } from './auth-cache.js';
import { checkPasswordPolicy, hashPassword, verifyPassword } from './passwords.js';
import { parseRole, roleSchema, type Role } from './roles.js';

export const usernameSchema = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, 'letters, digits, ".", "_" or "-", starting with a letter or digit, at most 64');

/** What the API shows of an account: never the hash. */
export interface UserView {
  id: string;
  username: string;
  role: Role;
  disabled: boolean;
  mustChangePassword: boolean;
  lockedUntil: string | null;
  lastLoginAt: string | null;
  createdAt: string;
}

type UserRow = Awaited<ReturnType<Db['user']['findUniqueOrThrow']>>;
type Tx = Parameters<Parameters<Db['$transaction']>[0]>[0];

export function toUserView(row: UserRow): UserView {
  return {
    id: row.id,
    username: row.username,
    role: parseRole(row.role),
    disabled: row.disabled,
    mustChangePassword: row.mustChangePassword,
    lockedUntil: row.lockedUntil?.toISOString() ?? null,
    lastLoginAt: row.lastLoginAt?.toISOString() ?? null,
    createdAt: row.createdAt.toISOString(),
  };
}

export interface NewUser {
  username: string;
  password: string;
  role: Role;
  mustChangePassword?: boolean;
}

export async function createUser(db: Db, input: NewUser): Promise<UserView> {
  const username = usernameSchema.parse(input.username);
  roleSchema.parse(input.role);
  checkPasswordPolicy(input.password);
  const passwordHash = await hashPassword(input.password);
  try {
    const row = await db.user.create({
      data: { username, role: input.role, passwordHash, mustChangePassword: input.mustChangePassword ?? false },
    });
    return toUserView(row);
  } catch (err) {
    if (isUniqueViolation(err)) throw new SluiceError('USER_EXISTS', `user ${username} already exists`, { username });
    throw err;
  }
}

export async function listUsers(db: Db): Promise<UserView[]> {
  return (await db.user.findMany({ orderBy: { username: 'asc' } })).map(toUserView);
}

async function findUser(db: Db | Tx, username: string): Promise<UserRow> {
  const row = await db.user.findUnique({ where: { username } });
  if (!row) throw new SluiceError('UNKNOWN_USER', `no user named ${username}`, { username });
  return row;
}

export async function getUser(db: Db, username: string): Promise<UserView> {
  return toUserView(await findUser(db, username));
}

/** Throws LAST_ADMIN when `user` is the only enabled admin and is about to stop being one. */
async function guardLastAdmin(tx: Tx, user: UserRow): Promise<void> {
  if (user.role !== 'admin' || user.disabled) return;
  const others = await tx.user.count({ where: { role: 'admin', disabled: false, id: { not: user.id } } });
  if (others === 0) {
    throw new SluiceError('LAST_ADMIN', `${user.username} is the last enabled admin; create or enable another admin first`, {
      username: user.username,
    });
  }
}

/**
 * Waits for a change to commit, then drops remembered principals (auth-cache.ts), so the next
 * request sees the new role, disabled flag or ended sessions. Also after a failure: the cache is
 * refilled by the next lookup anyway.
 */
async function afterCommit<T>(change: Promise<T>): Promise<T> {
  try {
    return await change;
  } finally {
    forgetVerifiedPrincipals();
  }
}

export interface UserChange {
  role?: Role;
  disabled?: boolean;
}

/** Changes role and/or the disabled flag; disabling ends the user's sessions at once. */
export async function updateUser(db: Db, username: string, change: UserChange): Promise<UserView> {
  if (change.role !== undefined) roleSchema.parse(change.role);
  return afterCommit(db.$transaction(async (tx) => {
    const user = await findUser(tx, username);
    const losesAdmin = (change.role !== undefined && change.role !== 'admin') || change.disabled === true;
    if (losesAdmin) await guardLastAdmin(tx, user);
    const row = await tx.user.update({
      where: { id: user.id },
      data: {
        ...(change.role !== undefined ? { role: change.role } : {}),
        ...(change.disabled !== undefined ? { disabled: change.disabled } : {}),
      },
    });
    if (change.disabled === true) await tx.session.deleteMany({ where: { userId: user.id } });
    return toUserView(row);
  }));
}

export async function deleteUser(db: Db, username: string): Promise<void> {
  await afterCommit(db.$transaction(async (tx) => {
    const user = await findUser(tx, username);
    await guardLastAdmin(tx, user);
    await tx.user.delete({ where: { id: user.id } }); // sessions and tokens cascade
  }));
}

/**
 * An admin sets a new password for someone: their sessions end, the lock is lifted, and they
 * must choose their own password at next login.
 */
export async function resetPassword(db: Db, username: string, password: string): Promise<UserView> {
  checkPasswordPolicy(password);
  const passwordHash = await hashPassword(password);
  return afterCommit(db.$transaction(async (tx) => {
    const user = await findUser(tx, username);
    await tx.session.deleteMany({ where: { userId: user.id } });
    const row = await tx.user.update({
      where: { id: user.id },
      data: { passwordHash, mustChangePassword: true, failedLogins: 0, lockedUntil: null },
    });
    return toUserView(row);
  }));
}

/**
 * A user changes their own password, proving they know the current one. Their other sessions
 * end; the one making the change (`keepSessionId`) stays.
 */
export async function changeOwnPassword(
  db: Db,
  userId: string,
  current: string,
  next: string,
  keepSessionId?: string,
): Promise<UserView> {
  const user = await db.user.findUnique({ where: { id: userId } });
  if (!user) throw new SluiceError('UNKNOWN_USER', 'the signed-in user no longer exists');
  if (!(await verifyPassword(user.passwordHash, current))) {
    throw new SluiceError('AUTH_FAILED', 'the current password is not correct');
  }
  checkPasswordPolicy(next);
  if (next === current) throw new SluiceError('WEAK_PASSWORD', 'the new password must differ from the current one');
  const passwordHash = await hashPassword(next);
  return afterCommit(db.$transaction(async (tx) => {
    await tx.session.deleteMany({ where: { userId, ...(keepSessionId ? { id: { not: keepSessionId } } : {}) } });
    return toUserView(await tx.user.update({ where: { id: userId }, data: { passwordHash, mustChangePassword: false } }));
  }));
}
