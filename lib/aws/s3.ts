import { S3Client } from '@aws-sdk/client-s3';
import { traced } from '../tracer';

// Checksums only when an operation requires one: otherwise the SDK signs a checksum of the empty
// body into presigned PUT URLs, and S3 rejects the customer's upload.
export const s3 = traced(new S3Client({ requestChecksumCalculation: 'WHEN_REQUIRED' }));
