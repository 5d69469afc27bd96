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
import * as getLink from './links/get'
import * as listLinks from './links/list'
import * as revokeLink from './links/revoke'
import * as revokeLinkByToken from './links/revoke-by-token'
import * as me from './me/get'
import * as changePassword from './me/password'
import * as download from './recipient/download'
import * as landing from './recipient/landing'
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
import * as openapi from './system/openapi'
import * as createUser from './users/create'
import * as disableUser from './users/disable'
import * as listUsers from './users/list'

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
  landing,
  download,
  home,
  jwks,
  health,
  openapi,
  apiDocs,
  favicon,
  assets,
]
