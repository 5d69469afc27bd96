/**
 * The credential of an `Authorization: Bearer <credential>` header, or null.
 * The scheme is matched case-insensitively (RFC 9110, 11.1): `bearer` and
 * `BEARER` are the same scheme. The credential is visible ASCII, bounded.
 */
export function bearerCredential(header: string | null | undefined): string | null {
  const match = /^Bearer +([\x21-\x7e]{1,256})$/i.exec(header ?? '')
  return match ? match[1]! : null
}
