'use client';

import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useRouter } from 'next/navigation';
import { useState } from 'react';
import type { GroupDetail } from '../../../../../broker/control/connectors/index.js';
import { api, clusterPath } from '../../../../../lib/api-client.js';
import { paths } from '../../../../../lib/format.js';
import { clusterKeys } from '../../../../../lib/query-keys.js';
import { useSession } from '../../../../shell/session-context';
import { useToast } from '../../../../shell/toast';
import { Dialog } from '../../../../ui/dialog';
import { TypeToConfirm } from '../../../../ui/type-to-confirm';
import { ResetWizard } from './reset-wizard';

export function GroupActions({ cluster, group }: { cluster: string; group: GroupDetail }) {
  const { csrfToken } = useSession();
  const toast = useToast();
  const router = useRouter();
  const qc = useQueryClient();
  const [dialog, setDialog] = useState<'none' | 'reset' | 'delete'>('none');
  const [confirm, setConfirm] = useState('');
  const [error, setError] = useState('');
  const close = () => (setDialog('none'), setConfirm(''), setError(''));
  const del = useMutation({
    mutationFn: () => api(clusterPath(cluster, 'groups', group.groupId), { method: 'DELETE', csrfToken }),
    onSuccess: () => {
      toast('ok', `Group ${group.groupId} deleted`);
      void qc.invalidateQueries({ queryKey: clusterKeys.groups(cluster) });
      close();
      router.push(paths.groups(cluster));
    },
    onError: (e) => setError((e as Error).message),
  });
  const active = group.members > 0;
  return (
    <>
      <button type="button" className="btn" onClick={() => setDialog('reset')} data-testid="reset-offsets">
        Reset offsets
      </button>
      <button type="button" className="btn danger" onClick={() => setDialog('delete')} data-testid="delete-group">
        Delete group
      </button>
      <Dialog open={dialog === 'reset'} onClose={close} title={`Reset offsets of ${group.groupId}`}>
        <ResetWizard cluster={cluster} group={group} onDone={close} />
      </Dialog>
      <Dialog open={dialog === 'delete'} onClose={close} title={`Delete ${group.groupId}`}>
        {active ? (
          <p className="warn">The group has {group.members} active members. Stop its consumers first: a group with members cannot be deleted.</p>
        ) : (
          <p className="bad">The group&apos;s committed offsets are deleted. Consumers that join again start from their auto.offset.reset position.</p>
        )}
        <TypeToConfirm id="gd-confirm" expected={group.groupId} value={confirm} onChange={setConfirm} testId="group-delete-confirm" />
        {error && <p className="form-error">{error}</p>}
        <div className="dialog-actions">
          <button type="button" className="btn" onClick={close}>
            Cancel
          </button>
          <button type="button" className="btn danger" disabled={confirm !== group.groupId || del.isPending} onClick={() => del.mutate()} data-testid="group-delete-submit">
            Delete group
          </button>
        </div>
      </Dialog>
    </>
  );
}
