#!/usr/bin/env node
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { analyze } from './engine';
import { RULE_IDS } from './rules';
import { toJson, type JsonReport } from './report/json';
import { reportModel, type ReportModel } from './report/model';
import { toSarif } from './report/sarif';
import { toText } from './report/text';

const VERSION = '0.1.0';
const USAGE = `usage: trapline check [DIR] [--format text|json|sarif] [--output FILE] [--rule ID...] [--baseline FILE]

exit codes: 0 no warning or error, 1 warnings or errors found, 2 usage or I/O error`;

class UsageError extends Error {}

interface Args { dir: string; format: 'text' | 'json' | 'sarif'; output: string | null; rules: string[]; baseline: string | null }

function parseArgs(argv: string[]): Args {
  if (argv[0] !== 'check') throw new UsageError(argv[0] === undefined ? 'missing command (trapline check [DIR])' : `unknown command "${argv[0]}"`);
  const a: Args = { dir: '.', format: 'text', output: null, rules: [], baseline: null };
  let dirSet = false;
  for (let i = 1; i < argv.length; i++) {
    const x = argv[i];
    const value = (): string => { const v = argv[++i]; if (v === undefined) throw new UsageError(`${x} needs a value`); return v; };
    if (x === '--format') {
      const f = value();
      if (f !== 'text' && f !== 'json' && f !== 'sarif') throw new UsageError(`unknown format "${f}" (text, json, sarif)`);
      a.format = f;
    } else if (x === '--output' || x === '-o') a.output = value();
    else if (x === '--rule') {
      const r = value();
      for (const id of r.split(',')) { if (!RULE_IDS.includes(id)) throw new UsageError(`unknown rule "${id}" (known: ${RULE_IDS.join(', ')})`); a.rules.push(id); }
    } else if (x === '--baseline') a.baseline = value();
    else if (x.startsWith('-')) throw new UsageError(`unknown option "${x}"`);
    else if (!dirSet) { a.dir = x; dirSet = true; } else throw new UsageError(`unexpected argument "${x}"`);
  }
  return a;
}

async function main(argv: string[]): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) { process.stdout.write(`${USAGE}\n`); return 0; }
  if (argv.length === 0) { process.stderr.write(`${USAGE}\n`); return 2; }
  let args: Args;
  try { args = parseArgs(argv); } catch (e) {
    // one line, as compilers do: the usage is one --help away
    if (e instanceof UsageError) { process.stderr.write(`trapline: ${e.message}\n`); return 2; }
    throw e;
  }
  if (!existsSync(args.dir)) { process.stderr.write(`trapline: ${args.dir}: no such directory\n`); return 2; }
  if (!statSync(args.dir).isDirectory()) { process.stderr.write(`trapline: ${args.dir}: not a directory (trapline check takes the root of a source tree)\n`); return 2; }
  let baseline: Set<string> | null = null;
  if (args.baseline) {
    try {
      const b = JSON.parse(readFileSync(args.baseline, 'utf8')) as JsonReport;
      baseline = new Set(b.findings.map((f) => f.fingerprint));
    } catch (e) { process.stderr.write(`trapline: cannot read baseline ${args.baseline}: ${(e as Error).message}\n`); return 2; }
  }
  const a = await analyze(args.dir, { rules: args.rules });
  return print(reportModel(a), args, baseline);
}

/** The report, the stderr notes and the exit code, all from the model. */
function print(m: ReportModel, args: Args, baseline: Set<string> | null): number {
  for (const p of m.configProblems) process.stderr.write(`${p.range.file}:${p.range.line + 1}:${p.range.column + 1}: error: ${p.message}; using the defaults\n`);
  for (const s of m.stats.skipped) process.stderr.write(`trapline: skipped ${s.file}: ${s.reason}\n`);
  const findings = baseline ? m.findings.filter((f) => !baseline.has(f.fingerprint)) : m.findings;
  let out: string;
  if (args.format === 'json') out = JSON.stringify(toJson(m, findings), null, 2) + '\n';
  else if (args.format === 'sarif') out = JSON.stringify(toSarif(m, findings, VERSION), null, 2) + '\n';
  else out = toText(m, findings, baseline !== null);
  if (args.output) { try { writeFileSync(args.output, out); } catch (e) { process.stderr.write(`trapline: cannot write ${args.output}: ${(e as Error).message}\n`); return 2; } }
  else process.stdout.write(out);
  return findings.some((f) => f.severity === 'warning' || f.severity === 'error') ? 1 : 0;
}

main(process.argv.slice(2)).then((code) => { process.exitCode = code; }, (e: unknown) => {
  process.stderr.write(`trapline: ${e instanceof Error ? (process.env.TRAPLINE_DEBUG ? e.stack : e.message) : String(e)}\n`);
  process.exitCode = 2;
});
