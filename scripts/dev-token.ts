// Prints a bearer token for the local stage: `npm run token [customerId]`.
import { mintToken } from '../lib/auth/mint-token';
// The local stage's documented secret, the one serverless.yml's custom.localCloud.environment gives the functions.
import { authJwtSecret } from './local-secret.json';

const customerId = process.argv[2] ?? 'customer-1';
mintToken(customerId, process.env.AUTH_JWT_SECRET || authJwtSecret, 24 * 3600).then(
  (token) => console.log(token),
  (error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  },
);
