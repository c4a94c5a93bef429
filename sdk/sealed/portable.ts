/**
 * Sealed results without the Node-only stores: what runs in browsers too (see index.ts).
 */
export { buildDatasetBundle, openDatasetBundle } from "./dataset.js";
export { deliveryCommitment, deliveryUriOf, parseDeliveryDocument, DATASET_FORMAT } from "./dataset-format.js";
export type {
  AcceptedSubmission,
  DatasetBundle,
  DatasetItemInput,
  DatasetPayload,
  DeliveredItem,
  DeliveryDocument,
  LicenceContext,
  PayloadItem,
} from "./dataset-format.js";
export { discloseToJurors, openDisclosure, parseEvidence, reviewAsJuror, EVIDENCE_FORMAT } from "./disclose.js";
export type { Disclosure, Evidence, JurorKey } from "./disclose.js";
export { canonicalBytes, canonicalJson, ipfsUriOf, parseCanonical, parseIpfsUri } from "./encoding.js";
export type { Json } from "./encoding.js";
export {
  openEnvelope,
  openWithContentKey,
  parseEnvelope,
  recoverContentKey,
  sealResult,
  ENVELOPE_CIPHER,
  ENVELOPE_FORMAT,
  MAX_ENVELOPE_BYTES,
} from "./envelope.js";
export type { Envelope, SealedResult } from "./envelope.js";
export { buildReason, parseReason, reasonUriOf, MAX_REASON_CHARS, REASON_FORMAT } from "./reason.js";
export type { Reason, ReasonDocument } from "./reason.js";
export { labelsHash, resultTypedData, verifyInner } from "./inner.js";
export type { SealedInner } from "./inner.js";
export { SealedResultError } from "./errors.js";
export type { SealedResultErrorCode } from "./errors.js";
export { deriveEncryptionKeyPair, encryptionKeyRequest, publicKeyOf } from "./keys.js";
export type { EncryptionKeyContext, EncryptionKeyPair, EncryptionRole } from "./keys.js";
export { submitThenPublish } from "./publish.js";
export { reviewSubmission } from "./review.js";
export type { Review, Verdict } from "./review.js";
export type {
  ArraySchema,
  BooleanSchema,
  EnumSchema,
  EnumValue,
  LabelSchema,
  NumberSchema,
  ObjectSchema,
  StringSchema,
} from "./schema.js";
export {
  buildSpec,
  itemContentHash,
  specBytes,
  specCid,
  specHash,
  validateLabels,
  validateSpec,
  SPEC_FORMAT,
} from "./spec.js";
export type { DatasetItem, Labels, Spec } from "./spec.js";
export { IpfsStore } from "./ipfs-store.js";
export type { HeliaNode, IpfsStoreOptions } from "./ipfs-store.js";
export { KuboStore, PinningServiceStore } from "./remote-stores.js";
export type { KuboStoreOptions, PinningServiceStoreOptions } from "./remote-stores.js";
export { GatewayStore } from "./store.js";
export type { GatewayStoreOptions, ResultStore } from "./store.js";
export { unwrapKey, wrapKey } from "./wrap.js";
export type { WrappedKey } from "./wrap.js";
