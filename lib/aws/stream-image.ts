import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { AttributeValue as StreamAttribute } from 'aws-lambda';

/** A stream record's NewImage or OldImage, as Lambda hands it over (DynamoDB JSON). */
export type StreamImage = Record<string, StreamAttribute>;

/** The plain item the DocumentClient would have read (numbers as numbers, sets as Sets). */
export const fromStreamImage = (image: StreamImage): Record<string, unknown> => unmarshall(image as Record<string, AttributeValue>);
