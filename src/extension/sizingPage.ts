import { randomBytes } from 'node:crypto';

/** What the sizing page needs from its webview, as plain strings so the page is built (and tested) without `vscode`. */
export interface SizingPageSources {
  /** `webview.cspSource`: where the webview may load the stylesheet from. */
  cspSource: string;
  /** `webview.asWebviewUri(...)` of `media/sizing/main.js` and `main.css`. */
  scriptUri: string;
  styleUri: string;
}

/** A fresh nonce for each page load: 128 random bits, so a script injected into the page cannot guess it. */
export function newNonce(): string {
  return randomBytes(16).toString('base64');
}

/**
 * The calculator's HTML. The policy allows nothing by default, the stylesheet only from the webview's
 * own source, and scripts only with this load's nonce: no inline handler or injected script runs.
 */
export function sizingPageHtml(sources: SizingPageSources, nonce: string = newNonce()): string {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src ${sources.cspSource}; script-src 'nonce-${nonce}';">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link href="${sources.styleUri}" rel="stylesheet">
<title>Pool Sizing</title>
</head>
<body>
<main id="app" aria-live="polite"><p>Loading…</p></main>
<script nonce="${nonce}" src="${sources.scriptUri}"></script>
</body>
</html>`;
}
