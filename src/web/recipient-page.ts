import { followDownload } from './recipient/download-started'
import { showLocalTimes } from './recipient/local-time'

/*
 * The recipient pages' one script, inlined and allowed by its hash in the
 * Content-Security-Policy. Everything it does is an addition: without it the
 * pages say the same in UTC and the form downloads the same.
 */
showLocalTimes(document)
followDownload(document)
