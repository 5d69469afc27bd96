/**
 * workerd sends a body built in JavaScript (a ReadableStream of unknown
 * length, such as a metered download) with chunked encoding and drops the
 * Content-Length the app declared. Piped through a FixedLengthStream of that
 * length, the body goes out with its Content-Length again, as on Node; and a
 * body that ends short is an error, not a silently truncated file.
 */
export function keepContentLength(response: Response): Response {
  const declared = response.headers.get('content-length')
  if (response.body === null || declared === null || !/^\d{1,15}$/.test(declared)) return response
  const { readable, writable } = new FixedLengthStream(Number(declared))
  // Errors reach the client as a broken body; cancellation by the client
  // travels back up the pipe to the app's stream (which settles the transfer).
  response.body.pipeTo(writable).catch(() => {})
  return new Response(readable, response)
}
