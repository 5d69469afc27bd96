/** A script or stylesheet of the pages, bundled from src/web/ by `npm run assets`. */
export interface Asset {
  /** Served as /assets/<file>; the name carries a hash of the content, so it can be cached for good. */
  file: string
  type: string
  /** `sha256-<base64>`: a Content-Security-Policy hash source, or a Subresource Integrity value. */
  integrity: string
  body: string
}
