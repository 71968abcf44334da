// The offline project has no setup file: this is imported first by tests that create SDK clients, so
// the SDK's once-per-process notice that Node 20 support ends in 2027 stays out of the test output.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

export {};
