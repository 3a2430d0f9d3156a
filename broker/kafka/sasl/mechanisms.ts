/** The SASL mechanisms the broker implements (KIP-43 PLAIN, KIP-84 SCRAM). */
export const SASL_MECHANISMS = ['PLAIN', 'SCRAM-SHA-256', 'SCRAM-SHA-512'] as const;
export type SaslMechanism = (typeof SASL_MECHANISMS)[number];
export type ScramMechanism = Exclude<SaslMechanism, 'PLAIN'>;
export const SCRAM_MECHANISMS: readonly ScramMechanism[] = ['SCRAM-SHA-256', 'SCRAM-SHA-512'];

export function isSaslMechanism(name: string): name is SaslMechanism {
  return (SASL_MECHANISMS as readonly string[]).includes(name);
}

/** What the SCRAM code computes with. SCRAM-SHA-1 exists only so RFC 5802's own test vector can
 * check the implementation; it is never offered to clients (Kafka does not support it). */
export type ScramAlgorithm = ScramMechanism | 'SCRAM-SHA-1';

/** Node's digest name and output size for a SCRAM algorithm. */
export function scramDigest(mechanism: ScramAlgorithm): { algorithm: 'sha1' | 'sha256' | 'sha512'; bytes: number } {
  if (mechanism === 'SCRAM-SHA-1') return { algorithm: 'sha1', bytes: 20 };
  return mechanism === 'SCRAM-SHA-256' ? { algorithm: 'sha256', bytes: 32 } : { algorithm: 'sha512', bytes: 64 };
}
