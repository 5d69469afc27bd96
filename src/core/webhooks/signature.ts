import { randomBytes, utf8 } from '../encoding'

const PREFIX = 'whsec_'
/** 32 random bytes: the Standard Webhooks specification asks for 24 to 64. */
const SECRET_BYTES = 32

function base64(bytes: Uint8Array): string {
  let binary = ''
  for (const byte of bytes) binary += String.fromCharCode(byte)
  return btoa(binary)
}

/** A new signing secret: `whsec_` and the base64 of random bytes. */
export function newWebhookSecret(): string {
  return `${PREFIX}${base64(randomBytes(SECRET_BYTES))}`
}

/** The bytes a secret stands for: its base64 part decoded, which is the HMAC key. */
function secretBytes(secret: string): Uint8Array<ArrayBuffer> {
  const binary = atob(secret.slice(PREFIX.length))
  return Uint8Array.from(binary, (c) => c.charCodeAt(0))
}

/**
 * The `webhook-signature` header of one attempt (Standard Webhooks): `v1,`
 * and the base64 HMAC-SHA256 of `<id>.<timestamp>.<body>` under the secret's
 * bytes. The timestamp is the attempt's, in Unix seconds.
 */
export async function signWebhook(secret: string, id: string, timestamp: number, body: string): Promise<string> {
  const key = await crypto.subtle.importKey('raw', secretBytes(secret), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign'])
  const mac = await crypto.subtle.sign('HMAC', key, utf8(`${id}.${timestamp}.${body}`))
  return `v1,${base64(new Uint8Array(mac))}`
}
