/** Appends one audit event. Parameters are redacted here, so no caller can forget to. */
import { z } from 'zod';
import type { Db } from '../db/client.js';
import { redactSecrets } from './redact.js';

export const AUDIT_OUTCOMES = ['success', 'failure', 'denied'] as const;
export type AuditOutcome = (typeof AUDIT_OUTCOMES)[number];
export const auditOutcomeSchema = z.enum(AUDIT_OUTCOMES);

export interface AuditInput {
  actor: string;
  actorRole?: string | null;
  action: string;
  target?: string;
  clusterId?: string | null;
  params?: unknown;
  outcome: AuditOutcome;
  error?: string | null;
  ip?: string | null;
  at?: Date;
}

const MAX_PARAMS_CHARS = 16_384;
const MAX_ERROR_CHARS = 2_000;

export async function recordAudit(db: Db, event: AuditInput): Promise<void> {
  let params = JSON.stringify(redactSecrets(event.params ?? {})) ?? '{}';
  if (params.length > MAX_PARAMS_CHARS) params = JSON.stringify({ truncated: true, chars: params.length });
  await db.auditEvent.create({
    data: {
      actor: event.actor,
      actorRole: event.actorRole ?? null,
      action: event.action,
      target: event.target ?? '',
      clusterId: event.clusterId ?? null,
      params,
      outcome: event.outcome,
      error: event.error?.slice(0, MAX_ERROR_CHARS) ?? null,
      ip: event.ip ?? null,
      ...(event.at ? { at: event.at } : {}),
    },
  });
}
