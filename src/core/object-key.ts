/**
 * Object keys are chosen by the service ("files/<id>") or named by an admin
 * importing an existing object. Either way they must be plain relative paths:
 * no empty, "." or ".." segments, no backslashes or control characters, so a
 * key can never point outside the store's root.
 */
export function isSafeObjectKey(key: string): boolean {
  if (key.length === 0 || key.length > 1024) return false
  if (/[\u0000-\u001f\u007f\\]/.test(key)) return false
  return key.split('/').every((segment) => segment !== '' && segment !== '.' && segment !== '..')
}

/** Where uploads are stored (`files/<id>`): the service's own keys. */
export const SERVICE_OBJECT_PREFIX = 'files/'

/**
 * A key in the service's own space, which an import may not name: a record
 * imported there would share an upload's object, and deleting either would
 * take the other's bytes.
 */
export function isServiceObjectKey(key: string): boolean {
  return key.startsWith(SERVICE_OBJECT_PREFIX)
}
