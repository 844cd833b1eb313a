import * as assert from 'node:assert/strict';

/**
 * Checks a webview page's nonce-based Content-Security-Policy the way a reviewer would read the HTML,
 * and returns the nonce. Shared by the plain test (the page builder) and the editor test (the HTML
 * of the open calculator), so both hold the extension to the same policy.
 */
export function assertNoncePolicy(html: string): string {
  const metas = [...html.matchAll(/<meta\s+http-equiv="Content-Security-Policy"\s+content="([^"]*)"\s*>/gi)];
  assert.equal(metas.length, 1, 'exactly one Content-Security-Policy <meta>');
  assert.ok(html.indexOf(metas[0][0]) < html.search(/<(script|link|style)\b/i), 'the policy comes before any script or stylesheet');
  const directives = new Map(
    metas[0][1]
      .split(';')
      .map((part) => part.trim().split(/\s+/))
      .filter((words) => words[0])
      .map(([name, ...values]) => [name, values]),
  );
  assert.deepEqual(directives.get('default-src'), ["'none'"]);
  const scriptSources = directives.get('script-src') ?? [];
  assert.equal(scriptSources.length, 1, `script-src allows only the nonce, not ${scriptSources.join(' ')}`);
  const nonce = /^'nonce-([A-Za-z0-9+/]+={0,2})'$/.exec(scriptSources[0])?.[1];
  assert.ok(nonce, `script-src is a nonce: ${scriptSources[0]}`);
  assert.ok(Buffer.from(nonce, 'base64').length >= 16, 'the nonce has at least 128 bits');
  for (const [name, values] of directives) {
    for (const value of values) assert.doesNotMatch(value, /unsafe-inline|unsafe-eval|^\*$|^https?:$|^data:$/, `${name} allows ${value}`);
  }

  const scripts = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/gi)];
  assert.ok(scripts.length > 0, 'the page has its script');
  for (const [tag, attributes, body] of scripts) {
    assert.match(attributes, new RegExp(`\\bnonce="${escapeRegExp(nonce)}"`), `${tag} carries the page's nonce`);
    assert.match(attributes, /\bsrc="[^"]+"/, `${tag} loads a file rather than running inline code`);
    assert.equal(body.trim(), '', `${tag} has no inline code`);
  }
  const tags = [...html.matchAll(/<[a-z][^>]*>/gi)].map((match) => match[0]);
  for (const tag of tags) {
    assert.doesNotMatch(tag, /\son[a-z]+\s*=/i, `no inline event handler: ${tag}`);
    assert.doesNotMatch(tag, /javascript:/i, `no javascript: URL: ${tag}`);
  }
  return nonce;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
