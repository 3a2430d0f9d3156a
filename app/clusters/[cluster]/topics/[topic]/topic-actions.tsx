'use client';

import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useRouter } from 'next/navigation';
import { useState } from 'react';
import { api, clusterPath } from '../../../../../lib/api-client.js';
import { paths } from '../../../../../lib/format.js';
import { clusterKeys } from '../../../../../lib/query-keys.js';
import { useSession } from '../../../../shell/session-context';
import { useToast } from '../../../../shell/toast';
import { Dialog } from '../../../../ui/dialog';
import { TypeToConfirm } from '../../../../ui/type-to-confirm';

/** Add partitions and delete: the two topic operations that cannot be undone. */
/** Used on the topic page and on each row of the topics list (`compact`). */
export function TopicActions({ cluster, topic, compact = false }: { cluster: string; topic: { name: string; partitions: number }; compact?: boolean }) {
  const { csrfToken } = useSession();
  const toast = useToast();
  const router = useRouter();
  const qc = useQueryClient();
  const [dialog, setDialog] = useState<'none' | 'delete' | 'partitions'>('none');
  const [confirm, setConfirm] = useState('');
  const [total, setTotal] = useState(String(topic.partitions + 1));
  const [error, setError] = useState('');
  const close = () => {
    setDialog('none');
    setError('');
    setConfirm('');
  };

  const del = useMutation({
    mutationFn: () => api(`${clusterPath(cluster, 'topics', topic.name)}?confirm=${encodeURIComponent(confirm)}`, { method: 'DELETE', csrfToken }),
    onSuccess: () => {
      toast('ok', `Topic ${topic.name} deleted`);
      void qc.invalidateQueries({ queryKey: clusterKeys.topics(cluster) });
      close();
      router.push(paths.topics(cluster));
    },
    onError: (e) => setError((e as Error).message),
  });
  const grow = useMutation({
    mutationFn: () => api(clusterPath(cluster, 'topics', topic.name, 'partitions'), { method: 'POST', csrfToken, body: { totalPartitions: Number(total) } }),
    onSuccess: () => {
      toast('ok', `${topic.name} now has ${total} partitions`);
      void qc.invalidateQueries({ queryKey: clusterKeys.topics(cluster) });
      close();
    },
    onError: (e) => setError((e as Error).message),
  });
  const totalN = Number(total);
  const totalError = !Number.isInteger(totalN) || totalN <= topic.partitions ? `more than the current ${topic.partitions}` : '';

  return (
    <>
      <button type="button" className={`btn${compact ? ' small' : ''}`} onClick={() => setDialog('partitions')} data-testid="add-partitions" aria-label={`Add partitions to ${topic.name}`}>
        {compact ? '+ Partitions' : 'Add partitions'}
      </button>
      <button type="button" className={`btn danger${compact ? ' small' : ''}`} onClick={() => setDialog('delete')} data-testid="delete-topic" aria-label={`Delete ${topic.name}`}>
        {compact ? 'Delete' : 'Delete topic'}
      </button>
      <Dialog open={dialog === 'delete'} onClose={close} title={`Delete ${topic.name}`}>
        <p className="bad">Every message in every partition of this topic is deleted. Consumers reading it will fail.</p>
        <TypeToConfirm id="del-confirm" expected={topic.name} value={confirm} onChange={setConfirm} testId="delete-confirm" />
        {error && <p className="form-error">{error}</p>}
        <div className="dialog-actions">
          <button type="button" className="btn" onClick={close}>
            Cancel
          </button>
          <button type="button" className="btn danger" disabled={confirm !== topic.name || del.isPending} onClick={() => del.mutate()} data-testid="delete-submit">
            Delete forever
          </button>
        </div>
      </Dialog>
      <Dialog open={dialog === 'partitions'} onClose={close} title={`Add partitions to ${topic.name}`}>
        <p className="warn">
          Keyed ordering changes: a key maps to <em>hash(key) mod partitions</em>, so after this most keys go to a different partition than their earlier
          messages. Partitions cannot be removed again.
        </p>
        <div className="field">
          <label htmlFor="grow-total">New total partitions</label>
          <input id="grow-total" className="input" inputMode="numeric" value={total} onChange={(e) => setTotal(e.target.value)} aria-invalid={!!totalError} />
          {totalError && <span className="error">{totalError}</span>}
        </div>
        {error && <p className="form-error">{error}</p>}
        <div className="dialog-actions">
          <button type="button" className="btn" onClick={close}>
            Cancel
          </button>
          <button type="button" className="btn primary" disabled={!!totalError || grow.isPending} onClick={() => grow.mutate()}>
            Add partitions
          </button>
        </div>
      </Dialog>
    </>
  );
}
