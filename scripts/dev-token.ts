// Prints a bearer token for the local stage: `npm run token [customerId]`.
import { LOCAL_JWT_SECRET } from '../lib/auth/local-secret';
import { mintToken } from '../lib/auth/mint-token';

const customerId = process.argv[2] ?? 'customer-1';
mintToken(customerId, process.env.AUTH_JWT_SECRET || LOCAL_JWT_SECRET, 24 * 3600).then(
  (token) => console.log(token),
  (error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  },
);
