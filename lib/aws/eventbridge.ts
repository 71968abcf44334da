import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { traced } from '../tracer';

// Endpoint and region come from the SDK's standard environment (AWS_ENDPOINT_URL*, AWS_REGION).
export const eventBridge = traced(new EventBridgeClient({}));
