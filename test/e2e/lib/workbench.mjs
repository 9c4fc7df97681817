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
    // A reopened editor keeps its old scroll position; start at the top so `expectText` can be on screen. The tab
    // turns active before the editor takes the keyboard focus: a key pressed in between goes nowhere.
    await this.activeEditor().and(p.locator('.monaco-editor.focused')).waitFor({ timeout: 5_000 }).catch(() => {});
    await p.keyboard.press('Control+Home');
    if (expectText) {
      const shown = this.activeEditor().locator('.view-lines', { hasText: expectText });
      await shown.waitFor({ timeout: 5_000 }).catch(async () => {
        await this.goToLine(1, 1);
        await shown.waitFor();
      });
    }
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
    this.problemsFilterText = text;
    await sleep(400); // the filter is debounced
  }

  /** The visible Problems rows as text: file rows (name + count) and marker rows (message, source(code), position). */
  async problemRows() {
    return this.page.locator('.markers-panel .monaco-list-row').allTextContents();
  }

  /**
   * Waits until a Problems row contains every string in `parts`; returns its text. A file whose markers all failed
   * the filter when it was typed can stay hidden when matching markers arrive later (VS Code 1.139), so the filter
   * is typed again every few seconds while waiting.
   */
  async waitForProblemRow(parts, timeout = 30_000) {
    let row = this.page.locator('.markers-panel .monaco-list-row');
    for (const part of parts) row = row.filter({ hasText: part });
    const deadline = Date.now() + timeout;
    let retypeAt = Date.now() + 3_000;
    while (!(await row.first().isVisible())) {
      if (Date.now() > deadline) {
        await row.first().waitFor({ timeout: 1 }); // throws with playwright's description of what was seen
      }
      if (Date.now() > retypeAt && this.problemsFilterText) {
        const filter = this.problemsFilter();
        await filter.fill('');
        await sleep(300);
        await filter.fill(this.problemsFilterText);
        retypeAt = Date.now() + 3_000;
      }
      await sleep(250);
    }
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

  /**
   * The code lens drawn right above the editor line that contains `lineText` (lenses are widgets positioned over
   * the editor, not children of their line, so this goes by geometry). Resolves { locator, text } once a lens
   * whose text satisfies `accept` is there; rejects after `timeout` with what was seen.
   */
  async lensAbove(lineText, { accept = () => true, timeout = 30_000 } = {}) {
    const editor = this.activeEditor();
    const deadline = Date.now() + timeout;
    let seen = [];
    for (;;) {
      const line = await editor.locator('.view-line', { hasText: lineText }).first().boundingBox().catch(() => null);
      const lenses = editor.locator('.codelens-decoration');
      const boxes = [];
      for (let i = 0, n = await lenses.count(); i < n; i++) {
        const box = await lenses.nth(i).boundingBox().catch(() => null);
        if (box) boxes.push({ i, box, text: ((await lenses.nth(i).textContent().catch(() => '')) ?? '').replace(/\u00a0/g, ' ') });
      }
      seen = boxes.map((b) => b.text);
      if (line) {
        // The lens sits in the view zone just above its line: its bottom is within a line height of the line's top.
        const above = boxes
          .filter((b) => b.box.y + b.box.height <= line.y + 2 && line.y - (b.box.y + b.box.height) < line.height * 1.5)
          .sort((a, b) => b.box.y - a.box.y)[0];
        if (above && accept(above.text)) return { locator: lenses.nth(above.i), text: above.text };
        if (above) seen = [`above the line: ${above.text}`, ...seen];
      }
      if (Date.now() > deadline) throw new Error(`no matching code lens above the line with "${lineText}"; lenses: ${JSON.stringify(seen)}`);
      await sleep(250);
    }
  }

  /** Waits for a notification toast containing `text`; returns its locator. */
  async notification(text, timeout = 30_000) {
    const toast = this.page.locator('.notification-toast', { hasText: text }).first();
    await toast.waitFor({ timeout });
    return toast;
  }

  /** Saves a screenshot; journeys that undo their edits take theirs before undoing (see run.mjs). */
  async screenshot(path = this.screenshotPath) {
    await this.page.screenshot({ path });
    this.screenshotTaken = true;
  }
}
