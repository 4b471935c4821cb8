/**
 * A migration script's statements, split at each `;` that ends a statement: not one inside a
 * dollar-quoted body ($$ … $$ or $tag$ … $tag$), a quoted string or identifier, or a comment.
 */
export function splitMigrationScript(script: string): string[] {
  const statements: string[] = [];
  let start = 0;
  let i = 0;
  const skipTo = (end: string, from: number) => {
    const at = script.indexOf(end, from);
    return at === -1 ? script.length : at + end.length;
  };
  while (i < script.length) {
    const char = script[i]!;
    if (char === '-' && script[i + 1] === '-') i = skipTo('\n', i + 2);
    else if (char === '/' && script[i + 1] === '*') i = skipTo('*/', i + 2);
    else if (char === "'" || char === '"') i = skipQuoted(script, i, char);
    else if (char === '$') {
      const tag = /^\$[A-Za-z_]*\$/.exec(script.slice(i, i + 64))?.[0];
      i = tag ? skipTo(tag, i + tag.length) : i + 1;
    } else if (char === ';') {
      statements.push(script.slice(start, i));
      start = i += 1;
    } else i += 1;
  }
  statements.push(script.slice(start));
  return statements.map((s) => s.trim()).filter((s) => s.length > 0);
}

/** Past a quoted string or identifier; a doubled quote inside it is an escaped quote. */
function skipQuoted(script: string, from: number, quote: string): number {
  let i = from + 1;
  while (i < script.length) {
    if (script[i] === quote) {
      if (script[i + 1] === quote) i += 2;
      else return i + 1;
    } else i += 1;
  }
  return i;
}
