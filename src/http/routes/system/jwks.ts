import { createRoute, z } from '@hono/zod-openapi'
import { publicJwks } from '../../../core/token/keys'
import { problems } from '../../openapi/parts'
import type { RouteApp } from '../../openapi/routes'
import type { Services } from '../../services'

const JwksSchema = z
  .object({
    keys: z.array(
      z
        .looseObject({
          kty: z.string().openapi({ example: 'OKP' }),
          kid: z.string().openapi({ example: 'n3Fq' }),
          alg: z.string().optional().openapi({ example: 'EdDSA' }),
        })
        .openapi({ description: 'A public JWK (RFC 7517); never a private or symmetric key.' }),
    ),
  })
  .openapi('Jwks', { description: 'A JSON Web Key Set.' })

export const route = createRoute({
  method: 'get',
  path: '/.well-known/jwks.json',
  tags: ['Service'],
  summary: 'Public signing keys',
  description:
    'The public keys that verify download tokens (asymmetric keys only: an HS256 secret is never published), including earlier keys still accepted after a rotation. A gateway may verify tokens with these alone; counts and revocation only the service knows.',
  security: [],
  responses: {
    200: { description: 'The key set.', content: { 'application/jwk-set+json': { schema: JwksSchema } } },
    ...problems([]),
  },
})

export function register(app: RouteApp, services: Services) {
  // Every published key has both (keys.ts, publicPart); jose's JWK type leaves them optional.
  const jwks = { keys: publicJwks(services.keys).keys.map((key) => ({ ...key, kty: key.kty!, kid: key.kid! })) }
  app.openapi(route, (c) => c.json(jwks, 200, { 'Content-Type': 'application/jwk-set+json', 'Cache-Control': 'public, max-age=300' }))
}
