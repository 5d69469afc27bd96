import type { RouteModule } from '../openapi/routes'
import * as deleteFile from './files/delete'
import * as getFile from './files/get'
import * as importFile from './files/import'
import * as listFiles from './files/list'
import * as uploadFile from './files/upload'
import * as createKey from './keys/create'
import * as disableKey from './keys/disable'
import * as createLink from './links/create'
import * as getLink from './links/get'
import * as listLinks from './links/list'
import * as revokeLink from './links/revoke'
import * as revokeLinkByToken from './links/revoke-by-token'
import * as download from './recipient/download'
import * as landing from './recipient/landing'
import * as apiDocs from './system/api-docs'
import * as assets from './system/assets'
import * as favicon from './system/favicon'
import * as health from './system/health'
import * as jwks from './system/jwks'
import * as metrics from './system/metrics'
import * as openapi from './system/openapi'

/** Every route of the service, one file each; the API document lists them in this order. */
export const ROUTES: readonly RouteModule[] = [
  uploadFile,
  importFile,
  listFiles,
  getFile,
  deleteFile,
  createLink,
  listLinks,
  getLink,
  revokeLink,
  revokeLinkByToken,
  createKey,
  disableKey,
  landing,
  download,
  jwks,
  health,
  metrics,
  openapi,
  apiDocs,
  favicon,
  assets,
]
