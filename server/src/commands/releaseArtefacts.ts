// Wires the release-artefact features (verify a file with its companions; image lists and SBOMs) into the LSP
// connection: their requests, and the image lists' lenses and diagnostics through the object returned.
import { CodeLensRefreshRequest } from 'vscode-languageserver/node';
import type { CancellationToken } from 'vscode-languageserver/node';
import { ImageLists, VERIFY_IMAGE_LIST_REQUEST, VerifyImageListParams } from './imageList';
import type { Verifier, VerifyContext } from './verify';
import { FILE_COMPANIONS_REQUEST, fileCompanions, FileCompanionsParams, VERIFY_FILE_REQUEST, verifyFile, VerifyFileParams } from './verifyFile';

export function registerReleaseArtefacts(ctx: VerifyContext, verifier: Verifier): ImageLists {
  const { connection } = ctx;
  const imageLists = new ImageLists({
    connection,
    documents: ctx.documents,
    verify: (image, spec, trustedRootJson, token) => verifier.verifyRequest({ image, spec, trustedRootJson }, token),
    isTrusted: () => verifier.isTrusted,
    republish: (uri) => ctx.revalidate(uri),
    refreshLenses: () => void connection.sendRequest(CodeLensRefreshRequest.type).catch(() => undefined),
  });
  connection.onRequest(VERIFY_IMAGE_LIST_REQUEST, (params: VerifyImageListParams, token: CancellationToken) => imageLists.verifyAll(params, token));
  connection.onRequest(FILE_COMPANIONS_REQUEST, (params: FileCompanionsParams) => fileCompanions(params));
  connection.onRequest(VERIFY_FILE_REQUEST, (params: VerifyFileParams, token: CancellationToken) => verifyFile(params, {
    connection,
    isTrusted: () => verifier.isTrusted,
    trustRoot: () => verifier.trustRootChoice(),
  }, token));
  ctx.documents.onDidClose((e) => imageLists.forget(e.document.uri));
  return imageLists;
}
