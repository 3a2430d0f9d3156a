export { clusterSecretsSchema, clusterSecretsView, readClusterSecrets, setClusterSecrets, type ClusterSecrets, type ClusterSecretsView } from './cluster-secrets.js';
export { decrypt, decryptJson, encrypt, encryptJson, type UnreadableReason } from './envelope.js';
export { loadSecretKey, parseSecretKey, processSecretKey, SecretKey, SECRET_KEY_FILE, type LoadSecretKeyOptions } from './key.js';
export { isSecretKey, REDACTED, redactSecrets } from './redact.js';
