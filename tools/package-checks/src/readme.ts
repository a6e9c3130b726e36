export interface CodeBlock {
  /** The language of the fence (`ts`, `sh`…). */
  readonly lang: string;
  /** The rest of the info string: `no-run (why)` marks a block that is only a fragment. */
  readonly info: string;
  readonly code: string;
}

/** Every fenced code block of a Markdown file, in order. */
export function codeBlocks(markdown: string): CodeBlock[] {
  return [...markdown.matchAll(/^```([\w-]*)([^\n]*)\n([\s\S]*?)^```/gm)].map((m) => ({
    lang: m[1],
    info: m[2].trim(),
    code: m[3],
  }));
}

/** The first fenced code block of a Markdown file (null when there is none). */
export function firstCodeBlock(markdown: string): CodeBlock | null {
  return codeBlocks(markdown)[0] ?? null;
}
