// report_cdp.js - drives headless Chromium over the DevTools protocol to check an
// mtpe HTML report: every finding is a highlighted, keyboard-focusable <mark>;
// focusing one shows its tooltip (message + suggestion); user text that looks
// like markup shows literally; the page makes no network request and runs no script.
// usage: node --experimental-websocket report_cdp.js <chromium> <report.html> <expected-marks> <literal-text> [<document>]
// With <document>, the text of the (single) document shown must equal its bytes exactly.
'use strict';
const { spawn } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');

const [chromium, report, expectedMarks, literal, docPath] = process.argv.slice(2);
const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'mtpe-chromium-'));
const proc = spawn(chromium, ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
  '--disable-component-update', '--no-first-run', '--remote-debugging-port=0', `--user-data-dir=${profile}`,
  'about:blank'], { stdio: ['ignore', 'ignore', 'pipe'] });

let failed = 0;
function check(ok, what) { console.log(`${ok ? 'ok' : 'FAIL'} - ${what}`); if (!ok) failed++; }
function finish(code) { try { proc.kill('SIGKILL'); } catch (e) {} setTimeout(() => { try { fs.rmSync(profile, { recursive: true, force: true }); } catch (e) {} process.exit(code); }, 300); }
setTimeout(() => { console.log('FAIL - timeout'); finish(1); }, 60000);

let stderr = '';
proc.stderr.on('data', async (d) => {
  stderr += d.toString();
  const m = stderr.match(/DevTools listening on (ws:\/\/\S+)/);
  if (!m || proc.started) return;
  proc.started = true;
  const port = new URL(m[1]).port;
  const targets = await (await fetch(`http://127.0.0.1:${port}/json/list`)).json();
  const page = targets.find((t) => t.type === 'page');
  const ws = new WebSocket(page.webSocketDebuggerUrl);
  let id = 0; const pending = new Map(); const requests = []; const consoleMsgs = [];
  const send = (method, params = {}) => new Promise((res) => { const i = ++id; pending.set(i, res); ws.send(JSON.stringify({ id: i, method, params })); });
  ws.onmessage = (ev) => {
    const msg = JSON.parse(ev.data);
    if (msg.id && pending.has(msg.id)) { pending.get(msg.id)(msg); pending.delete(msg.id); }
    if (msg.method === 'Network.requestWillBeSent') requests.push(msg.params.request.url);
    if (msg.method === 'Runtime.consoleAPICalled' || msg.method === 'Page.javascriptDialogOpening') consoleMsgs.push(msg.method);
  };
  ws.onopen = async () => {
    await send('Page.enable'); await send('Network.enable'); await send('Runtime.enable');
    const url = 'file://' + path.resolve(report);
    const loaded = new Promise((res) => { const prev = ws.onmessage; ws.onmessage = (ev) => { prev(ev); if (JSON.parse(ev.data).method === 'Page.loadEventFired') res(); }; });
    await send('Page.navigate', { url });
    await loaded;
    const ev = async (expr) => (await send('Runtime.evaluate', { expression: expr, returnByValue: true })).result.result.value;
    const marks = await ev("document.querySelectorAll('mark.f').length");
    check(marks === Number(expectedMarks), `${marks} highlights rendered (expected ${expectedMarks})`);
    const focusable = await ev("[...document.querySelectorAll('mark.f')].every(m => m.tabIndex === 0)");
    check(focusable, 'every highlight is keyboard-focusable');
    const colored = await ev("[...document.querySelectorAll('mark.f')].every(m => getComputedStyle(m).backgroundColor !== 'rgba(0, 0, 0, 0)')");
    check(colored, 'every highlight has a background colour');
    const hiddenBefore = await ev("getComputedStyle(document.querySelector('mark.f .tip')).display");
    check(hiddenBefore === 'none', `tooltip hidden before focus (${hiddenBefore})`);
    // keyboard: Tab until the first highlight has focus
    let focused = false;
    for (let i = 0; i < 40 && !focused; i++) {
      await send('Input.dispatchKeyEvent', { type: 'keyDown', key: 'Tab', code: 'Tab', windowsVirtualKeyCode: 9 });
      await send('Input.dispatchKeyEvent', { type: 'keyUp', key: 'Tab', code: 'Tab', windowsVirtualKeyCode: 9 });
      focused = await ev("document.activeElement && document.activeElement.matches('mark.f')");
    }
    check(focused, 'Tab reaches a highlight');
    const tip = await ev("(() => { const t = document.activeElement.querySelector(':scope > .tip'); return t ? [getComputedStyle(t).display, t.textContent] : null; })()");
    check(tip && tip[0] === 'block', `focused highlight shows its tooltip (${tip && tip[0]})`);
    check(tip && /Suggestion:|·/.test(tip[1]) && tip[1].length > 10, `tooltip text: ${tip && tip[1]}`);
    const text = await ev("[...document.querySelectorAll('pre.text')].map(p => { const c = p.cloneNode(true); c.querySelectorAll('.tip').forEach(t => t.remove()); return c.textContent; }).join('\\n')");
    check(text.includes(literal), `document text shows ${JSON.stringify(literal)} literally`);
    if (docPath) {
      const shown = await ev("(() => { const c = document.querySelector('pre.text').cloneNode(true); c.querySelectorAll('.tip, mark.ins').forEach(t => t.remove()); return c.textContent; })()");
      const want = fs.readFileSync(docPath, 'utf8').replace(/^\uFEFF/, '');
      check(shown === want, 'the document text is shown byte for byte');
    }
    const scripts = await ev("document.querySelectorAll('script, img, iframe, object').length");
    check(scripts === 0, `no script, img, iframe or object element in the page (${scripts})`);
    const ext = requests.filter((u) => u !== url && !u.startsWith('data:'));
    check(ext.length === 0, `no network fetches (${ext.join(', ') || 'none'})`);
    check(consoleMsgs.length === 0, 'no script ran (no console output or dialog)');
    ws.close();
    finish(failed ? 1 : 0);
  };
});
proc.on('exit', (code) => { if (!proc.started) { console.log('FAIL - chromium exited: ' + stderr.slice(-500)); process.exit(1); } });
