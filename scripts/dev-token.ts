// Prints a bearer token for the local stage: `npm run token [customerId]`.
import { mintToken } from '../lib/auth/mint-token';

const LOCAL_DEFAULT_SECRET = 'orderflow-local-dev-secret';

const customerId = process.argv[2] ?? 'customer-1';
mintToken(customerId, process.env.AUTH_JWT_SECRET || LOCAL_DEFAULT_SECRET, 24 * 3600).then((token) => console.log(token));
