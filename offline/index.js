// Serverless loads plugins with require(). The local cloud is written in TypeScript like the rest of
// the project, so it is bundled here on the fly (~50 ms) and its node_modules stay external.
const path = require('node:path');

// The SDK warns on every client that Node 20 loses support in 2027; Lambda runs nodejs22.x, and Node 20
// stays supported for local work, so the warning is only noise in the local cloud's output.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
const { buildSync } = require('esbuild');

const outfile = path.join(__dirname, '..', 'node_modules', '.cache', 'orderflow-offline', 'plugin.js');
buildSync({
  entryPoints: [path.join(__dirname, 'plugin.ts')],
  outfile,
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  packages: 'external',
  sourcemap: 'inline',
  logLevel: 'warning',
});

module.exports = require(outfile).LocalCloudPlugin;
