// Server-side commands (workspace/executeCommand). Network work lives here, never on the diagnostics path.
import type { Connection, TextDocuments } from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { LanguageService } from '../service/languageService';
import { PIN_ALL_DIGESTS_COMMAND, PIN_DIGEST_COMMAND } from '../service/rules/image/pinDigestFix';
import { DigestPinner } from './pinDigest';
import { Verifier, VerifyContext, VERIFY_IMAGE_COMMAND, VERIFY_RULE_COMMAND } from './verify';
import { registerReleaseArtefacts } from './releaseArtefacts';
import { PIN_IMAGE_LIST_COMMAND } from './imageList';

export interface CommandContext {
  connection: Connection;
  documents: TextDocuments<TextDocument>;
  service: LanguageService;
}

/** Command ids the server executes; advertised in `executeCommandProvider`. */
export const SERVER_COMMANDS: string[] = [PIN_DIGEST_COMMAND, PIN_ALL_DIGESTS_COMMAND, VERIFY_IMAGE_COMMAND, VERIFY_RULE_COMMAND, PIN_IMAGE_LIST_COMMAND];

/** Registers the commands (and verification's own requests); the verifier needs the initialize params. */
export function registerCommands(ctx: VerifyContext): { verifier: Verifier; imageLists: ReturnType<typeof registerReleaseArtefacts> } {
  const pinner = new DigestPinner(ctx);
  const verifier = new Verifier(ctx);
  verifier.register();
  const imageLists = registerReleaseArtefacts(ctx, verifier);
  ctx.connection.onExecuteCommand(async (params, token, workDone) => {
    const args = params.arguments ?? [];
    if ((params.command === PIN_DIGEST_COMMAND || params.command === PIN_ALL_DIGESTS_COMMAND) && !verifier.isTrusted) {
      // The extension runs in Restricted Mode too (package.json `untrustedWorkspaces`), but never contacts registries there.
      void Promise.resolve(ctx.connection.window.showWarningMessage('Image Trust does not contact registries in an untrusted workspace: trust the workspace to pin digests.')).catch(() => undefined);
      return undefined;
    }
    switch (params.command) {
      case PIN_DIGEST_COMMAND:
        return pinner.pinOne(args, token);
      case PIN_ALL_DIGESTS_COMMAND:
        // Use the client's progress token when it sent one; otherwise create our own progress.
        return pinner.pinAll(args, token, params.workDoneToken !== undefined ? workDone : undefined);
      case VERIFY_IMAGE_COMMAND:
        return verifier.verifyImageCommand(args, token, params.workDoneToken !== undefined ? workDone : undefined);
      case VERIFY_RULE_COMMAND:
        return verifier.verifyRuleCommand(args, token, params.workDoneToken !== undefined ? workDone : undefined);
      case PIN_IMAGE_LIST_COMMAND:
        return imageLists.pin(args);
      default:
        return undefined;
    }
  });
  return { verifier, imageLists };
}
