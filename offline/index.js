// Serverless loads plugins with require(). The local cloud is written in TypeScript like the rest of
// the project, so it is bundled here on the fly (~50 ms) and its node_modules stay external.
const fs = require('node:fs');
const path = require('node:path');
const { buildSync } = require('esbuild');

// The SDK warns on every client that Node 20 loses support in 2027; Lambda runs nodejs22.x, and Node 20
// stays supported for local work, so the warning is only noise in the local cloud's output.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

const outfile = path.join(__dirname, '..', 'node_modules', '.cache', 'orderflow-offline', 'plugin.js');
// Built to a file of this process's own, then renamed: two Serverless commands at once never load half a file.
const building = `${outfile}.${process.pid}.tmp`;
buildSync({
  entryPoints: [path.join(__dirname, 'plugin.ts')],
  outfile: building,
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  packages: 'external',
  sourcemap: 'inline',
  logLevel: 'warning',
});

fs.renameSync(building, outfile);

module.exports = require(outfile).LocalCloudPlugin;
