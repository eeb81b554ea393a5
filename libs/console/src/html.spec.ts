import { describe, expect, it } from '@jest/globals';
import { html } from './html.js';

describe('html templates', () => {
  it.each([
    ['<script>alert(1)</script>', '&lt;script&gt;alert(1)&lt;/script&gt;'],
    ['"><img src=x onerror=alert(1)>', '&quot;&gt;&lt;img src=x onerror=alert(1)&gt;'],
    ["' onmouseover='x", '&#39; onmouseover=&#39;x'],
    ['a & b', 'a &amp; b'],
  ])('escapes %j inside text and attributes', (input, escaped) => {
    expect(html`<p title="${input}">${input}</p>`.value).toBe(`<p title="${escaped}">${escaped}</p>`);
  });

  it('keeps nested fragments and joins lists, dropping empty values', () => {
    const items = ['<a>', 'b'].map((x) => html`<li>${x}</li>`);
    expect(
      html`<ul>
        ${items}${null}${false}${undefined}
      </ul>`.value.replace(/>\s+</g, '><'),
    ).toBe('<ul><li>&lt;a&gt;</li><li>b</li></ul>');
  });
});
