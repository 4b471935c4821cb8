/**
 * `npm run bench -- NAME` runs `bench/NAME.ts`. Each benchmark prints, as its last line, one JSON object:
 * {"bench": NAME, "value": …, "unit": "…", "baseline": …, "ratio": …, "notes": "…"} (DESIGN.md, "Benchmarks").
 */
import fs from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';

const name = process.argv[2];
const folder = fileURLToPath(new URL('.', import.meta.url));
const available = fs
  .readdirSync(folder)
  .filter((file) => file.endsWith('.ts') && file !== 'run.ts' && !file.startsWith('_'))
  .map((file) => file.slice(0, -3))
  .sort();

if (!name || !/^[a-z][a-z0-9-]*$/.test(name) || !available.includes(name)) {
  console.error(`usage: npm run bench -- NAME   (one of: ${available.join(', ') || 'none yet'})`);
  process.exit(2);
}
// A benchmark either exports main(args) or does its work when imported.
const module = (await import(pathToFileURL(`${folder}${name}.ts`).href)) as {
  main?: (args: string[]) => Promise<void>;
};
if (typeof module.main === 'function') await module.main(process.argv.slice(3));
