// @ts-check
const fs = require('node:fs');
const path = require('node:path');
const { ROOT } = require('./package-stage');

/**
 * The environment a function gets from the template; intrinsic functions (a topic's Ref) become
 * stand-in strings, since the config module only checks that they are set.
 * @param {any} fn  an AWS::Lambda::Function resource
 * @returns {Record<string, string>}
 */
function functionEnvironment(fn) {
  const variables = fn.Properties.Environment?.Variables ?? {};
  /** @type {Record<string, string>} */
  const env = {};
  for (const [key, value] of Object.entries(variables)) {
    env[key] = typeof value === 'string' ? value : `arn:aws:sns:us-east-1:123456789012:stand-in-for-${key.toLowerCase()}`;
  }
  return env;
}

/**
 * A directory shaped like the Lambda runtime's node_modules, for NODE_PATH: @aws-sdk/* only, as
 * /var/runtime/node_modules holds it (here our own pinned copy).
 * @param {string} workDir
 */
function runtimeNodeModules(workDir) {
  const dir = path.join(workDir, 'runtime', 'node_modules');
  fs.mkdirSync(dir, { recursive: true });
  const link = path.join(dir, '@aws-sdk');
  if (!fs.existsSync(link)) fs.symlinkSync(path.join(ROOT, 'node_modules', '@aws-sdk'), link, 'dir');
  return dir;
}

module.exports = { functionEnvironment, runtimeNodeModules };
