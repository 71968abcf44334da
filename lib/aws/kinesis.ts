import { KinesisClient } from '@aws-sdk/client-kinesis';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { traced } from '../tracer';

// HTTP/1.1 on purpose: PutRecord needs nothing more, and the local emulator speaks nothing else.
export const kinesis = traced(new KinesisClient({ requestHandler: new NodeHttpHandler() }));
