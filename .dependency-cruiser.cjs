// The import boundaries of the server, checked by test/architecture/layering.test.ts (`npx depcruise
// server/src --config .dependency-cruiser.cjs` runs the same check by hand).
//
// - server/src/service/ is the pure language service: text in, data out. No editor, no LSP connection, no
//   network, and nothing from the layers built on top of it (registry, verification, LSP commands, adapters).
// - verify/ and registry/ use the service only through its public entry points: the policy model's API and
//   the pure leaves they share with it (image reference grammar, wildcard matching, PEM and key parsing).
/** Modules that reach the network, or the editor / LSP runtime (as written when unresolved, else their node_modules path). */
const NETWORK = '^(node:)?(http|https|http2|net|tls|dgram|dns)$';
const EDITOR = '(^|node_modules/)(vscode|vscode-languageserver|vscode-languageclient|vscode-jsonrpc)(/|$)';
const SIGSTORE = '(^|node_modules/)@sigstore/';
const SERVICE_PUBLIC = [
  '^server/src/service/policy/api\\.ts$',
  '^server/src/service/image/reference\\.ts$',
  '^server/src/service/image/wildcard\\.ts$',
  '^server/src/service/crypto/pem\\.ts$',
  '^server/src/service/crypto/keyAlgorithm\\.ts$',
];

module.exports = {
  forbidden: [
    {
      name: 'service-no-editor-or-lsp',
      comment: 'The language service is a plain library: the LSP adapter (server.ts) wires it to a connection.',
      severity: 'error',
      from: { path: '^server/src/service/' },
      to: { path: EDITOR },
    },
    {
      name: 'service-no-network',
      comment: 'Analysis never awaits a network: registries are contacted only by explicit verification and pinning.',
      severity: 'error',
      from: { path: '^server/src/service/' },
      to: { path: [NETWORK, SIGSTORE, '^server/src/(registry|verify)/'] },
    },
    {
      name: 'service-no-adapters',
      comment: 'The service knows nothing of the layers built on it.',
      severity: 'error',
      from: { path: '^server/src/service/' },
      to: { path: '^server/src/(commands/|server\\.ts$|cli\\.ts$|workspace(Indexer|Files)\\.ts$)' },
    },
    {
      name: 'verify-and-registry-use-public-service-entries',
      comment: 'Verification and the registry client read the service only through its public entry points, so its internals stay free to change.',
      severity: 'error',
      from: { path: '^server/src/(verify|registry)/' },
      to: { path: '^server/src/service/', pathNot: SERVICE_PUBLIC },
    },
    {
      name: 'verify-and-registry-no-editor-or-adapters',
      comment: 'Verification runs the same in the CLI and the editor: no LSP types or adapter code in it.',
      severity: 'error',
      from: { path: '^server/src/(verify|registry)/' },
      to: { path: [EDITOR, '^server/src/(commands/|server\\.ts$|cli\\.ts$)'] },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(dist/|server/src/service/schema/generated/)' },
    tsPreCompilationDeps: true,
    enhancedResolveOptions: { extensions: ['.ts', '.js', '.json'] },
  },
};
