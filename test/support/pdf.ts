import { writeFile } from 'node:fs/promises';
import { createCanvas } from '@napi-rs/canvas';
import { getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs';

export interface RenderedPdf {
  pages: number;
  /** Each page's text as PDF.js extracts it (what a reader can select and search), lines as laid out. */
  text: string[];
  /** Page 1 rasterised at 1×: its size and how many pixels are ink and how many are each light's colour. */
  firstPage: { width: number; height: number; ink: number; red: number; green: number; png: Buffer };
}

/** Opens a PDF with PDF.js, reads the text of every page and rasterises page 1 on a Skia canvas. */
export async function renderPdf(bytes: Uint8Array): Promise<RenderedPdf> {
  const pdf = await getDocument({ data: new Uint8Array(bytes) }).promise;
  const text: string[] = [];
  for (let number = 1; number <= pdf.numPages; number += 1) {
    const content = await (await pdf.getPage(number)).getTextContent();
    text.push(
      content.items.map((item) => ('str' in item ? item.str + (item.hasEOL ? '\n' : '') : '')).join(''),
    );
  }
  const page = await pdf.getPage(1);
  const viewport = page.getViewport({ scale: 1 });
  const canvas = createCanvas(Math.ceil(viewport.width), Math.ceil(viewport.height));
  const context = canvas.getContext('2d');
  context.fillStyle = 'white';
  context.fillRect(0, 0, canvas.width, canvas.height);
  await page.render({ canvasContext: context as unknown as CanvasRenderingContext2D, viewport }).promise;
  const pixels = context.getImageData(0, 0, canvas.width, canvas.height).data;
  let ink = 0;
  let red = 0;
  let green = 0;
  for (let i = 0; i < pixels.length; i += 4) {
    const [r, g, b] = [pixels[i]!, pixels[i + 1]!, pixels[i + 2]!];
    if (r < 160 && g < 160 && b < 160) ink += 1;
    if (r > 170 && g < 70 && b < 70) red += 1;
    if (g > 100 && r < 80 && b < 80) green += 1;
  }
  const png = await canvas.encode('png');
  if (process.env.PDF_PAGE_PNG) await writeFile(process.env.PDF_PAGE_PNG, png);
  await pdf.destroy();
  return {
    pages: pdf.numPages,
    text,
    firstPage: { width: canvas.width, height: canvas.height, ink, red, green, png },
  };
}
