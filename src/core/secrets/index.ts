// Secret detection: pure functions over strings (no IO).
export { detectSecrets, entropyConfidence, type DetectOptions } from './detect.js';
export { isPlaceholder, isReference, containsReference, referenceSpans } from './placeholder.js';
export { githubChecksumValid, githubChecksum, crc32, base62, BASE62_ALPHABET } from './checksum.js';
export { fingerprint, maskSecret, describeSecret, secretRef } from './mask.js';
export { isCredentialKey, isObviouslyNotSecret, kindFromKey, shannonEntropy } from './keys.js';
export { decodeJwtPayload } from './jwt.js';
export { parseDotenv, type DotenvEntry } from './dotenv.js';
export {
  scanShellHistory,
  detectInHistory,
  type HistoryShell,
  type HistoryCandidate,
  type HistoryDetection,
} from './history.js';
export { checkShape, type ExpectedShape, type ShapeCheck } from './shape.js';
