import type { RouteModule } from '../openapi/routes'
import * as home from './app/home'
import * as deleteFile from './files/delete'
import * as getFile from './files/get'
import * as importFile from './files/import'
import * as listFiles from './files/list'
import * as uploadFile from './files/upload'
import * as showInvite from './invite/show'
import * as acceptInvite from './invite/submit'
import * as createKey from './keys/create'
import * as disableKey from './keys/disable'
import * as listKeys from './keys/list'
import * as createLink from './links/create'
import * as linkEvents from './links/events'
import * as getLink from './links/get'
import * as listLinks from './links/list'
import * as revokeLink from './links/revoke'
import * as revokeLinkByToken from './links/revoke-by-token'
import * as updateLink from './links/update'
import * as me from './me/get'
import * as changePassword from './me/password'
import * as download from './recipient/download'
import * as landing from './recipient/landing'
import * as uploadPage from './recipient/upload-page'
import * as signIn from './sessions/create'
import * as signOutEverywhere from './sessions/delete-all'
import * as signOut from './sessions/delete-current'
import * as showSetup from './setup/show'
import * as createFirstAdmin from './setup/submit'
import * as ssoCallback from './sso/callback'
import * as ssoStart from './sso/start'
import * as apiDocs from './system/api-docs'
import * as assets from './system/assets'
import * as favicon from './system/favicon'
import * as health from './system/health'
import * as jwks from './system/jwks'
import * as metrics from './system/metrics'
import * as openapi from './system/openapi'
import * as closeUploadRequest from './upload-requests/close'
import * as createUploadRequest from './upload-requests/create'
import * as getUploadRequest from './upload-requests/get'
import * as listUploadRequests from './upload-requests/list'
import * as abortUpload from './uploads/abort'
import * as completeUpload from './uploads/complete'
import * as createUpload from './uploads/create'
import * as getUpload from './uploads/get'
import * as putPart from './uploads/put-part'
import * as createUser from './users/create'
import * as disableUser from './users/disable'
import * as listUsers from './users/list'
import * as createWebhook from './webhooks/create'
import * as deleteWebhook from './webhooks/delete'
import * as webhookDeliveries from './webhooks/deliveries'
import * as listWebhooks from './webhooks/list'
import * as testWebhook from './webhooks/test'

/** Every route of the service, one file each; the API document lists them in this order. */
export const ROUTES: readonly RouteModule[] = [
  uploadFile,
  importFile,
  listFiles,
  getFile,
  deleteFile,
  createUpload,
  putPart,
  getUpload,
  completeUpload,
  abortUpload,
  createUploadRequest,
  listUploadRequests,
  getUploadRequest,
  closeUploadRequest,
  createLink,
  listLinks,
  getLink,
  updateLink,
  linkEvents,
  revokeLink,
  revokeLinkByToken,
  createKey,
  listKeys,
  disableKey,
  signIn,
  signOut,
  signOutEverywhere,
  ssoStart,
  ssoCallback,
  me,
  changePassword,
  createUser,
  listUsers,
  disableUser,
  showSetup,
  createFirstAdmin,
  showInvite,
  acceptInvite,
  createWebhook,
  listWebhooks,
  deleteWebhook,
  testWebhook,
  webhookDeliveries,
  landing,
  download,
  uploadPage,
  home,
  jwks,
  health,
  metrics,
  openapi,
  apiDocs,
  favicon,
  assets,
]
