// The VS Code workbench in Chromium, driven by playwright-core: the status bar, the command palette
// and the Output panel, found by the workbench's DOM classes (stable within VS Code 1.100).
import path from 'node:path';

const BROWSER_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'];

export class Workbench {
  // `name` gives a second window a browser profile of its own.
  static async open({ chromium, executablePath, runDir, url, folder, log, name = '' }) {
    const context = await chromium.launchPersistentContext(path.join(runDir, `chromium-profile${name ? `-${name}` : ''}`), {
      executablePath,
      headless: true,
      args: BROWSER_ARGS,
      env: { ...process.env, XDG_CONFIG_HOME: path.join(runDir, 'xdg/chromium-config'), XDG_CACHE_HOME: path.join(runDir, 'xdg/chromium-cache') },
      viewport: { width: 1280, height: 800 },
      timeout: 60_000,
    });
    const bench = new Workbench(context, context.pages()[0] || (await context.newPage()), log);
    await bench.page.goto(`${url}/?folder=${encodeURIComponent(folder)}`, { waitUntil: 'domcontentloaded', timeout: 60_000 });
    await bench.page.locator('.monaco-workbench .part.statusbar').waitFor({ state: 'visible', timeout: 90_000 });
    return bench;
  }

  constructor(context, page, log) {
    this.context = context;
    this.page = page;
    this.log = log;
    this.consoleErrors = [];
    page.setDefaultTimeout(30_000);
    page.on('console', (m) => m.type() === 'error' && this.consoleErrors.push(m.text()));
    page.on('pageerror', (e) => this.consoleErrors.push(String(e)));
  }

  async close() {
    const context = this.context;
    this.context = null;
    if (context) await Promise.race([context.close(), new Promise((r) => setTimeout(r, 15_000))]).catch(() => {});
  }

  async screenshot(file) {
    await this.page.screenshot({ path: file });
  }

  // The text of the status bar item of `backend`, e.g. "api: running", or null when there is none.
  statusItem(backend) {
    return this.page.locator('.part.statusbar .statusbar-item', { hasText: `${backend}: ` }).first();
  }

  async waitForState(backend, state, timeoutMs) {
    await this.page.locator('.part.statusbar .statusbar-item', { hasText: new RegExp(`(^|\\s)${backend}: ${state}\\b`) })
      .first().waitFor({ state: 'visible', timeout: timeoutMs });
  }

  // Records every state the status bar item of `backend` shows, in order, from now on: a state
  // that lasts a moment (backoff, stopping) is caught even when no poll would see it.
  async recordStates(backend) {
    await this.page.evaluate((name) => {
      const pattern = new RegExp(`(?:^|\\s)${name}: (\\w+)`);
      const seen = (window.__e2eStates = []);
      const read = () => {
        for (const item of document.querySelectorAll('.part.statusbar .statusbar-item')) {
          const m = pattern.exec(item.textContent || '');
          if (m) {
            if (seen[seen.length - 1] !== m[1]) seen.push(m[1]);
            return;
          }
        }
      };
      read();
      new MutationObserver(read).observe(document.querySelector('.part.statusbar'), { subtree: true, childList: true, characterData: true });
    }, backend);
  }

  // Waits until the recorder has seen `state` (since the last takeStates), however briefly it showed.
  async waitForRecordedState(state, timeoutMs) {
    await this.page.waitForFunction((s) => window.__e2eStates.includes(s), state, { timeout: timeoutMs })
      .catch(async () => { throw new Error(`the status bar did not show "${state}" within ${timeoutMs} ms; it showed ${(await this.page.evaluate(() => window.__e2eStates)).join(' -> ')}`); });
  }

  // The states recorded since recordStates, and forgets them.
  async takeStates() {
    return this.page.evaluate(() => {
      const states = window.__e2eStates.slice();
      window.__e2eStates.length = 0;
      if (states.length) window.__e2eStates.push(states[states.length - 1]);
      return states;
    });
  }

  async openPalette() {
    const quickInput = this.page.locator('.quick-input-widget');
    for (const key of ['F1', 'Control+Shift+P']) {
      await this.page.keyboard.press(key);
      try {
        await quickInput.waitFor({ state: 'visible', timeout: 5_000 });
        return quickInput;
      } catch {
        this.log(`the command palette did not open with ${key}`);
      }
    }
    throw new Error('the command palette did not open (F1, Ctrl+Shift+P)');
  }

  // Runs a command by its exact palette title ("Backend: Restart" is not "Backend: Restart Sidecar").
  async runCommand(title, screenshotFile) {
    const quickInput = await this.openPalette();
    await quickInput.locator('input').fill(`>${title}`);
    const row = quickInput.locator('.monaco-list-row')
      .filter({ has: this.page.locator('.label-name', { hasText: new RegExp(`^\\s*${escapeRegExp(title)}\\s*$`) }) })
      .first();
    try {
      await row.waitFor({ state: 'visible', timeout: 15_000 });
    } catch {
      const rows = await quickInput.locator('.monaco-list-row .label-name').allTextContents();
      throw new Error(`"${title}" is not in the command palette; it lists: ${rows.join(' | ') || '(nothing)'}`);
    }
    if (screenshotFile) await this.screenshot(screenshotFile);
    await row.click();
    // The palette is gone once the widget hides or holds another quick pick (a command may open one).
    await this.page.waitForFunction(() => {
      const widget = document.querySelector('.quick-input-widget');
      const input = widget && widget.querySelector('input');
      return !widget || widget.offsetParent === null || !input || !input.value.startsWith('>');
    }, undefined, { timeout: 10_000 });
  }

  // The text of the first quick pick row that matches `pattern`, once there is one.
  async quickPickRow(pattern, timeoutMs) {
    const row = this.page.locator('.quick-input-widget .monaco-list-row', { hasText: pattern }).first();
    try {
      await row.waitFor({ state: 'visible', timeout: timeoutMs });
    } catch {
      const rows = await this.page.locator('.quick-input-widget .monaco-list-row').allInnerTexts();
      throw new Error(`the quick pick shows: ${rows.map((r) => r.replace(/\s+/g, ' ')).join(' | ') || '(nothing)'}`);
    }
    return row.innerText();
  }

  async dismissQuickPick() {
    await this.page.keyboard.press('Escape');
    await this.page.locator('.quick-input-widget').waitFor({ state: 'hidden', timeout: 10_000 });
  }

  // The first notification toast whose message matches `pattern`, once there is one: its message and
  // the titles of its buttons.
  async notification(pattern, timeoutMs) {
    const toast = this.page.locator('.notifications-toasts .notification-toast', { has: this.page.locator('.notification-list-item-message', { hasText: pattern }) }).first();
    try {
      await toast.waitFor({ state: 'visible', timeout: timeoutMs });
    } catch {
      const shown = await this.page.locator('.notifications-toasts .notification-list-item-message').allInnerTexts();
      throw new Error(`no notification matching ${pattern}; shown: ${shown.join(' | ') || '(none)'}`);
    }
    const message = (await toast.locator('.notification-list-item-message').innerText()).replace(/\s+/g, ' ').trim();
    const buttons = (await toast.locator('.notification-list-item-buttons-container .monaco-button').allInnerTexts()).map((b) => b.trim());
    return { toast, message, buttons };
  }

  // Opens a workspace file by Quick Open (Ctrl+P, its path relative to the folder; the best match is
  // the first row) and waits until its editor has focus.
  async openFile(relativePath) {
    const name = path.basename(relativePath);
    await this.page.keyboard.press('Control+P');
    const quickInput = this.page.locator('.quick-input-widget');
    await quickInput.waitFor({ state: 'visible', timeout: 10_000 });
    await quickInput.locator('input').fill(relativePath);
    await quickInput.locator('.monaco-list-row', { hasText: name }).first().waitFor({ state: 'visible', timeout: 15_000 });
    await this.page.keyboard.press('Enter');
    await this.page.locator('.tabs-container .tab.active', { hasText: name }).waitFor({ state: 'visible', timeout: 15_000 });
    await this.page.locator('.editor-instance .monaco-editor textarea').first().focus();
  }

  // The labels of the suggest widget's rows once it shows some (Ctrl+Space asks for it).
  async suggestions(timeoutMs) {
    const rows = this.page.locator('.editor-widget.suggest-widget .monaco-list-row');
    await rows.first().waitFor({ state: 'visible', timeout: timeoutMs });
    // JSON property suggestions may be labelled with their quotes.
    return (await this.page.locator('.editor-widget.suggest-widget .monaco-list-row .label-name').allInnerTexts()).map((l) => l.trim().replace(/^"|"$/g, ''));
  }

  // Hovers a status bar item and returns the text of the hover that shows.
  async hoverStatusItem(backend) {
    await this.statusItem(backend).hover();
    const hover = this.page.locator('.workbench-hover, .monaco-hover').filter({ hasText: backend }).first();
    await hover.waitFor({ state: 'visible', timeout: 10_000 });
    return hover.innerText();
  }

  // The text on screen in the Output panel, and the name of the channel it shows.
  async outputPanel() {
    const panel = this.page.locator('.part.panel');
    await panel.waitFor({ state: 'visible', timeout: 10_000 });
    // The editor renders spaces as no-break spaces.
    const text = (await panel.locator('.monaco-editor .view-lines').allInnerTexts()).join('\n').replace(/\u00a0/g, ' ');
    const channel = await panel.locator('select.monaco-select-box, .monaco-select-box').first()
      .evaluate((el) => (el.tagName === 'SELECT' ? el.options[el.selectedIndex]?.text : el.textContent) || '')
      .catch(() => '');
    return { text, channel: channel.trim() };
  }
}

function escapeRegExp(s) {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
