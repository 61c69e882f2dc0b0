/**
 * @module The web page (DESIGN §3 `GET /`) on S3 + CloudFront: a private bucket read through Origin Access Control,
 * `web/` deployed as the local server lays it out (`/` = index.html, `/web/*` = the page's files), and the API
 * paths routed to the HTTP API on the same origin, uncached, so the page needs no CORS.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Annotations, Fn, RemovalPolicy, Stack } from 'aws-cdk-lib';
import type { HttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import {
  AllowedMethods,
  CachePolicy,
  Distribution,
  HttpVersion,
  OriginProtocolPolicy,
  OriginRequestPolicy,
  PriceClass,
  ViewerProtocolPolicy,
  type BehaviorOptions,
} from 'aws-cdk-lib/aws-cloudfront';
import { HttpOrigin, S3BucketOrigin } from 'aws-cdk-lib/aws-cloudfront-origins';
import { BlockPublicAccess, Bucket, BucketEncryption } from 'aws-cdk-lib/aws-s3';
import { BucketDeployment, Source } from 'aws-cdk-lib/aws-s3-deployment';
import { Construct } from 'constructs';

export const API_PATHS = ['/v1/*', '/openapi.json', '/healthz'] as const;

export interface WebProps {
  api: HttpApi;
  /** Folder with index.html and the page's files. */
  siteDir: string;
}

export class Web extends Construct {
  readonly bucket: Bucket;
  readonly distribution: Distribution;

  constructor(scope: Construct, id: string, props: WebProps) {
    super(scope, id);
    this.bucket = new Bucket(this, 'Site', {
      encryption: BucketEncryption.S3_MANAGED,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      removalPolicy: RemovalPolicy.DESTROY,
      autoDeleteObjects: true,
    });

    const apiDomain = Fn.join('', [props.api.apiId, '.execute-api.', Stack.of(this).region, '.', Stack.of(this).urlSuffix]);
    const apiBehavior: BehaviorOptions = {
      origin: new HttpOrigin(apiDomain, { protocolPolicy: OriginProtocolPolicy.HTTPS_ONLY }),
      allowedMethods: AllowedMethods.ALLOW_ALL,
      cachePolicy: CachePolicy.CACHING_DISABLED,
      originRequestPolicy: OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER,
      viewerProtocolPolicy: ViewerProtocolPolicy.HTTPS_ONLY,
    };
    this.distribution = new Distribution(this, 'Distribution', {
      comment: 'Solvent web page and API',
      defaultRootObject: 'index.html',
      httpVersion: HttpVersion.HTTP2_AND_3,
      priceClass: PriceClass.PRICE_CLASS_100,
      defaultBehavior: {
        origin: S3BucketOrigin.withOriginAccessControl(this.bucket),
        viewerProtocolPolicy: ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        cachePolicy: CachePolicy.CACHING_OPTIMIZED,
      },
      additionalBehaviors: Object.fromEntries(API_PATHS.map((p) => [p, apiBehavior])),
    });

    if (!existsSync(join(props.siteDir, 'index.html'))) {
      Annotations.of(this).addWarningV2('solvent:web-missing', `${props.siteDir}/index.html is missing: the web page is not deployed`);
      return;
    }
    const exclude = ['*.ts', '*.test.*', '.*'];
    new BucketDeployment(this, 'Files', {
      sources: [Source.asset(props.siteDir, { exclude })],
      destinationBucket: this.bucket,
      destinationKeyPrefix: 'web/',
      distribution: this.distribution,
      distributionPaths: ['/web/*'],
    });
    new BucketDeployment(this, 'Index', {
      sources: [Source.asset(props.siteDir, { exclude: ['*', '!index.html'] })],
      destinationBucket: this.bucket,
      prune: false, // the prefix is the bucket root: never delete web/*
      distribution: this.distribution,
      distributionPaths: ['/', '/index.html'],
    });
  }
}
