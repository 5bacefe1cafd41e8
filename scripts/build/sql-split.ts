/**
 * Splits SQL text into top-level statements, the way psql would: semicolons inside quoted strings,
 * quoted identifiers, dollar-quoted bodies and comments do not end a statement. Enough SQL lexing
 * for the build to find every `CREATE ... FUNCTION` of the hand-written sources (to replay them in
 * upgrade scripts) and to check generated text; it is not a parser.
 */

export interface SqlStatement {
  /** The statement's text from its first token to its terminating semicolon (included). */
  text: string;
  /** The statement with comments removed and whitespace collapsed, for matching its head. */
  head: string;
  /** 1-based line of the statement's first token. */
  line: number;
}

/** Reads a dollar-quote opening tag (`$$`, `$body$`) at `i`, or returns null. */
function dollarTag(sql: string, i: number): string | null {
  const match = /^\$([A-Za-z_\u0080-\uffff][A-Za-z_0-9\u0080-\uffff]*)?\$/.exec(sql.slice(i, i + 64));
  return match ? match[0] : null;
}

export function splitSqlStatements(sql: string): SqlStatement[] {
  const statements: SqlStatement[] = [];
  let start = -1; // index of the current statement's first token
  let head = '';
  let i = 0;
  const lineAt = (index: number) => sql.slice(0, index).split('\n').length;
  const begin = () => {
    if (start < 0) start = i;
  };
  while (i < sql.length) {
    const c = sql[i];
    const next = sql[i + 1];
    if (c === '-' && next === '-') {
      const end = sql.indexOf('\n', i);
      i = end < 0 ? sql.length : end + 1;
      head += ' ';
      continue;
    }
    if (c === '/' && next === '*') {
      // Block comments nest in PostgreSQL.
      let depth = 1;
      i += 2;
      while (i < sql.length && depth > 0) {
        if (sql[i] === '/' && sql[i + 1] === '*') (depth++, (i += 2));
        else if (sql[i] === '*' && sql[i + 1] === '/') (depth--, (i += 2));
        else i++;
      }
      if (depth > 0) throw new Error(`unterminated block comment starting at line ${lineAt(i)}`);
      head += ' ';
      continue;
    }
    if (c === "'" || c === '"') {
      begin();
      const from = i;
      // E'...' strings take backslash escapes.
      const escapes = c === "'" && i > 0 && /[eE]/.test(sql[i - 1]) && !/[A-Za-z0-9_]/.test(sql[i - 2] ?? '');
      i++;
      for (;;) {
        if (i >= sql.length) throw new Error(`unterminated ${c === "'" ? 'string' : 'quoted identifier'} starting at line ${lineAt(from)}`);
        if (escapes && sql[i] === '\\') i += 2;
        else if (sql[i] === c && sql[i + 1] === c) i += 2;
        else if (sql[i] === c) {
          i++;
          break;
        } else i++;
      }
      head += sql.slice(from, i);
      continue;
    }
    if (c === '$') {
      const tag = dollarTag(sql, i);
      // `$1` is a parameter, and a `$` inside an identifier (`a$b`) is no quote.
      if (tag && !/[A-Za-z0-9_]/.test(sql[i - 1] ?? '')) {
        begin();
        const end = sql.indexOf(tag, i + tag.length);
        if (end < 0) throw new Error(`unterminated dollar quote ${tag} starting at line ${lineAt(i)}`);
        i = end + tag.length;
        head += ` ${tag}...${tag} `;
        continue;
      }
    }
    if (c === ';') {
      if (start >= 0) {
        statements.push({ text: sql.slice(start, i + 1), head: head.replace(/\s+/g, ' ').trim(), line: lineAt(start) });
      }
      start = -1;
      head = '';
      i++;
      continue;
    }
    if (!/\s/.test(c)) begin();
    head += c;
    i++;
  }
  if (start >= 0 && sql.slice(start).trim() !== '') {
    throw new Error(`statement starting at line ${lineAt(start)} does not end with a semicolon`);
  }
  return statements;
}
