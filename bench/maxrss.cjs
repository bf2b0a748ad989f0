// Preloaded (node --require) into a CLI run when /usr/bin/time is missing: prints the process's
// peak RSS (kB) on stderr at exit, for bench/run.mjs.
process.on('exit', () => { require('node:fs').writeSync(2, `\nTRAPLINE_BENCH_MAXRSS_KB ${process.resourceUsage().maxRSS}\n`); });
