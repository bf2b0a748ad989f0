/**
 * The limits of one walk: call depth, nesting, asm budget, call sites, unresolved targets, the clock.
 */


export const MAX_DEPTH = 48;

/** Statement and expression nesting the walker follows; deeper code (generated, or hostile) is skipped as opaque. */
export const MAX_NESTING = 200;

/** Unresolved call targets kept per path, and call sites: caps against generated code. */
export const MAX_UNRESOLVED = 64;

export const MAX_CALLS = 100000;

/** Assembler statements one walk of a unit follows. */
export const ASM_BUDGET = 20000;

/** C calls and assembler statements between two looks at the clock. */
export const CLOCK_EVERY = 256;

/** How the time limit's note begins (`time limit 10 s`). */
export const TIME_LIMIT = 'time limit';

/** TRAPLINE_TRACE=1: every assembler statement walked and every gate write, on stderr (read once: `process.env` is slow to ask). */
export const TRACE = process.env.TRAPLINE_TRACE !== undefined;
