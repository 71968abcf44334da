// Serverless loads plugins with require(). The local cloud is written in TypeScript like the rest of
// the project, so it is bundled here on the fly (~50 ms) and its node_modules stay external.
const fs = require('node:fs');
const path = require('node:path');
const { buildSync } = require('esbuild');

// The SDK warns on every client that Node 20 loses support in 2027; Lambda runs nodejs22.x, and Node 20
// stays supported for local work, so the warning is only noise in the local cloud's output.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

const outdir = path.join(__dirname, '..', 'node_modules', '.cache', 'orderflow-offline');
// Built to a directory of this process's own, then renamed into place: two Serverless commands at
// once never load half a file. cloud-process.js is the local cloud's own process (see cloud-client.ts).
const building = `${outdir}.${process.pid}.tmp`;
buildSync({
  entryPoints: [path.join(__dirname, 'plugin.ts'), path.join(__dirname, 'cloud-process.ts')],
  outdir: building,
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  packages: 'external',
  sourcemap: 'inline',
  logLevel: 'warning',
});
fs.mkdirSync(outdir, { recursive: true });
for (const file of fs.readdirSync(building)) fs.renameSync(path.join(building, file), path.join(outdir, file));
fs.rmSync(building, { recursive: true, force: true });

module.exports = require(path.join(outdir, 'plugin.js')).LocalCloudPlugin;
