import { ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3'

/** Every key in an S3 bucket, sorted. */
export async function listObjectKeys(client: S3Client, bucket: string): Promise<string[]> {
  const keys: string[] = []
  let token: string | undefined
  do {
    const page = await client.send(new ListObjectsV2Command({ Bucket: bucket, ContinuationToken: token }))
    for (const object of page.Contents ?? []) keys.push(object.Key!)
    token = page.IsTruncated ? page.NextContinuationToken : undefined
  } while (token)
  return keys.sort()
}
