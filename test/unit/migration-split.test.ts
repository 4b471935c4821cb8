import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { splitMigrationScript } from '../../prisma/split-script.ts';

const migrations = path.join(import.meta.dirname, '../../prisma/migrations');
const scripts = readdirSync(migrations, { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => ({
    name: entry.name,
    text: readFileSync(path.join(migrations, entry.name, 'migration.sql'), 'utf8'),
  }));
/** How @prisma/adapter-pg splits a script on its own. */
const atEverySemicolon = (script: string) => script.split(';');
/** The SQL that runs: line comments (which the adapter also cut at a ';') and empty pieces left out. */
const executed = (statements: string[]) =>
  statements.map((s) => s.replace(/--[^\n]*/g, '').trim()).filter((s) => s.length > 0);

describe('migration scripts split into statements', () => {
  it('keeps a function body in one piece', () => {
    const body = `CREATE FUNCTION f() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.a := 1; -- a comment; with a semicolon
  RETURN NEW;
END $$`;
    const tagged = `CREATE FUNCTION g() RETURNS int LANGUAGE plpgsql AS $body$ BEGIN RETURN 1; END $body$`;
    expect(
      splitMigrationScript(
        `${body};\nCREATE TRIGGER t BEFORE UPDATE ON "X" FOR EACH ROW EXECUTE FUNCTION f();\n${tagged};`,
      ),
    ).toEqual([body, 'CREATE TRIGGER t BEFORE UPDATE ON "X" FOR EACH ROW EXECUTE FUNCTION f()', tagged]);
  });

  it("ignores a ';' in a string, a quoted name or a comment", () => {
    expect(
      splitMigrationScript(`-- first; step\nCOMMENT ON TABLE "a;b" IS 'it''s; here';/* x; */ SELECT 1;`),
    ).toEqual([`-- first; step\nCOMMENT ON TABLE "a;b" IS 'it''s; here'`, '/* x; */ SELECT 1']);
  });

  it('runs the same SQL as the adapter did for every migration without a function body', () => {
    const plain = scripts.filter((s) => !s.text.includes('$$'));
    expect(plain.length).toBeGreaterThan(20);
    for (const script of plain)
      expect(executed(splitMigrationScript(script.text)), script.name).toEqual(
        executed(atEverySemicolon(script.text)),
      );
  });

  it('gives the citizen-view migration its functions whole', () => {
    const script = scripts.find((s) => s.name.endsWith('_complaint_citizen_view'))!;
    const statements = splitMigrationScript(script.text);
    const functions = statements.filter((s) => s.includes('CREATE FUNCTION'));
    expect(functions).toHaveLength(6);
    for (const fn of functions) expect(fn.trimEnd()).toMatch(/END \$\$$/);
    expect(statements.filter((s) => s.includes('CREATE TRIGGER'))).toHaveLength(8);
  });
});
