/** The report's `index.html`: a header of facts, then each figure (its PNG, with a link to its SVG). */
import { esc } from './svg.js';

export interface ReportSection {
  readonly title: string;
  /** One or two sentences on what the figure shows. */
  readonly caption: string;
  readonly png: string;
  readonly svg: string;
}

export function reportHtml(
  title: string,
  facts: readonly [string, string][],
  sections: readonly ReportSection[],
): string {
  const rows = facts.map(([k, v]) => `<tr><th>${esc(k)}</th><td>${esc(v)}</td></tr>`).join('\n');
  const figures = sections
    .map(
      (s) => `<section>
<h2>${esc(s.title)}</h2>
<p>${esc(s.caption)}</p>
<figure><a href="${esc(s.svg)}"><img src="${esc(s.png)}" alt="${esc(s.title)}"></a>
<figcaption><a href="${esc(s.png)}">PNG</a> · <a href="${esc(s.svg)}">SVG</a></figcaption></figure>
</section>`,
    )
    .join('\n');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)}</title>
<style>
body { font-family: "DejaVu Sans", "Liberation Sans", Arial, sans-serif; margin: 2rem auto; max-width: 1100px; padding: 0 1rem; color: #222; }
h1 { font-size: 1.5rem; } h2 { font-size: 1.15rem; margin-top: 2rem; border-bottom: 1px solid #ddd; }
table { border-collapse: collapse; } th { text-align: left; padding: 2px 16px 2px 0; color: #555; font-weight: normal; }
img { max-width: 100%; border: 1px solid #eee; } figcaption { font-size: 0.8rem; color: #666; }
</style>
</head>
<body>
<h1>${esc(title)}</h1>
<table>
${rows}
</table>
${figures}
</body>
</html>
`;
}
