#!/usr/bin/env node
// parse.mjs checks BigQuery SQL offline: BigQuery itself cannot be reached
// from our machines, so the compiler's golden files are parsed here with
// sql-parser-cst in its BigQuery dialect, named parameters (@name) allowed.
//
//   node scripts/sqlcheck/parse.mjs FILE...
//
// Each file must hold exactly one statement, as a compiled query does (a
// trailing semicolon and comments are fine). Exits 1 naming the file, line
// and column of the first syntax error in each failing file; 2 on misuse.
//
// Known gap: sql-parser-cst 0.42 accepts NULLS FIRST|LAST only in its SQLite
// and PostgreSQL dialects, though BigQuery's ORDER BY takes it (the compiler
// writes it so that both engines sort NULLs alike). After ASC or DESC it is
// blanked out before parsing, space for space, so reported positions stay
// right. Drop nullOrdering when the parser learns it.
import { readFileSync } from "node:fs";
import { FormattedSyntaxError, parse } from "sql-parser-cst";

const files = process.argv.slice(2);
if (files.length === 0) {
  console.error("usage: node scripts/sqlcheck/parse.mjs FILE...");
  process.exit(2);
}

let failed = 0;
for (const file of files) {
  const problem = check(file);
  if (problem) {
    console.error(problem);
    failed++;
  }
}
process.exit(failed === 0 ? 0 : 1);

// check returns a message naming the file when it does not hold exactly one
// BigQuery statement that parses, or "".
function check(file) {
  let sql;
  try {
    sql = readFileSync(file, "utf8");
  } catch (err) {
    return `${file}: ${err.message}`;
  }
  const masked = nullOrdering(sql);
  let cst;
  try {
    cst = parse(masked, {
      dialect: "bigquery",
      paramTypes: ["@name"],
      includeSpaces: true,
      includeNewlines: true,
      includeComments: true,
      includeRange: true,
      filename: file,
    });
  } catch (err) {
    // A syntax error's message already says "--> FILE:LINE:COL" and shows
    // the line; anything else is the parser's own failure, worth its stack.
    if (err instanceof FormattedSyntaxError) {
      return `${file}: ${unmask(err.message, sql, masked)}`;
    }
    return `${file}: the parser failed: ${err && err.stack ? err.stack : err}`;
  }
  const statements = cst.statements.filter((s) => s.type !== "empty");
  if (statements.length !== 1) {
    const where = statements.length > 1 ? ` (the second starts at ${position(sql, statements[1].range[0])})` : "";
    return `${file}: holds ${statements.length} statements, want exactly one${where}`;
  }
  return "";
}

// nullOrdering blanks "NULLS FIRST|LAST" after ASC or DESC, keeping every
// other character where it was.
function nullOrdering(sql) {
  return sql.replace(/\b(ASC|DESC)(\s+NULLS\s+(?:FIRST|LAST))\b/gi, (_, dir, rest) => dir + rest.replace(/\S/g, " "));
}

// unmask shows the error's source line as written, not as blanked out.
function unmask(message, sql, masked) {
  const m = /^--> .*:(\d+):\d+$/m.exec(message);
  if (!m) {
    return message;
  }
  const nr = Number(m[1]);
  const lines = (text) => text.split(/\r\n|\n|\r/);
  const shown = lines(masked)[nr - 1];
  const original = lines(sql)[nr - 1];
  if (shown === undefined || shown === original) {
    return message;
  }
  return message.replace(`${nr} | ${shown}`, `${nr} | ${original}`);
}

// position turns a character offset into "line:column", both 1-based.
function position(sql, offset) {
  const before = sql.slice(0, offset).split(/\r\n|\n|\r/);
  return `${before.length}:${before[before.length - 1].length + 1}`;
}
