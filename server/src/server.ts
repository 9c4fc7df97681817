// The LSP adapter: document sync, settings and request routing. All logic lives in ./service.
import { createConnection, ProposedFeatures, TextDocuments, TextDocumentSyncKind, DidChangeConfigurationNotification, DidChangeWatchedFilesNotification } from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { getLanguageService } from './service/languageService';
import { defaultSettings, ServiceSettings } from './service/settings';
import { createWorkspaceFiles } from './workspaceFiles';
import { registerCommands, SERVER_COMMANDS } from './commands';
import { WorkspaceIndexer } from './workspaceIndexer';
import { VerificationResults, withVerificationResults } from './commands/verifyResults';

// Whatever directory the editor started us in (often the workspace), work from our own: nothing the server
// runs or opens may be found relative to a repository being edited.
process.chdir(__dirname);

const connection = createConnection(ProposedFeatures.all);
const documents = new TextDocuments(TextDocument);
let workspaceRoots: string[] = [];
// The workspace's policies and manifest images, for coverage diagnostics and hovers on manifests.
const indexer = new WorkspaceIndexer(() => workspaceRoots, revalidateManifests, (m) => connection.console.log(m));
// Live verification results (lens titles, `image-signature-failed`) reach the service through its workspace view.
const verificationResults = new VerificationResults();
const service = getLanguageService({ workspace: createWorkspaceFiles(() => workspaceRoots, (m) => connection.console.log(m)), policyIndex: withVerificationResults(indexer.index, verificationResults) });
// docs/rules.md ships inside the extension next to dist/: diagnostics' codes link to their section.
const DOCS_URL = pathToFileURL(path.join(__dirname, '..', 'docs', 'rules.md')).toString();
let settings: ServiceSettings = { ...defaultSettings, docsUrl: DOCS_URL };
let canPullConfiguration = false;
let canWatchFiles = false;

connection.onInitialize((params) => {
  canPullConfiguration = !!params.capabilities.workspace?.configuration;
  canWatchFiles = !!params.capabilities.workspace?.didChangeWatchedFiles?.dynamicRegistration;
  workspaceRoots = (params.workspaceFolders ?? []).map((f) => f.uri);
  if (workspaceRoots.length === 0 && params.rootUri) workspaceRoots = [params.rootUri];
  verifier.initialize(params);
  return {
    capabilities: {
      textDocumentSync: TextDocumentSyncKind.Incremental,
      completionProvider: { triggerCharacters: [':', ' ', '-', '"', "'"], resolveProvider: false },
      hoverProvider: true,
      codeActionProvider: { codeActionKinds: ['quickfix', 'source'] },
      executeCommandProvider: { commands: SERVER_COMMANDS },
      codeLensProvider: { resolveProvider: false },
    },
    serverInfo: { name: 'image-trust', version: '0.1.0' },
  };
});

connection.onInitialized(async () => {
  // Index the workspace in the background: open documents are validated meanwhile, and again when it is done.
  setImmediate(() => void indexer.scan());
  if (canWatchFiles) void connection.client.register(DidChangeWatchedFilesNotification.type, { watchers: [{ globPattern: '**/*.{yaml,yml}' }] });
  if (canPullConfiguration) {
    void connection.client.register(DidChangeConfigurationNotification.type, { section: 'imageTrust' });
    await refreshSettings();
    // Documents opened while settings were in flight were checked with the defaults.
    documents.all().forEach(validate);
  }
});

async function refreshSettings(): Promise<void> {
  if (!canPullConfiguration) return;
  try {
    const cfg = await connection.workspace.getConfiguration({ section: 'imageTrust' });
    settings = { ...defaultSettings, severity: { ...(cfg?.severity ?? {}) }, docsUrl: DOCS_URL };
  } catch {
    settings = { ...defaultSettings, docsUrl: DOCS_URL };
  }
}

connection.onDidChangeConfiguration(async () => {
  await refreshSettings();
  documents.all().forEach(validate);
});

function parse(doc: TextDocument) {
  return service.parse(doc.uri, doc.getText(), doc.version);
}

function validate(doc: TextDocument): void {
  // Image lists and SBOMs are not YAML: only their verification results are shown on them.
  if (imageLists.handles(doc)) return void connection.sendDiagnostics({ uri: doc.uri, version: doc.version, diagnostics: imageLists.diagnostics(doc) });
  // Rules only look at documents we own (policies, manifests, kustomizations), so other YAML always gets an
  // empty list: no noise next to the Red Hat YAML extension.
  const diagnostics = service.doValidation(parse(doc), settings);
  connection.sendDiagnostics({ uri: doc.uri, version: doc.version, diagnostics });
}

documents.onDidChangeContent((e) => {
  if (imageLists.handles(e.document)) return validate(e.document);
  indexer.documentChanged(parse(e.document));
  validate(e.document);
});
documents.onDidClose((e) => {
  indexer.documentClosed(e.document.uri);
  service.forget(e.document.uri);
  connection.sendDiagnostics({ uri: e.document.uri, diagnostics: [] });
});

connection.onDidChangeWatchedFiles((params) => void indexer.filesChanged(params.changes));

/** Manifest diagnostics depend on the workspace's policies: re-run them when the policies change. */
function revalidateManifests(): void {
  for (const doc of documents.all()) if (parse(doc).docs.some((d) => d.kind === 'manifest')) validate(doc);
}

connection.onCompletion(async (params) => {
  const doc = documents.get(params.textDocument.uri);
  return doc ? service.doComplete(parse(doc), params.position) : null;
});

connection.onHover((params) => {
  const doc = documents.get(params.textDocument.uri);
  return doc ? service.doHover(parse(doc), params.position) : null;
});

connection.onCodeAction((params) => {
  const doc = documents.get(params.textDocument.uri);
  if (!doc) return [];
  return service.doCodeActions(parse(doc), params.range, params.context.diagnostics as never);
});

connection.onCodeLens((params) => {
  const doc = documents.get(params.textDocument.uri);
  if (doc && imageLists.handles(doc)) return imageLists.codeLenses(doc);
  return doc ? service.doCodeLens(parse(doc)) : [];
});

const { verifier, imageLists } = registerCommands({
  connection, documents, service, workspace: indexer.index, results: verificationResults,
  revalidate: (uri) => {
    const doc = documents.get(uri);
    if (doc) validate(doc);
  },
});

documents.listen(connection);
connection.listen();
