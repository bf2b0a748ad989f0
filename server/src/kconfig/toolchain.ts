/**
 * What Kconfig would learn from running the toolchain. We never run a command from the tree:
 * a `$(shell,...)` is answered by an assumption the caller chooses, or left undecided.
 */
export interface ToolchainAssumption {
  /** Named in the description of the configuration, e.g. "GCC on x86-64". */
  readonly name: string;
  /** What the assumption decides, one line each, for reports. */
  readonly facts: readonly string[];
  /** The output of a shell command (markers of other undecided values rendered in it), or undefined: undecided. */
  shell(command: string): string | undefined;
}

// `$(success,CMD)` / `$(if-success,CMD,A,B)` of scripts/Kconfig.include reach the shell as this.
const IF_SUCCESS = /^\{ ([\s\S]*); \} >\/dev\/null 2>&1 && echo "([^"]*)" \|\| echo "([^"]*)"$/;

interface StatusRule { test: RegExp; succeeds: boolean }
interface OutputRule { test: RegExp; output: string }

/** Kconfig asks the identity of the tools with these commands; versions and feature probes stay undecided. */
const GCC_STATUS: StatusRule[] = [
  { test: /\|\s*grep -q\s+"?gcc"?\s*$/, succeeds: true },
  { test: /\|\s*grep -q\s+"?clang"?\s*$/, succeeds: false },
  { test: /\|\s*grep -q\s+"?\^?LLD"?\s*$/, succeeds: false },
  { test: /\|\s*grep -q\s+"?\^?GNU ld"?\s*$/, succeeds: true },
  { test: /\|\s*grep -q\s+"?gold"?\s*$/, succeeds: false },
  { test: /^\s*command -v\s/, succeeds: true },
];
const GCC_OUTPUT: OutputRule[] = [
  { test: /\/clang-version\.sh\b/, output: '0' },
  { test: /\/lld-version\.sh\b/, output: '0' },
];

export const GCC_X86_64: ToolchainAssumption = {
  name: 'GCC on x86-64',
  facts: [
    'the compiler is GCC: a test of its --version text for "gcc" succeeds, for "clang" fails; clang-version.sh prints 0',
    'the linker is GNU ld: a test for "GNU ld" succeeds, for "LLD" or "gold" fails; lld-version.sh prints 0',
    'the compiler and the linker exist (command -v succeeds)',
    'not assumed, left undecided: compiler and linker versions, $(cc-option)/$(as-instr)/$(ld-option) probes, other scripts',
  ],
  shell(command: string): string | undefined {
    const s = IF_SUCCESS.exec(command);
    if (s) {
      const rule = GCC_STATUS.find((r) => r.test.test(s[1]));
      return rule ? (rule.succeeds ? s[2] : s[3]) : undefined;
    }
    return GCC_OUTPUT.find((r) => r.test.test(command))?.output;
  },
};
