import { createHash, randomBytes } from 'node:crypto'
import { createServer, type Server } from 'node:http'
import { exportJWK, generateKeyPair, type JWK } from 'jose'
import Provider from 'oidc-provider'
import { freePort } from './ports'

/** A person at the test provider: its claims (the role among them) by account id. */
export interface TestAccount {
  role?: unknown
  preferred_username?: string
  email?: string
}

/**
 * A real OpenID provider on loopback (panva's oidc-provider): discovery,
 * JWKS, the authorization code flow with PKCE behind its own login and
 * consent pages, and JWT access tokens for the resource `audience`
 * (its resourceIndicators feature). The private signing key is known to
 * the tests, so that they can forge tokens the provider would never issue.
 */
export interface TestProvider {
  issuer: string
  audience: string
  /** A resource server fuselink is not: tokens for it have the wrong audience. */
  otherAudience: string
  /** fuselink's client (client_secret_basic, PKCE required). */
  clientId: string
  clientSecret: string
  /** The provider's signing key (RS256), with its kid. */
  signingJwk: JWK & { kid: string }
  accounts: Map<string, TestAccount>
  /**
   * Follows `authorizeUrl` as a browser would, signing in as `accountId` and
   * consenting (or aborting, with `deny`), and returns the URL the provider
   * sends the browser back to.
   */
  authorize(authorizeUrl: string, accountId: string, options?: { deny?: boolean }): Promise<string>
  /** A JWT access token for `accountId`, obtained through the code flow of a client of the tests. */
  accessToken(accountId: string, resource?: string): Promise<string>
  close(): Promise<void>
}

const TESTER = { id: 'api-tester', secret: 'api-tester-secret-0123456789abcdef', redirect: 'http://127.0.0.1/callback' }

/** A tiny cookie jar for one origin: what a browser keeps between the provider's pages. */
class CookieJar {
  private readonly cookies = new Map<string, string>()
  header(): string {
    return [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ')
  }
  take(response: Response): void {
    for (const line of response.headers.getSetCookie()) {
      const [pair = ''] = line.split(';')
      const eq = pair.indexOf('=')
      const name = pair.slice(0, eq).trim()
      const value = pair.slice(eq + 1).trim()
      if (/expires=Thu, 01 Jan 1970/i.test(line) || value === '') this.cookies.delete(name)
      else this.cookies.set(name, value)
    }
  }
}

export const TEST_AUDIENCE = 'https://api.fuselink.test'

/** What fuselink must be told of the provider before either starts: where it will listen, and the client's secret. */
export async function plannedProvider() {
  const port = await freePort()
  return {
    port,
    issuer: `http://127.0.0.1:${port}`,
    clientId: 'fuselink',
    clientSecret: randomBytes(24).toString('base64url'),
    audience: TEST_AUDIENCE,
  }
}

export async function startTestProvider(plan: Awaited<ReturnType<typeof plannedProvider>>, redirectUri: string): Promise<TestProvider> {
  const { port, issuer, audience, clientSecret } = plan
  const otherAudience = 'https://other.example.test'
  const { privateKey } = await generateKeyPair('RS256', { extractable: true })
  const signingJwk = { ...(await exportJWK(privateKey)), kid: 'test-provider-key', alg: 'RS256', use: 'sig' } as JWK & { kid: string }
  const accounts = new Map<string, TestAccount>()
  const fuselinkClient = {
    client_id: plan.clientId,
    client_secret: clientSecret,
    redirect_uris: [redirectUri],
    grant_types: ['authorization_code'],
    response_types: ['code'],
    token_endpoint_auth_method: 'client_secret_basic',
  }
  const tester = {
    client_id: TESTER.id,
    client_secret: TESTER.secret,
    redirect_uris: [TESTER.redirect],
    grant_types: ['authorization_code'],
    response_types: ['code'],
    token_endpoint_auth_method: 'client_secret_post',
  }

  const provider = new Provider(issuer, {
    clients: [fuselinkClient, tester],
    jwks: { keys: [signingJwk] },
    claims: { openid: ['sub'], profile: ['preferred_username', 'email', 'role'] },
    conformIdTokenClaims: false,
    pkce: { required: () => true },
    features: {
      devInteractions: { enabled: true },
      resourceIndicators: {
        enabled: true,
        defaultResource: (_ctx: unknown, _client: unknown, oneOf?: string) => oneOf ?? audience,
        useGrantedResource: () => true,
        getResourceServerInfo: (_ctx: unknown, indicator: string) => ({
          scope: 'api',
          audience: indicator,
          accessTokenFormat: 'jwt',
          jwt: { sign: { alg: 'RS256' } },
        }),
      },
    },
    // The account's claims in its access tokens too, as Keycloak puts them there.
    extraTokenClaims: (_ctx: unknown, token: { accountId?: string }) =>
      token.accountId === undefined ? undefined : accounts.get(token.accountId),
    findAccount: (_ctx: unknown, sub: string) => {
      const account = accounts.get(sub)
      return account ? { accountId: sub, claims: () => ({ sub, ...account }) } : undefined
    },
    ttl: { AccessToken: 600, AuthorizationCode: 60, IdToken: 600, Interaction: 600, Session: 600, Grant: 600 },
  })
  const server: Server = createServer(provider.callback())
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', () => resolve()))

  async function authorize(authorizeUrl: string, accountId: string, { deny = false } = {}): Promise<string> {
    const jar = new CookieJar()
    let url = authorizeUrl
    for (let step = 0; step < 12; step++) {
      if (!url.startsWith(issuer)) return url
      const path = new URL(url).pathname
      const interaction = /^\/interaction\/([^/]+)$/.exec(path)
      let response: Response
      if (interaction && deny) {
        response = await fetch(`${issuer}${path}/abort`, { headers: { cookie: jar.header() }, redirect: 'manual' })
      } else if (interaction) {
        const page = await fetch(url, { headers: { cookie: jar.header() }, redirect: 'manual' })
        jar.take(page)
        const html = await page.text()
        const prompt = /name="prompt" value="(\w+)"/.exec(html)?.[1] ?? 'consent'
        const fields: Record<string, string> = prompt === 'login' ? { prompt, login: accountId, password: 'any' } : { prompt }
        response = await fetch(url, {
          method: 'POST',
          headers: { cookie: jar.header(), 'content-type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams(fields).toString(),
          redirect: 'manual',
        })
      } else {
        response = await fetch(url, { headers: { cookie: jar.header() }, redirect: 'manual' })
      }
      jar.take(response)
      const location = response.headers.get('location')
      if (!location) throw new Error(`the provider answered ${response.status} at ${url}: ${await response.text()}`)
      url = new URL(location, url).toString()
    }
    throw new Error('the provider kept redirecting')
  }

  async function accessToken(accountId: string, resource = audience): Promise<string> {
    const verifier = randomBytes(32).toString('base64url')
    const challenge = createHash('sha256').update(verifier).digest('base64url')
    const query = new URLSearchParams({
      client_id: TESTER.id,
      redirect_uri: TESTER.redirect,
      response_type: 'code',
      scope: 'openid profile api',
      resource,
      code_challenge: challenge,
      code_challenge_method: 'S256',
      state: randomBytes(8).toString('hex'),
    })
    const back = new URL(await authorize(`${issuer}/auth?${query}`, accountId))
    const code = back.searchParams.get('code')
    if (!code) throw new Error(`no code: ${back}`)
    const response = await fetch(`${issuer}/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'authorization_code',
        code,
        redirect_uri: TESTER.redirect,
        code_verifier: verifier,
        client_id: TESTER.id,
        client_secret: TESTER.secret,
        resource,
      }).toString(),
    })
    const body = (await response.json()) as { access_token?: string }
    if (!response.ok || !body.access_token) throw new Error(`token: ${response.status} ${JSON.stringify(body)}`)
    return body.access_token
  }

  return {
    issuer,
    audience,
    otherAudience,
    clientId: fuselinkClient.client_id,
    clientSecret,
    signingJwk,
    accounts,
    authorize,
    accessToken,
    async close() {
      server.closeAllConnections()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}
