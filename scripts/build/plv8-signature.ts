/**
 * Cross-checks the plv8 manifest (`extension-src/plv8.ts`) against the real TypeScript signatures
 * of the functions exported by the engine's SQL entry module, with the TypeScript compiler API.
 * A manifest that names a missing export, the wrong number or names of parameters, or a SQL type
 * that plv8 would not convert to the parameter's TypeScript type fails the build, with a message
 * that says which side to change.
 */
import path from 'node:path';
import ts from 'typescript';
import type { Plv8Function, Plv8SqlType } from '../../extension-src/plv8.ts';

/** Which SQL types a TypeScript type may cross the plv8 boundary as (DESIGN.md section 2). */
function sqlTypesFor(type: ts.Type, checker: ts.TypeChecker): Set<Plv8SqlType> {
  const flags = type.getFlags();
  const jsonb = new Set<Plv8SqlType>(['jsonb']);
  if (flags & (ts.TypeFlags.Unknown | ts.TypeFlags.Any)) return jsonb;
  if (type.isUnion()) {
    // `T | null | undefined`: SQL NULL is null both ways, so only the non-null part matters.
    const parts = type.types.filter((t) => !(t.getFlags() & (ts.TypeFlags.Null | ts.TypeFlags.Undefined | ts.TypeFlags.Void)));
    if (parts.length === 0) return jsonb;
    const sets = parts.map((t) => sqlTypesFor(t, checker));
    // Only a SQL type every member maps to will do (a string | number union is jsonb only).
    const common = new Set([...sets[0]].filter((sqlType) => sets.every((set) => set.has(sqlType))));
    return common.size > 0 ? common : jsonb;
  }
  // Scalars map to scalars only: a string declared jsonb would arrive parsed (or, returned, be
  // stored as a jsonb string rather than parsed), which is never what the manifest means.
  if (flags & ts.TypeFlags.StringLike) return new Set(['text']);
  if (flags & ts.TypeFlags.NumberLike) return new Set(['int', 'float8', 'numeric']);
  if (flags & ts.TypeFlags.BooleanLike) return new Set(['boolean']);
  if (flags & (ts.TypeFlags.Object | ts.TypeFlags.NonPrimitive | ts.TypeFlags.Intersection)) {
    // Objects, arrays, tuples, records: all travel as jsonb. A Date or a function does not.
    const name = checker.typeToString(type);
    if (name === 'Date' || type.getCallSignatures().length > 0) return new Set();
    // An array of strings (numbers) may also be a SQL text[] (float8[]): plv8 converts JS arrays to SQL arrays.
    if (checker.isArrayType(type)) {
      const [element] = checker.getTypeArguments(type as ts.TypeReference);
      // Elements may be null too: plv8 converts SQL NULL elements to null and back.
      const parts = element?.isUnion() ? element.types : element ? [element] : [];
      const values = parts.filter((t) => !(t.getFlags() & (ts.TypeFlags.Null | ts.TypeFlags.Undefined)));
      if (values.length > 0 && values.every((t) => t.getFlags() & ts.TypeFlags.StringLike)) return new Set<Plv8SqlType>(['jsonb', 'text[]']);
      if (values.length > 0 && values.every((t) => t.getFlags() & ts.TypeFlags.NumberLike)) return new Set<Plv8SqlType>(['jsonb', 'float8[]']);
    }
    return jsonb;
  }
  return new Set(); // bigint, symbol, never, void...: nothing plv8 converts faithfully
}

export interface SignatureProblem {
  entry: string;
  message: string;
}

export function checkPlv8Signatures(entryFile: string, manifest: readonly Plv8Function[]): SignatureProblem[] {
  const program = ts.createProgram([entryFile], {
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    allowImportingTsExtensions: true,
    noEmit: true,
    strict: true,
    skipLibCheck: true,
    types: [],
  });
  const checker = program.getTypeChecker();
  const shown = path.relative(process.cwd(), entryFile) || entryFile;
  const source = program.getSourceFile(entryFile);
  if (!source) return [{ entry: '*', message: `cannot read ${shown}` }];
  const moduleSymbol = checker.getSymbolAtLocation(source);
  if (!moduleSymbol) return [{ entry: '*', message: `${shown} exports nothing` }];
  const exports = new Map(checker.getExportsOfModule(moduleSymbol).map((s) => [s.getName(), s]));
  const problems: SignatureProblem[] = [];

  for (const fn of manifest) {
    const problem = (message: string) => problems.push({ entry: fn.entry, message: `${fn.sqlName} -> ${fn.entry}: ${message}` });
    let symbol = exports.get(fn.entry);
    if (!symbol) {
      problem(`${shown} has no export named ${fn.entry} (exports: ${[...exports.keys()].join(', ') || 'none'})`);
      continue;
    }
    if (symbol.flags & ts.SymbolFlags.Alias) symbol = checker.getAliasedSymbol(symbol);
    const type = checker.getTypeOfSymbolAtLocation(symbol, source);
    const signatures = type.getCallSignatures();
    if (signatures.length !== 1) {
      problem(signatures.length === 0 ? 'is not a function' : 'has overloads; a plv8 entry needs exactly one signature');
      continue;
    }
    const signature = signatures[0];
    const allParams = signature.getParameters();
    // zoneRules: a last parameter the generated body fills (plv8.ts), not a SQL argument.
    const zoneRulesParam = fn.zoneRules ? allParams[allParams.length - 1] : undefined;
    if (fn.zoneRules && zoneRulesParam?.getName() !== 'zoneRules') {
      problem(`the manifest says zoneRules, so the function's last parameter must be zoneRules: ZoneRules (it is ${zoneRulesParam?.getName() ?? 'missing'})`);
      continue;
    }
    const params = fn.zoneRules ? allParams.slice(0, -1) : allParams;
    if (params.length !== fn.args.length) {
      problem(
        `the manifest lists ${fn.args.length} argument(s) (${fn.args.map((a) => a.name).join(', ')}) but the function takes ` +
          `${params.length} (${params.map((p) => p.getName()).join(', ')})`,
      );
      continue;
    }
    params.forEach((param, index) => {
      const arg = fn.args[index];
      if (param.getName() !== arg.name) {
        problem(`argument ${index + 1} is named ${arg.name} in the manifest but ${param.getName()} in TypeScript`);
      }
      const paramType = checker.getTypeOfSymbolAtLocation(param, source);
      const allowed = sqlTypesFor(paramType, checker);
      if (!allowed.has(arg.sqlType)) {
        problem(
          `argument ${arg.name} is ${arg.sqlType} in the manifest but ${checker.typeToString(paramType)} in TypeScript ` +
            `(maps to: ${[...allowed].join(' | ') || 'no SQL type plv8 converts faithfully'})`,
        );
      }
    });
    const returnType = signature.getReturnType();
    const allowedReturn = sqlTypesFor(returnType, checker);
    if (!allowedReturn.has(fn.returns)) {
      problem(
        `returns ${fn.returns} in the manifest but ${checker.typeToString(returnType)} in TypeScript ` +
          `(maps to: ${[...allowedReturn].join(' | ') || 'no SQL type plv8 converts faithfully'})`,
      );
    }
  }
  return problems;
}
