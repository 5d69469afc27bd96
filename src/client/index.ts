/*
 * fuselink/client: the typed client of the fuselink API, for Node, Workers
 * and browsers (fetch only, no dependencies). docs/integrations.md, "The
 * typed client".
 */
export type { Operations, ProblemCode, Schemas } from './api.generated'
export {
  type ClientOptions,
  type CreatedKey,
  type CreatedUser,
  type FileInfo,
  type FileListQuery,
  FuselinkClient,
  type Jwks,
  type Link,
  type LinkEvent,
  type LinkListQuery,
  type LinkOptions,
  type LinkUpdate,
  type LinkWithAccess,
  type Owner,
  type PageQuery,
  type PartOptions,
  type PartsUploadOptions,
  type Shared,
  type ShareOptions,
  type Upload,
  type UploadOptions,
  type UploadPart,
  type Webhook,
  type WebhookDelivery,
} from './client'
export { FuselinkApiError, FuselinkConnectionError, isProblem, type Problem } from './errors'
export type { OnProgress, Progress } from './progress'
export type { Bytes, CallInput, OperationKey } from './request'
