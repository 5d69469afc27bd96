/*
 * The layers of src/ (README, "Layout"), checked by `npm run lint`:
 * src/core is pure; src/http sees ports, never adapters; adapters implement
 * ports; src/node and src/workers are entries that never import each other;
 * src/web is browser code, bundled into src/http by `npm run assets`;
 * src/client (fuselink/client) stands alone, and src/cli, the command, uses it.
 * test/layers/dependency-rules.test.ts proves each rule still catches what
 * it is for.
 */

// Resolved npm modules, wherever the node_modules directory is found.
const npm = (names) => `(^|/)node_modules/(${names.join('|')})/`

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'core-is-pure',
      comment: 'src/core holds the rules: it imports only itself, jose and zod (no Node built-ins, no Hono, no AWS, no Cloudflare).',
      severity: 'error',
      from: { path: '^src/core/' },
      to: { pathNot: ['^src/core/', npm(['jose', 'zod'])] },
    },
    {
      name: 'http-sees-ports',
      comment: 'The Hono app works on the ports of src/core; the entries hand it adapters.',
      severity: 'error',
      from: { path: '^src/http/' },
      to: { path: '^(src/(adapters|node|workers)|tools)/' },
    },
    {
      name: 'adapters-implement-ports',
      comment: 'An adapter implements a port of src/core; it knows neither the app nor an entry.',
      severity: 'error',
      from: { path: '^src/adapters/' },
      to: { path: '^src/(http|node|workers)/' },
    },
    {
      name: 'node-entry-alone',
      comment: 'The entries wire configuration to adapters; what both need belongs in src/core, src/adapters or src/http.',
      severity: 'error',
      from: { path: '^src/node/' },
      to: { path: '^src/workers/' },
    },
    {
      name: 'workers-entry-alone',
      comment: 'The entries wire configuration to adapters; what both need belongs in src/core, src/adapters or src/http.',
      severity: 'error',
      from: { path: '^src/workers/' },
      to: { path: '^src/node/' },
    },
    {
      name: 'web-is-browser-code',
      comment:
        'src/web runs in the browser: it imports only itself, the pure core and uqr (QR codes), and nothing imports it (npm run assets bundles it).',
      severity: 'error',
      from: { path: '^src/web/' },
      to: { pathNot: ['^src/(web|core)/', npm(['uqr'])] },
    },
    {
      name: 'nothing-imports-web',
      comment: 'Browser code reaches the app only as the bundle that npm run assets generates.',
      severity: 'error',
      from: { pathNot: '^src/web/' },
      to: { path: '^src/web/' },
    },
    {
      name: 'client-stands-alone',
      comment:
        'fuselink/client runs wherever fetch does (Node, Workers, browsers): it imports nothing but itself, typed by the generated API document.',
      severity: 'error',
      from: { path: '^src/client/' },
      to: { pathNot: '^src/client/' },
    },
    {
      name: 'client-is-for-callers',
      comment: 'The service never calls itself through the client; the CLI (src/cli) and outside code do.',
      severity: 'error',
      from: { path: '^src/', pathNot: '^src/(client|cli)/' },
      to: { path: '^src/client/' },
    },
    {
      name: 'nothing-imports-the-cli',
      comment: 'The CLI is an entry (bin/fuselink.js): it may use the product, nothing in the product uses it.',
      severity: 'error',
      from: { pathNot: '^src/cli/' },
      to: { path: '^src/cli/' },
    },
    {
      name: 'src-stands-alone',
      comment: 'The product never imports the tests, the bench or the tools that drive it.',
      severity: 'error',
      from: { path: '^src/' },
      to: { path: '^(test|bench|tools)/' },
    },
    {
      name: 'no-dev-dependencies-in-src',
      comment: 'What src imports must be installed in production (npm ci --omit=dev); types alone may come from a devDependency.',
      severity: 'error',
      from: { path: '^src/' },
      to: { dependencyTypes: ['npm-dev'], dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'no-undeclared-packages',
      comment: 'Every package src imports is in package.json.',
      severity: 'error',
      from: { path: '^src/' },
      to: { dependencyTypes: ['npm-no-pkg', 'npm-unknown'] },
    },
    {
      name: 'no-unresolvable',
      comment: 'An import that cannot be resolved escapes every other rule.',
      severity: 'error',
      from: {},
      to: { couldNotResolve: true },
    },
    {
      name: 'no-circular',
      comment: 'Modules that import each other cannot be read, tested or moved apart.',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    // Type-only imports are dependencies too: core must not even import Hono's types.
    tsPreCompilationDeps: true,
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      mainFields: ['module', 'main', 'types', 'typings'],
    },
    reporterOptions: { text: { highlightFocused: true } },
  },
}
