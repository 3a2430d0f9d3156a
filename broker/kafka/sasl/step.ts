/** What one SASL server step answers: a token to send, and whether the exchange goes on. */
export type SaslStep =
  | { kind: 'continue'; token: Buffer }
  | { kind: 'success'; token: Buffer; username: string }
  /** `token` is what the mechanism tells the client (SCRAM `e=...`, empty for PLAIN); `reason` is for logs and error messages. */
  | { kind: 'failure'; token: Buffer; reason: string };
