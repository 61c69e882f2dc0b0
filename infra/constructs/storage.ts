/**
 * @module The job store bucket (DESIGN §5): SSE-S3 encrypted, versioned, TLS-only, all public access blocked,
 * EventBridge notifications on (schedule sync), lifecycle rules for old versions and abandoned uploads. Grants are
 * by prefix: `tenants/*` for job data, `auth/keys/*` (read only) for hashed API keys.
 */
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { Effect, PolicyStatement, type IGrantable } from 'aws-cdk-lib/aws-iam';
import { BlockPublicAccess, Bucket, BucketEncryption, HttpMethods, ObjectOwnership } from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';

export interface StorageProps {
  /** Delete job data this many days after it was written (default: keep). */
  jobRetentionDays?: number;
  /** Keep the bucket when the stack is deleted (default true). */
  retain?: boolean;
}

export const TENANT_PREFIX = 'tenants/';
export const API_KEYS_PREFIX = 'auth/keys/';

export class Storage extends Construct {
  readonly bucket: Bucket;

  constructor(scope: Construct, id: string, props: StorageProps = {}) {
    super(scope, id);
    const retain = props.retain ?? true;
    this.bucket = new Bucket(this, 'Bucket', {
      encryption: BucketEncryption.S3_MANAGED,
      versioned: true,
      enforceSSL: true,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      eventBridgeEnabled: true,
      removalPolicy: retain ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
      autoDeleteObjects: !retain,
      // Presigned PUT/GET URLs from the web page need CORS; the URL itself is the capability.
      cors: [{ allowedMethods: [HttpMethods.GET, HttpMethods.PUT], allowedOrigins: ['*'], allowedHeaders: ['*'], exposedHeaders: ['ETag'], maxAge: 3000 }],
      lifecycleRules: [
        { id: 'abort-incomplete-uploads', abortIncompleteMultipartUploadAfter: Duration.days(1) },
        // status.json and progress.json are rewritten often: old versions only matter for a short while.
        { id: 'expire-old-versions', noncurrentVersionExpiration: Duration.days(30), noncurrentVersionsToRetain: 1 },
        { id: 'remove-expired-delete-markers', expiredObjectDeleteMarker: true },
        ...(props.jobRetentionDays
          ? [{ id: 'expire-job-data', prefix: TENANT_PREFIX, expiration: Duration.days(props.jobRetentionDays) }]
          : []),
      ],
    });
  }

  /**
   * Job data under `tenants/*`: read (and write unless `readOnly`). `s3:ListBucket` is granted on the bucket because
   * without it S3 answers 403 instead of 404 for a missing key, which the store must tell apart.
   */
  grantJobData(grantee: IGrantable, access: { write: boolean; delete?: boolean }): void {
    const actions = ['s3:GetObject', ...(access.write ? ['s3:PutObject'] : []), ...(access.delete ? ['s3:DeleteObject'] : [])];
    grantee.grantPrincipal.addToPrincipalPolicy(
      new PolicyStatement({ effect: Effect.ALLOW, actions, resources: [this.bucket.arnForObjects(`${TENANT_PREFIX}*`)] }),
    );
    this.grantList(grantee);
  }

  /** Hashed API key records under `auth/keys/*`, read only. */
  grantApiKeysRead(grantee: IGrantable): void {
    grantee.grantPrincipal.addToPrincipalPolicy(
      new PolicyStatement({ effect: Effect.ALLOW, actions: ['s3:GetObject'], resources: [this.bucket.arnForObjects(`${API_KEYS_PREFIX}*`)] }),
    );
    this.grantList(grantee);
  }

  private grantList(grantee: IGrantable): void {
    grantee.grantPrincipal.addToPrincipalPolicy(
      new PolicyStatement({ effect: Effect.ALLOW, actions: ['s3:ListBucket'], resources: [this.bucket.bucketArn] }),
    );
  }
}
