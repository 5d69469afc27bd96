// The S3 download the project exists to beat, written the obvious way:
// node:http, a JWT checked with jose, the object read with the AWS SDK's
// GetObject and piped to the response. No counting, no link, no database.
// Arguments: port, HS256 secret (hex); the S3 settings come from the environment.
import { createServer } from 'node:http'
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3'
import { jwtVerify } from 'jose'

const [port, secretHex] = process.argv.slice(2)
const secret = Buffer.from(secretHex, 'hex')
const bucket = process.env.S3_BUCKET
const s3 = new S3Client({
  region: process.env.S3_REGION ?? 'us-east-1',
  endpoint: process.env.S3_ENDPOINT,
  forcePathStyle: true,
  credentials: { accessKeyId: process.env.S3_ACCESS_KEY_ID, secretAccessKey: process.env.S3_SECRET_ACCESS_KEY },
  requestChecksumCalculation: 'WHEN_REQUIRED',
  responseChecksumValidation: 'WHEN_REQUIRED',
})

createServer(async (request, response) => {
  try {
    const token = new URL(request.url, 'http://x').pathname.slice('/d/'.length)
    const { payload } = await jwtVerify(token, secret, { algorithms: ['HS256'] })
    const object = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: payload.key }))
    response.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': object.ContentLength })
    object.Body.pipe(response)
  } catch {
    if (!response.headersSent) response.writeHead(403).end()
    else response.destroy()
  }
}).listen(Number(port), '127.0.0.1')
