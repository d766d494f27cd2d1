/**
 * {@link dev.modelregistry.s3.S3ModelStore}: the store on Amazon S3 and S3-compatible services (MinIO,
 * Ceph RGW, Cloudflare R2), to serve from and to publish to, on the AWS SDK for Java 2.x.
 */
@NullMarked
package dev.modelregistry.s3;

import org.jspecify.annotations.NullMarked;
