/*
 * The one Node built-in the shared adapters use on Workers: s3-store.ts hashes
 * uploads with node:crypto's createHash, which the `nodejs_compat` flag of
 * wrangler.toml provides. Declared here, to the extent used, instead of
 * loading all of @types/node, so that any other Node API still fails to compile.
 */
declare module 'node:crypto' {
  interface Hash {
    update(data: Uint8Array | string): Hash
    digest(encoding: 'hex' | 'base64'): string
  }
  export function createHash(algorithm: string): Hash
}
