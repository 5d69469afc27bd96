/*
 * The one Node built-in the shared adapters use on Workers: s3-store.ts hashes
 * uploads with node:crypto's createHash, sha256.ts hashes API keys with it,
 * and s3-signer.ts signs downloads with createHmac, which the `nodejs_compat`
 * flag of wrangler.toml provides. Declared here, to the extent used, instead
 * of loading all of @types/node, so that any other Node API still fails to
 * compile.
 */
declare module 'node:crypto' {
  interface Hash {
    update(data: Uint8Array | string): Hash
    digest(encoding: 'hex' | 'base64'): string
  }
  export function createHash(algorithm: string): Hash
  interface Hmac {
    update(data: Uint8Array | string): Hmac
    digest(): Uint8Array
    digest(encoding: 'hex'): string
  }
  export function createHmac(algorithm: string, key: Uint8Array | string): Hmac
}
