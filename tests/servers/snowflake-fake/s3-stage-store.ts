import {
  CreateBucketCommand,
  DeleteObjectCommand,
  ListObjectsV2Command,
  S3Client,
  type ListObjectsV2CommandOutput,
} from '@aws-sdk/client-s3';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createServer as createTlsServer, type TLSSocket } from 'node:tls';
import { type SwiftServer } from '../swift-server';
import { generateCertificate } from '../tls-certificate';

/** One object of a stage's folder in the bucket, as the fake's LIST reports it. */
export interface S3StageObject {
  /** Key relative to the stage's folder. */
  readonly path: string;
  readonly size: number;
  /** The object's ETag without quotes (what Snowflake's LIST shows as md5 for S3 stages). */
  readonly etag: string;
  readonly lastModified: Date;
}

/**
 * A bucket of a real local S3 server (Swift s3api) behind a TLS front, where the Snowflake fake keeps its stages
 * when it answers PUT/GET with `locationType: 'S3'`: the SDK then moves the bytes to and from this bucket itself.
 */
export interface S3StageStore {
  readonly bucket: string;
  /** `127.0.0.1:<port>` of the TLS front: the stage's `endPoint` (the SDK prepends `https://`). */
  readonly endPoint: string;
  /** PEM of the throwaway CA that signed the TLS front's certificate (the SDK's process must trust it). */
  readonly caPem: string;
  /** Swift's own plain-HTTP S3 endpoint, for outsiders that read the bucket directly. */
  readonly directEndpoint: string;
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  /** Bytes that clients sent through the TLS front (what the SDK uploaded, plus its request headers). */
  readonly bytesIn: () => number;
  /** Bytes the TLS front returned to clients (what the SDK downloaded, plus response headers). */
  readonly bytesOut: () => number;
  /** The `stageInfo` of a PUT/GET response for a folder of the bucket ('stages/0/in/'). */
  stageInfo(folder: string): Record<string, unknown>;
  /** Every object under a folder of the bucket, keys relative to it. */
  list(folder: string): Promise<S3StageObject[]>;
  remove(key: string): Promise<void>;
  /** Stops the TLS front (Swift belongs to the caller). */
  stop(): Promise<void>;
}

/** An S3 client straight to Swift (plain HTTP, path-style, checksums only where required: Swift 2.30's needs). */
function directClient(swift: SwiftServer): S3Client {
  return new S3Client({
    region: 'us-east-1',
    endpoint: swift.endpoint,
    forcePathStyle: true,
    credentials: { accessKeyId: swift.accessKeyId, secretAccessKey: swift.secretAccessKey },
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
}

/**
 * Creates `bucket` in a running Swift and fronts Swift with TLS on 127.0.0.1 (a throwaway CA's certificate for
 * IP 127.0.0.1): snowflake-sdk's S3 client always speaks https to `stageInfo.endPoint`. The front relays TCP
 * unchanged, so Swift still checks the SDK's SigV4 signatures (the Host header keeps the front's port).
 */
export async function startS3StageStore(swift: SwiftServer, bucket = 'ferry-stage'): Promise<S3StageStore> {
  const client = directClient(swift);
  await client.send(new CreateBucketCommand({ Bucket: bucket }));
  const certDir = mkdtempSync(path.join(tmpdir(), 'ferry-snowflake-s3-tls-'));
  const certificate = generateCertificate(certDir);
  const swiftPort = Number(new URL(swift.endpoint).port);
  const sockets = new Set<Socket | TLSSocket>();
  let bytesIn = 0;
  let bytesOut = 0;
  const server = createTlsServer(
    { key: readFileSync(certificate.keyPath), cert: certificate.certPem },
    (downstream) => {
      const upstream = connect(swiftPort, '127.0.0.1');
      sockets.add(downstream).add(upstream);
      downstream.on('data', (chunk: Buffer) => (bytesIn += chunk.length));
      upstream.on('data', (chunk: Buffer) => (bytesOut += chunk.length));
      downstream.pipe(upstream).pipe(downstream);
      const close = (): void => {
        downstream.destroy();
        upstream.destroy();
        sockets.delete(downstream);
        sockets.delete(upstream);
      };
      downstream.on('error', close).on('close', close);
      upstream.on('error', close).on('close', close);
    },
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;

  return {
    bucket,
    endPoint: `127.0.0.1:${port}`,
    caPem: certificate.caPem,
    directEndpoint: swift.endpoint,
    accessKeyId: swift.accessKeyId,
    secretAccessKey: swift.secretAccessKey,
    bytesIn: () => bytesIn,
    bytesOut: () => bytesOut,
    stageInfo: (folder) => ({
      locationType: 'S3',
      location: `${bucket}/${folder}`,
      path: folder,
      region: 'us-east-1',
      storageAccount: null,
      isClientSideEncrypted: false,
      // Real Snowflake hands out short-lived STS credentials; Swift's tempauth knows no session tokens.
      creds: { AWS_KEY_ID: swift.accessKeyId, AWS_SECRET_KEY: swift.secretAccessKey, AWS_TOKEN: '' },
      presignedUrl: null,
      endPoint: `127.0.0.1:${port}`,
      useS3RegionalUrl: false,
    }),
    list: async (folder) => {
      const out: S3StageObject[] = [];
      let token: string | undefined;
      do {
        const page: ListObjectsV2CommandOutput = await client.send(
          new ListObjectsV2Command({ Bucket: bucket, Prefix: folder, ContinuationToken: token }),
        );
        for (const o of page.Contents ?? []) {
          out.push({
            path: o.Key!.slice(folder.length),
            size: o.Size ?? 0,
            etag: (o.ETag ?? '').replace(/"/g, ''),
            lastModified: o.LastModified ?? new Date(0),
          });
        }
        token = page.IsTruncated === true ? page.NextContinuationToken : undefined;
      } while (token !== undefined);
      return out;
    },
    remove: async (key) => {
      await client.send(new DeleteObjectCommand({ Bucket: bucket, Key: key }));
    },
    stop: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        client.destroy();
        server.close(() => {
          rmSync(certDir, { recursive: true, force: true });
          resolve();
        });
      }),
  };
}
