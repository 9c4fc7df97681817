// What a person does in the VS Code workbench, as playwright-core steps: open a file, read the Problems panel,
// run a command, hover. Selectors are VS Code 1.139's (code-server 4.139.1); lists are virtualised, so we
// filter instead of scrolling.
import { setTimeout as sleep } from 'node:timers/promises';

export class Workbench {
  constructor(page) {
    this.page = page;
    this.screenshotPath = undefined;
    this.screenshotTaken = false;
  }

  async load(url) {
    await this.page.goto(url);
    await this.page.locator('.monaco-workbench').waitFor({ timeout: 90_000 });
    await this.page.locator('.explorer-folders-view .monaco-list-row').first().waitFor({ timeout: 90_000 });
  }

  /** Opens a workspace file with Quick Open (Ctrl+P) and waits until its editor shows `expectText`. */
  async openFile(relPath, expectText) {
    const p = this.page;
    await this.escape();
    await p.keyboard.press('Control+P');
    const input = p.locator('.quick-input-widget input');
    await input.waitFor();
    await input.fill(relPath);
    // Wait for the *selected* row: right after typing, the list may still show recently opened files, and Enter
    // would open the first of those instead.
    await p.locator('.quick-input-list .monaco-list-row.focused', { hasText: relPath.split('/').pop() }).waitFor();
    await p.keyboard.press('Enter');
    await p.locator('.tab.active', { hasText: relPath.split('/').pop() }).waitFor();
    // A reopened editor keeps its old scroll position; start at the top so `expectText` can be on screen.
    await p.keyboard.press('Control+Home');
    if (expectText) await this.activeEditor().locator('.view-lines', { hasText: expectText }).waitFor();
  }

  activeEditor() {
    return this.page.locator('.editor-group-container.active .monaco-editor').first();
  }

  async escape() {
    await this.page.keyboard.press('Escape');
    await this.page.keyboard.press('Escape');
  }

  /** Runs a command palette entry by its label, e.g. "View: Close All Editors". */
  async runCommand(label) {
    const p = this.page;
    await this.escape();
    await p.keyboard.press('Control+Shift+P');
    const input = p.locator('.quick-input-widget input');
    await input.waitFor();
    await input.fill(`>${label}`);
    await p.locator('.quick-input-list .monaco-list-row.focused', { hasText: label }).waitFor();
    await p.keyboard.press('Enter');
  }

  /** Undoes a journey's edits: "File: Revert File", then waits until the tab is no longer dirty. */
  async revertActiveFile() {
    await this.runCommand('File: Revert File');
    await this.page.locator('.tab.active.dirty').waitFor({ state: 'detached', timeout: 10_000 });
  }

  async goToLine(line, column) {
    const p = this.page;
    await this.escape();
    await p.keyboard.press('Control+G');
    const input = p.locator('.quick-input-widget input');
    await input.waitFor();
    await input.fill(`:${line}:${column}`); // fill() replaces the ":" prefix that Ctrl+G put there
    await p.keyboard.press('Enter');
    await p.locator('.statusbar-item', { hasText: `Ln ${line}, Col ${column}` }).first().waitFor();
  }

  async showProblems() {
    await this.escape();
    await this.page.keyboard.press('Control+Shift+M');
    await this.page.locator('.markers-panel').waitFor();
  }

  problemsFilter() {
    return this.page.locator('.part.panel input[placeholder^="Filter"]').first();
  }

  /** Types into the Problems filter (matches message, source, code and file name, case-sensitively). */
  async filterProblems(text) {
    await this.showProblems();
    const filter = this.problemsFilter();
    await filter.waitFor();
    await filter.fill(text);
    await sleep(400); // the filter is debounced
  }

  /** The visible Problems rows as text: file rows (name + count) and marker rows (message, source(code), position). */
  async problemRows() {
    return this.page.locator('.markers-panel .monaco-list-row').allTextContents();
  }

  /** Waits until a Problems row contains every string in `parts`; returns its text. */
  async waitForProblemRow(parts, timeout = 30_000) {
    let row = this.page.locator('.markers-panel .monaco-list-row');
    for (const part of parts) row = row.filter({ hasText: part });
    await row.first().waitFor({ timeout });
    return row.first().textContent();
  }

  /** Shows the hover at line:column (1-based) with "Show or Focus Hover" and returns the visible hover texts. */
  async hoverAt(line, column) {
    await this.goToLine(line, column);
    await this.runCommand('Show or Focus Hover');
    const hover = this.page.locator('.monaco-hover-content:visible');
    await hover.first().waitFor({ timeout: 15_000 });
    await sleep(500); // contents of later providers arrive after the first
    return hover.allTextContents();
  }

  /** Saves a screenshot; journeys that undo their edits take theirs before undoing (see run.mjs). */
  async screenshot(path = this.screenshotPath) {
    await this.page.screenshot({ path });
    this.screenshotTaken = true;
  }
}
