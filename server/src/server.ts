// The LSP adapter: document sync, settings and request routing. All logic lives in ./service.
import { createConnection, ProposedFeatures, TextDocuments, TextDocumentSyncKind, DidChangeConfigurationNotification } from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { getLanguageService } from './service/languageService';
import { defaultSettings, ServiceSettings } from './service/settings';
import { isPolicyKind } from './service/document/classify';
import { createWorkspaceFiles } from './workspaceFiles';
import { registerCommands, SERVER_COMMANDS } from './commands';

const connection = createConnection(ProposedFeatures.all);
const documents = new TextDocuments(TextDocument);
let workspaceRoots: string[] = [];
const service = getLanguageService({ workspace: createWorkspaceFiles(() => workspaceRoots) });
let settings: ServiceSettings = defaultSettings;
let canPullConfiguration = false;

connection.onInitialize((params) => {
  canPullConfiguration = !!params.capabilities.workspace?.configuration;
  workspaceRoots = (params.workspaceFolders ?? []).map((f) => f.uri);
  if (workspaceRoots.length === 0 && params.rootUri) workspaceRoots = [params.rootUri];
  return {
    capabilities: {
      textDocumentSync: TextDocumentSyncKind.Incremental,
      completionProvider: { triggerCharacters: [':', ' ', '-', '"', "'"], resolveProvider: false },
      hoverProvider: true,
      codeActionProvider: { codeActionKinds: ['quickfix', 'source.fixAll', 'source'] },
      executeCommandProvider: { commands: SERVER_COMMANDS },
    },
    serverInfo: { name: 'image-trust', version: '0.1.0' },
  };
});

connection.onInitialized(async () => {
  if (canPullConfiguration) {
    void connection.client.register(DidChangeConfigurationNotification.type, { section: 'imageTrust' });
    await refreshSettings();
  }
});

async function refreshSettings(): Promise<void> {
  if (!canPullConfiguration) return;
  try {
    const cfg = await connection.workspace.getConfiguration({ section: 'imageTrust' });
    settings = { ...defaultSettings, severity: { ...(cfg?.severity ?? {}) } };
  } catch {
    settings = defaultSettings;
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
  const file = parse(doc);
  const diagnostics = service.doValidation(file, settings);
  // Only speak about files we own; other YAML stays untouched (coexists with the Red Hat YAML extension).
  const owns = file.docs.some((d) => isPolicyKind(d.kind) || d.kind === 'manifest' || d.kind === 'kustomization');
  if (owns || diagnostics.length > 0) connection.sendDiagnostics({ uri: doc.uri, version: doc.version, diagnostics });
  else connection.sendDiagnostics({ uri: doc.uri, diagnostics: [] });
}

documents.onDidChangeContent((e) => validate(e.document));
documents.onDidClose((e) => {
  service.forget(e.document.uri);
  connection.sendDiagnostics({ uri: e.document.uri, diagnostics: [] });
});

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

registerCommands({ connection, documents, service });

documents.listen(connection);
connection.listen();
