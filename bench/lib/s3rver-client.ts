import { S3Client } from '@aws-sdk/client-s3'
import type { S3rverProcess } from './processes'

/** An SDK client for the bench's s3rver: path-style, checksums only where S3 requires them (s3rver knows none). */
export function s3rverClient(s3: S3rverProcess): S3Client {
  return new S3Client({
    region: 'us-east-1',
    endpoint: s3.endpoint,
    forcePathStyle: true,
    credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey },
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  })
}
