// Preloaded (node --require) into a CLI or server run: once the directory of $TRAPLINE_TEST_FIFO
// has been listed, that file is replaced by a FIFO, so that it is a regular file when listed and a
// FIFO when read (the race of a tree changing under the analysis, made certain).
const fs = require('node:fs');
const path = require('node:path');
const { execFileSync } = require('node:child_process');

const target = process.env.TRAPLINE_TEST_FIFO;
const listDir = fs.readdirSync;
let done = false;
fs.readdirSync = function readdirThenSwap(dir, ...rest) {
  const entries = listDir.call(this, dir, ...rest);
  if (!done && target && path.resolve(String(dir)) === path.dirname(target)) {
    done = true;
    fs.unlinkSync(target);
    execFileSync('mkfifo', [target]);
  }
  return entries;
};
