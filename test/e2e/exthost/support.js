// Helpers for the extension-host tests: open workspace files and wait for the language server's answers.
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const util = require('node:util');
const vscode = require('vscode');

/**
 * console.log for the suite. The workbench shows the extension host's console in the browser console, mixed
 * with its own logs and with format strings unexpanded; these lines go out pre-formatted and tagged `exthost| `
 * so run.mjs can pick them out.
 */
function log(...args) {
  console.log(util.format(...args).split('\n').map((line) => `exthost| ${line}`).join('\n'));
}

const SOURCE = 'image-trust';

function workspaceUri(rel) {
  const folder = vscode.workspace.workspaceFolders?.[0];
  if (!folder) throw new Error('the test window has no workspace folder');
  return vscode.Uri.joinPath(folder.uri, rel);
}

async function open(rel) {
  const doc = await vscode.workspace.openTextDocument(workspaceUri(rel));
  await vscode.window.showTextDocument(doc, { preview: false });
  return doc;
}

function codeOf(d) {
  return typeof d.code === 'object' && d.code !== null ? String(d.code.value) : String(d.code ?? '');
}

function ours(uri) {
  return vscode.languages.getDiagnostics(uri).filter((d) => d.source === SOURCE);
}

/** Resolves with our diagnostics for `uri` once `ready(diags)` holds; rejects after `ms`. */
function waitForDiagnostics(uri, ready, ms = 30_000, what = 'diagnostics') {
  return new Promise((resolve, reject) => {
    const check = () => {
      const diags = ours(uri);
      if (ready(diags)) {
        done();
        resolve(diags);
      }
    };
    const sub = vscode.languages.onDidChangeDiagnostics(check);
    const timer = setTimeout(() => {
      done();
      const seen = ours(uri).map(codeOf);
      reject(new Error(`timed out after ${ms} ms waiting for ${what} on ${uri.path}; ours now: ${JSON.stringify(seen)}`));
    }, ms);
    function done() {
      sub.dispose();
      clearTimeout(timer);
    }
    check();
  });
}

let cachedFacts;
/**
 * What run.mjs set up for this run (lib/supplyChain.mjs): registry host, image references, digests, lines, and
 * `pending` reasons when the registry or cosign could not be set up. Written next to the workspace folder.
 */
function facts() {
  if (!cachedFacts) {
    const folder = vscode.workspace.workspaceFolders?.[0];
    if (!folder) throw new Error('the test window has no workspace folder');
    cachedFacts = JSON.parse(fs.readFileSync(path.join(path.dirname(folder.uri.fsPath), 'e2e-facts.json'), 'utf8'));
  }
  return cachedFacts;
}

/** Replaces `{REGISTRY}` (expectations.cjs) with this run's registry host:port. */
function expand(text) {
  return typeof text === 'string' ? text.split('{REGISTRY}').join(facts().host) : text;
}

function hoverText(hovers) {
  return (hovers ?? [])
    .flatMap((h) => h.contents)
    .map((c) => (typeof c === 'string' ? c : c.value))
    .join('\n');
}

module.exports = { log, SOURCE, workspaceUri, open, codeOf, ours, waitForDiagnostics, hoverText, facts, expand };
