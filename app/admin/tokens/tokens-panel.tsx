'use client';

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useCallback, useState } from 'react';
import type { Role } from '../../../server/auth/roles.js';
import { adminKeys } from '../../../lib/admin-query-keys';
import { describeError, FRESH_FROM_SERVER } from '../api';
import styles from '../admin.module.css';
import { ConfirmDialog } from '../confirm-dialog';
import { formatDateTime, isFuture } from '../format';
import { Notice, useNotice } from '../notice';
import { CreateTokenForm } from './create-token-form';
import { fetchTokens, revokeToken, type TokenView } from './tokens-api';

export function TokensPanel({
  initialTokens,
  initialUpdatedAt,
  scope,
  csrfToken,
  me,
  myRole,
}: {
  initialTokens: TokenView[];
  initialUpdatedAt: number;
  scope: 'mine' | 'all';
  csrfToken: string;
  me: string;
  myRole: Role;
}) {
  const notices = useNotice();
  const queryClient = useQueryClient();
  const tokens = useQuery({
    queryKey: adminKeys.tokens(scope),
    queryFn: () => fetchTokens(scope),
    initialData: initialTokens,
    initialDataUpdatedAt: initialUpdatedAt,
    ...FRESH_FROM_SERVER,
  });
  const [revoking, setRevoking] = useState<TokenView | null>(null);
  const [revokeError, setRevokeError] = useState<string | null>(null);
  const revoke = useMutation({
    mutationFn: (token: TokenView) => revokeToken(token.id, csrfToken),
    onSuccess: (token) => {
      setRevoking(null);
      notices.success(`Token ${token.name} (${token.prefix}…) revoked; it no longer works.`);
    },
    onError: (err) => setRevokeError(describeError(err)),
    onSettled: () => queryClient.invalidateQueries({ queryKey: adminKeys.all }),
  });
  const closeRevoke = useCallback(() => {
    setRevoking(null);
    setRevokeError(null);
  }, []);

  return (
    <>
      <CreateTokenForm csrfToken={csrfToken} myRole={myRole} onCreated={(t) => notices.success(`Token ${t.name} created.`)} />
      <section className={styles.panel} aria-labelledby="tokens-title">
        <div className={styles.panelHead}>
          <h2 id="tokens-title">{scope === 'all' ? 'All tokens' : 'Your tokens'}</h2>
          <span className="muted" role="status">
            {tokens.isFetching ? 'Refreshing…' : `${tokens.data.length} ${tokens.data.length === 1 ? 'token' : 'tokens'}`}
          </span>
        </div>
        {tokens.isError && (
          <p className={styles.inlineError} role="alert">
            Could not refresh the list: {describeError(tokens.error)}
          </p>
        )}
        <div className={styles.tableWrap}>
          <table className={styles.table} data-testid="tokens-table">
            <thead>
              <tr>
                <th scope="col">Name</th>
                {scope === 'all' && <th scope="col">Owner</th>}
                <th scope="col">Prefix</th>
                <th scope="col">Role</th>
                <th scope="col">Created</th>
                <th scope="col">Last used</th>
                <th scope="col">Expires</th>
                <th scope="col">Status</th>
                <th scope="col">
                  <span className={styles.srOnly}>Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {tokens.data.length === 0 && (
                <tr>
                  <td colSpan={scope === 'all' ? 9 : 8} className={styles.empty}>
                    No tokens yet.
                  </td>
                </tr>
              )}
              {tokens.data.map((token) => (
                <tr key={token.id} data-testid={`token-row-${token.name}`}>
                  <td>
                    <strong>{token.name}</strong>
                  </td>
                  {scope === 'all' && <td>{token.owner === me ? `${token.owner} (you)` : token.owner}</td>}
                  <td>
                    <code>{token.prefix}…</code>
                  </td>
                  <td>{token.role}</td>
                  <td className={styles.nowrap}>{formatDateTime(token.createdAt)}</td>
                  <td className={styles.nowrap}>{formatDateTime(token.lastUsedAt)}</td>
                  <td className={styles.nowrap}>{token.expiresAt ? formatDateTime(token.expiresAt) : 'never'}</td>
                  <td>
                    <TokenStatus token={token} />
                  </td>
                  <td>
                    {!token.revokedAt && (
                      <div className={styles.rowActions}>
                        <button type="button" className={`${styles.small} ${styles.dangerText}`} onClick={() => setRevoking(token)} data-testid={`revoke-${token.name}`}>
                          Revoke
                        </button>
                      </div>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>
      {revoking && (
        <ConfirmDialog
          title={`Revoke token ${revoking.name}?`}
          confirmLabel="Revoke token"
          danger
          busy={revoke.isPending}
          error={revokeError}
          onConfirm={() => {
            setRevokeError(null);
            revoke.mutate(revoking);
          }}
          onCancel={closeRevoke}
        >
          <p>
            Anything using <code>{revoking.prefix}…</code>
            {revoking.owner !== me ? ` (owned by ${revoking.owner})` : ''} is refused from now on. This cannot be undone.
          </p>
        </ConfirmDialog>
      )}
      <Notice notice={notices.notice} onDismiss={notices.clear} />
    </>
  );
}

function TokenStatus({ token }: { token: TokenView }) {
  if (token.revokedAt) return <span className={styles.badgeBad} title={`revoked ${formatDateTime(token.revokedAt)}`}>revoked {formatDateTime(token.revokedAt)}</span>;
  if (token.expiresAt && !isFuture(token.expiresAt)) return <span className={styles.badgeWarn}>expired</span>;
  return <span className={styles.badgeOk}>active</span>;
}
