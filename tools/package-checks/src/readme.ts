/** The first fenced code block of a Markdown file: its language and its text (null when there is none). */
export function firstCodeBlock(markdown: string): { lang: string; code: string } | null {
  const match = /^```([\w-]*)[^\n]*\n([\s\S]*?)^```/m.exec(markdown);
  return match ? { lang: match[1], code: match[2] } : null;
}
