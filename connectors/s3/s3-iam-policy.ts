/**
 * The least-privilege IAM policy for a connector on `bucket` under `prefix` ('' for the whole bucket): list the
 * prefix, read, write and delete objects under it, and manage its multipart uploads. Nothing else in the bucket.
 */
export function leastPrivilegePolicy(bucket: string, prefix: string): string {
  const keyPrefix = prefix === '' ? '' : `${prefix}/`;
  const listStatement =
    prefix === ''
      ? { Sid: 'ListBucket', Effect: 'Allow', Action: ['s3:ListBucket'], Resource: `arn:aws:s3:::${bucket}` }
      : {
          Sid: 'ListPrefix',
          Effect: 'Allow',
          Action: ['s3:ListBucket'],
          Resource: `arn:aws:s3:::${bucket}`,
          Condition: { StringLike: { 's3:prefix': [keyPrefix, `${keyPrefix}*`] } },
        };
  const policy = {
    Version: '2012-10-17',
    Statement: [
      listStatement,
      {
        Sid: 'ObjectsUnderPrefix',
        Effect: 'Allow',
        Action: [
          's3:GetObject',
          's3:PutObject',
          's3:DeleteObject',
          's3:AbortMultipartUpload',
          's3:ListMultipartUploadParts',
        ],
        Resource: `arn:aws:s3:::${bucket}/${keyPrefix}*`,
      },
    ],
  };
  return JSON.stringify(policy, null, 2);
}
