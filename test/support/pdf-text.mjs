// Prints the text of each page of the PDF read from stdin, as a JSON array of strings (one per page).
// A separate process because pdfjs-dist is ES modules only, which the test runner's CommonJS
// transform cannot load.
import { getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs';

const chunks = [];
for await (const chunk of process.stdin) chunks.push(chunk);
const pdf = await getDocument({ data: new Uint8Array(Buffer.concat(chunks)), useSystemFonts: false, verbosity: 0 }).promise;
const pages = [];
for (let n = 1; n <= pdf.numPages; n++) {
  const content = await (await pdf.getPage(n)).getTextContent();
  // Items are runs of text; a run that ends a line has hasEOL.
  pages.push(content.items.map((item) => ('str' in item ? item.str + (item.hasEOL ? '\n' : '') : '')).join(''));
}
const info = (await pdf.getMetadata()).info;
process.stdout.write(JSON.stringify({ pages, info }));
await pdf.destroy();
