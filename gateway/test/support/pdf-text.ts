import { inflateSync } from 'node:zlib';

/**
 * The text a PDF made with pdfkit's standard fonts shows, line by line as drawn: each content
 * stream inflated, each TJ array's hex strings joined (kerning numbers dropped) and read as
 * WinAnsi, which for Spanish is Latin-1.
 */
export function pdfText(pdf: Buffer): string {
  const raw = pdf.toString('latin1');
  const lines: string[] = [];
  for (const [, stream] of raw.matchAll(/stream\r?\n([\s\S]*?)endstream/g)) {
    let content: string;
    try {
      content = inflateSync(Buffer.from(stream, 'latin1')).toString('latin1');
    } catch {
      continue; // not a content stream (a font, an image)
    }
    for (const [, array] of content.matchAll(/\[([^\]]*)\]\s*TJ/g)) {
      const hex = [...array.matchAll(/<([0-9a-fA-F]*)>/g)].map((match) => match[1]).join('');
      lines.push(Buffer.from(hex, 'hex').toString('latin1'));
    }
  }
  return lines.join('\n');
}
