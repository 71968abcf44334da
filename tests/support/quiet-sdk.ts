// Imported first by tests that load AWS SDK clients: the SDK warns once per process that its Node 20
// support ends in 2027, which is no news for a test run. (tests/setup-env.js would be the one place.)
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

export {};
