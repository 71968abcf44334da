/**
 * The local stage's documented JWT secret, so that `npm start` needs no setup; AUTH_JWT_SECRET in
 * the environment overrides it. Deployed stages never use it: they read SSM Parameter Store.
 */
export const LOCAL_JWT_SECRET = 'orderflow-local-dev-secret';
