import { ApiError, call } from './api'

/** Who is signed in, as GET /api/v1/me answers. */
export interface Me {
  kind: 'user' | 'api_key'
  id: string
  name: string
  role: 'admin' | 'user'
}

/** The signed-in person, or null when the session cookie is missing, expired or revoked. */
export async function currentUser(): Promise<Me | null> {
  try {
    return await call<Me>('GET', 'api/v1/me', undefined, { credentialsCheck: true })
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) return null
    throw error
  }
}

export async function signIn(username: string, password: string): Promise<Me> {
  await call('POST', 'api/v1/sessions', { username, password }, { credentialsCheck: true })
  const me = await currentUser()
  if (!me) throw new ApiError(401, 'unauthorized', 'The session was not kept.', null)
  return me
}

export const signOut = () => call('DELETE', 'api/v1/sessions/current')
export const signOutEverywhere = () => call('DELETE', 'api/v1/sessions')
