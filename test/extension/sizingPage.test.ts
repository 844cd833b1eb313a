import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { sizingPageHtml } from '../../src/extension/sizingPage';
import { assertNoncePolicy } from './contentSecurityPolicy';

const SOURCES = {
  cspSource: 'https://*.vscode-cdn.net',
  scriptUri: 'https://file+.vscode-resource.vscode-cdn.net/ext/media/sizing/main.js',
  styleUri: 'https://file+.vscode-resource.vscode-cdn.net/ext/media/sizing/main.css',
};

describe('Sizing calculator page: nonce-based Content-Security-Policy', () => {
  it("allows nothing by default, styles from the webview's source, scripts only with the page's nonce", () => {
    const html = sizingPageHtml(SOURCES);
    const nonce = assertNoncePolicy(html);
    assert.ok(html.includes(`style-src ${SOURCES.cspSource};`), html);
    assert.ok(html.includes(`<script nonce="${nonce}" src="${SOURCES.scriptUri}">`), html);
  });

  it('draws a fresh nonce for every page', () => {
    const nonces = new Set(Array.from({ length: 20 }, () => assertNoncePolicy(sizingPageHtml(SOURCES))));
    assert.equal(nonces.size, 20);
  });

  it('the page script builds the form with DOM calls, never from HTML strings or eval', () => {
    // An inline handler or injected markup would be blocked by the policy and leave a dead form.
    const script = readFileSync(join(__dirname, '../../media/sizing/main.js'), 'utf8');
    for (const pattern of [/\.innerHTML\s*=/, /\.outerHTML\s*=/, /insertAdjacentHTML/, /document\.write/, /\beval\s*\(/, /new Function\s*\(/, /setAttribute\(\s*['"]on/]) {
      assert.doesNotMatch(script, pattern);
    }
  });
});
