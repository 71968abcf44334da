import { S3Client } from '@aws-sdk/client-s3';
import { tracer } from '../tracer';

// Checksums only when an operation requires one: otherwise the SDK signs a checksum of the empty
// body into presigned PUT URLs, and S3 rejects the customer's upload.
export const s3 = tracer.captureAWSv3Client(new S3Client({ requestChecksumCalculation: 'WHEN_REQUIRED' }));
