/**
 * tree-sitter grammar for GNU as (x86 / x86-64, AT&T syntax) after the C preprocessor:
 * the `.S` files of Xen/Linux boot code.
 *
 * Written for the tree-sitter 0.20 generator (ABI 14): no `reserved`, regex flags are ignored.
 * The node names are a contract with the analysis engine (see README.md); do not rename.
 *
 * Design in one paragraph: a file is a flat list of statements separated by newlines or `;`.
 * Labels are items of their own, so `1: lodsb; test %al,%al` is label, instruction, `;`,
 * instruction. Preprocessor lines are flat too (one node per line, never nested blocks), because
 * `#if` in assembly wraps arbitrary statements and even halves of `.macro` bodies; the same goes for
 * `.if`/`.rept`/`.macro`, which are plain `directive`s. Whitespace, comments and backslash-newline
 * splices are extras; a newline is a real token (the statement terminator).
 */

// GNU as operator precedence (binutils gas/expr.c `op_rank`), NOT C's: `|`/`&`/`^`/`!` bind
// tighter than `+`/`-`, and the shifts are as tight as `*`. gas evaluates these expressions
// (cpp only substitutes), so the tree follows gas.
const PREC = {
  logical_or: 1, // ||
  logical_and: 2, // &&
  comparison: 3, // == != <> < > <= >=
  additive: 4, // + -
  bitwise: 6, // | & ^ ! (infix `!` is "or not")
  multiplicative: 7, // * / % << >>
  unary: 8, // - ~ ! (and unary +)
};

// Lexical precedences. Higher wins when two tokens match the same text in one parse state
// (the comment token has 0).
const LEX = {
  symbol: 0,
  preproc_arg: 1, // `#define S(x) #x`: a body starting with `#` is not a `# comment`
  directive: 2, // `.text` at statement start is a directive, in an argument a symbol
  local_label: 3, // `.Lfoo` is never a directive
  preproc: 4, // `#define` beats the `# comment` token
};

// Pieces of identifiers inside `.macro` bodies: `\arg`, `\()` (the empty separator) and `\@` (counter).
const MACRO_ESC = String.raw`\\([A-Za-z_][A-Za-z0-9_]*|\(\)|@)`;
const ID_CONT = String.raw`([A-Za-z0-9_.]|${MACRO_ESC})*`;

const commaSep1 = (rule) => seq(rule, repeat(seq(',', rule)));

// `#` + optional blanks + keyword, as one token that outranks the `# comment` token.
const pp = (...kws) => token(prec(LEX.preproc, seq('#', /[ \t]*/, choice(...kws))));

module.exports = grammar({
  name: 'gas',

  // A newline is not an extra: it terminates statements. `\` + newline is a line splice (cpp).
  extras: $ => [/[ \t\f\v\r]/, /\\[ \t]*\r?\n/, $.comment],

  word: $ => $.symbol,

  // Resolved at run time by the GLR parser (with the prec.dynamic values below).
  conflicts: $ => [
    // `foo(` in an operand: call_expression `foo(x)` or displacement of memory `foo(%rax)`.
    [$._expression, $.call_expression],
    // Inside an argument list `mov x` can be an instruction (as in `__stringify(mov x, %rax)`),
    // and `mov (%rax)` / `f(x)` can follow.
    [$._expression, $._mnemonic],
    [$._expression, $._mnemonic, $.call_expression],
    // `.macro m arg:req` against an ld output section with an address `.text ADDR :`
    [$._expression, $.macro_parameter],
  ],

  rules: {
    // (the optional tail: the last line may lack its newline)
    source_file: $ => seq(repeat($._item), optional(choice($._statement, $._preproc))),

    _item: $ => choice(
      $.label,
      seq(optional($._statement), $._terminator),
      seq($._preproc, $._newline), // the newline stays outside the preproc node
      $._linker_item,
      seq($._statement, $.linker_block_open), // ld: `SECTIONS {`, `DECL_SECTION(.text) {`
    ),

    _terminator: $ => choice($._newline, ';'),
    _newline: $ => '\n',

    _statement: $ => choice(
      $.instruction,
      $.directive,
      $.macro_invocation,
      $.assignment,
    ),

    // ---- labels ------------------------------------------------------------------------------
    label: $ => seq(
      field('name', choice(
        $.symbol,
        $.local_label,
        alias($.number, $.numeric_label),
        $.macro_argument, // `\name:` inside a .macro body
      )),
      ':',
    ),

    // ---- instructions --------------------------------------------------------------------------
    // A bare identifier statement is an instruction: the mnemonic may be an asm macro (`SAVE_ALL`,
    // `ALTERNATIVE "", "jmp foo", X86_FEATURE_X`, `SAVE_ALL compat=1`); we cannot know.
    instruction: $ => choice(
      seq(
        repeat(field('prefix', $.prefix)), // `lock`, `rep`, `addr32 es rep` (several are legal)
        field('mnemonic', $._mnemonic),
        optional($._operands),
      ),
      // `rep;`, `lock;` with the instruction on the next statement
      field('mnemonic', alias($.prefix, $.mnemonic)),
    ),

    prefix: $ => choice(
      'lock', 'rep', 'repe', 'repz', 'repne', 'repnz',
      'data16', 'data32', 'addr16', 'addr32', 'rex', 'rex64', 'notrack',
      'xacquire', 'xrelease', 'bnd',
      'cs', 'ds', 'es', 'fs', 'gs', 'ss',
    ),

    // the mnemonic is any identifier (`movq`, `lretq`, an asm macro name, `\insn` in a .macro)
    _mnemonic: $ => choice(alias($.symbol, $.mnemonic), alias($.macro_argument, $.mnemonic)),

    // right-assoc: inside a macro argument list an instruction takes all following commas.
    // Arguments of asm macros may also be blank-separated (`RESTORE_ALL adj=8 compat=1`,
    // `idtentry X86_TRAP_DE asm_exc_de exc_de`); only operands that cannot continue the previous
    // expression may follow a blank, so `a -1` stays a subtraction.
    _operands: $ => prec.right(seq(
      $.operand,
      repeat(choice(seq(',', $.operand), alias($._blank_operand, $.operand))),
    )),

    _blank_operand: $ => choice(
      $.assignment,
      $.register,
      $.symbol,
      $.local_label,
      $.number,
      $.numeric_label_ref,
      $.macro_argument,
      $.string,
    ),

    operand: $ => choice(
      $.register,
      $.immediate,
      $.memory,
      $.indirect,
      $._expression,
      $.assignment, // asm macro keyword argument: `SAVE_ALL compat=1`
    ),

    // %rax, %cr4, %st(1), %\reg inside .macro bodies, and %R(ax) built by a cpp macro
    register: $ => token(seq(
      new RegExp(`%([A-Za-z_][A-Za-z0-9_]*|${MACRO_ESC})${ID_CONT}`),
      optional(token.immediate(/\([^()\n]*\)/)),
    )),

    immediate: $ => seq('$', $._expression),

    // segment:disp(base,index,scale); every part optional, `(,%rcx,8)` included.
    // prec.dynamic: `X(%rax)` is memory (3), not a call (1) of a macro X with a register argument;
    // `%es:X(%bx)` is disp X + base (3), not segment (1) + call (1).
    memory: $ => choice(
      prec.dynamic(1, seq(field('segment', $.register), ':', field('displacement', $._expression))),
      prec.dynamic(3, seq(
        optional(seq(field('segment', $.register), ':')),
        optional(field('displacement', $._expression)),
        '(',
        optional(field('base', $.register)),
        optional(seq(
          ',',
          optional(field('index', $.register)),
          optional(seq(',', optional(field('scale', $._expression)))),
        )),
        ')',
      )),
      // A register hidden behind a cpp macro: `4(ptr_reg)` with `#define ptr_reg %rdi`. Only after
      // a displacement (else `(x)` is a parenthesised expression), and a call `f(x)` wins over it.
      prec.dynamic(-1, seq(
        optional(seq(field('segment', $.register), ':')),
        field('displacement', $._expression),
        '(',
        field('base', choice($.symbol, $.macro_argument)),
        optional(seq(
          ',',
          optional(field('index', choice($.register, $.symbol, $.macro_argument))),
          optional(seq(',', optional(field('scale', $._expression)))),
        )),
        ')',
      )),
    ),

    indirect: $ => seq('*', choice($.register, $.memory, $._expression)),

    // ---- directives ----------------------------------------------------------------------------
    directive: $ => seq(
      field('name', $.directive_name),
      optional($._directive_arguments),
    ),

    // (dots allowed: no gas directive has one, and ld scripts start lines with `.init.text :`)
    directive_name: $ => token(prec(LEX.directive, /\.[A-Za-z_][A-Za-z0-9_.]*/)),

    // Arguments are separated by commas or blanks (`.macro m a b`, `.loc 1 2`); empty slots
    // (`.p2align 4,,15`) keep their commas as anonymous children so positions can be recovered.
    _directive_arguments: $ => choice(
      seq($._directive_argument, repeat(choice(',', $._directive_argument))),
      seq(',', repeat(choice(',', $._directive_argument))),
    ),

    _directive_argument: $ => choice(
      $._expression,
      $.register, // `.cfi_offset %rbp, -16`, `%progbits`
      $.type_ref,
      $.macro_parameter,
    ),

    // `.macro name arg:req, args:vararg, flag=0` (plain `arg` stays a symbol)
    macro_parameter: $ => seq(
      field('name', $.symbol),
      choice(
        seq(':', field('qualifier', $.symbol), optional(seq('=', field('default', $._expression)))),
        seq('=', field('default', $._expression)),
      ),
    ),

    type_ref: $ => /@[A-Za-z_][A-Za-z0-9_]*/,

    // ---- macro invocations --------------------------------------------------------------------
    // `ENTRY(start)`, `_ASM_EXTABLE(1b, 2b)`, `GET_CURRENT(%rbx)`: the `(` must touch the name;
    // `incl (%rax)` (with a blank) is an instruction with a memory operand.
    // Operands may follow when the macro expands to a mnemonic: `_(kmov) %k1, DATA(out)`.
    macro_invocation: $ => seq(
      field('name', $.symbol),
      field('arguments', alias($._statement_argument_list, $.argument_list)),
      optional($._operands),
    ),

    _statement_argument_list: $ => seq(
      token.immediate(prec(1, '(')),
      optional($._arguments),
      ')',
    ),

    argument_list: $ => seq('(', optional($._arguments), ')'),

    // Comma separated, empty slots allowed; `;` separates instructions in `STR(rep movsb; RET)`.
    // cpp collects macro arguments across lines, so a newline may follow a separator.
    _arguments: $ => choice(
      seq($._argument, repeat(seq($._argument_separator, optional($._argument)))),
      repeat1(seq($._argument_separator, optional($._argument))),
    ),
    _argument_separator: $ => seq(choice(',', ';'), repeat($._newline)),

    _argument: $ => choice(
      $._expression,
      $.register,
      $.immediate,
      $.memory,
      $.indirect,
      $.assignment,
      $.type_ref,
      // an instruction passed to a macro: `__stringify(mov VCPU_domain(%rbx), %rax)`
      alias($._argument_instruction, $.instruction),
      seq($.symbol, ':', $._expression), // ld: `OUTPUT_ARCH(i386:x86-64)`
      alias($.prefix, $.symbol), // `VIRTUAL(data16)`: a prefix word is a keyword here
    ),

    _argument_instruction: $ => prec.dynamic(-1, choice(
      seq(repeat1(field('prefix', $.prefix)), field('mnemonic', $._mnemonic), optional($._operands)),
      seq(field('mnemonic', $._mnemonic), $._operands),
    )),

    // `sym = expr`, `. = . + 4`, and keyword arguments of asm macros `compat=1`
    // (the compound operators only occur in ld scripts: `VIRT_START &= 0;`)
    assignment: $ => prec.right(seq(
      field('name', choice($.symbol, $.location_counter, $.macro_argument)),
      choice('=', '+=', '-=', '*=', '/=', '<<=', '>>=', '&=', '|='),
      field('value', optional(choice($._expression, $.register))), // `base=%rsp`
    )),

    // ---- expressions ---------------------------------------------------------------------------
    _expression: $ => choice(
      $.symbol,
      $.local_label,
      $.number,
      $.numeric_label_ref,
      $.string,
      $.char,
      $.macro_argument,
      $.location_counter,
      $.binary_expression,
      $.unary_expression,
      $.parenthesized_expression,
      $.call_expression,
    ),

    binary_expression: $ => {
      const table = [
        [PREC.logical_or, '||'],
        [PREC.logical_and, '&&'],
        [PREC.comparison, choice('==', '!=', '<>', '<', '>', '<=', '>=')],
        [PREC.additive, choice('+', '-')],
        [PREC.bitwise, choice('|', '&', '^', '!')],
        [PREC.multiplicative, choice('*', '/', '%', '<<', '>>')],
      ];
      return choice(...table.map(([p, op]) => prec.left(p, seq(
        field('left', $._expression),
        field('operator', op),
        field('right', $._expression),
      ))));
    },

    unary_expression: $ => prec(PREC.unary, seq(
      field('operator', choice('-', '+', '~', '!')),
      field('argument', $._expression),
    )),

    parenthesized_expression: $ => seq('(', $._expression, ')'),

    // a cpp macro used as a function: `sym_offs(idt)`, `MB2_HT(END)`, `__stringify(...)`
    // No static precedence: `X(%rax)` must stay ambiguous until the GLR parser sees the `%`.
    // The dynamic one makes `.long F(x), y` a call rather than two blank-separated arguments.
    call_expression: $ => prec.dynamic(1, seq(
      field('function', $.symbol),
      field('arguments', $.argument_list),
    )),

    // (a relocation suffix is part of the symbol: `call foo@PLT`, `foo@GOTPCREL(%rip)`)
    symbol: $ => token(prec(LEX.symbol, new RegExp(`[A-Za-z_.]${ID_CONT}(@[A-Za-z_][A-Za-z0-9_]*)?`))),
    local_label: $ => token(prec(LEX.local_label, new RegExp(`\\.L${ID_CONT}`))),
    macro_argument: $ => token(new RegExp(`${MACRO_ESC}${ID_CONT}`)),
    location_counter: $ => '.',

    // decimal, 0x hex, 0b binary, octal, C suffixes (`1UL`); anything else glued to the digits is
    // taken as well, like a cpp pp-number (`_v(pmov,2m)`), except `1b`/`1f` which are label refs.
    number: $ => token(choice(
      prec(2, /0[bB][01]+[uUlL]*/), // beats the `0b` label reference
      /0[xX][0-9a-fA-F]+[uUlL]*/,
      new RegExp(`[0-9]([A-Za-z0-9_]|${MACRO_ESC})*`), // also `0x\num` in a .macro body
    )),
    numeric_label_ref: $ => token(prec(1, /[0-9]+[bf]/)),

    string: $ => /"([^"\\\n]|\\(.|\n))*"/,
    char: $ => /'(\\[^\n]|[^\\\n'])'?/,

    // ---- GNU ld scripts ------------------------------------------------------------------------
    // `xen.lds.S` & co. share the `.S` suffix and go through cpp too. A flat subset (braces are
    // items of their own, like `#if`, because cpp branches open/close them unevenly) keeps them
    // parseable; assignments, `ENTRY(x)`, `ASSERT(...)`, `PHDRS` lines reuse the rules above.
    _linker_item: $ => choice(
      $.linker_section,
      $.input_section,
      $.linker_block_open,
      $.linker_block_close,
    ),

    // output section header: `.text :`, `.reloc ALIGN(4) :`, `/DISCARD/ :`, `.stab 0 :`
    linker_section: $ => prec.right(seq(
      field('name', choice(alias($.directive_name, $.symbol), alias('/DISCARD/', $.symbol))),
      optional(field('address', $._expression)),
      ':',
      repeat($.call_expression), // AT(...), ALIGN(...), SUBALIGN(...)
    )),

    linker_block_open: $ => '{',

    // `}`, `} :text = 0x9090`, `} PHDR(note) PHDR(text)`, `} > RAM`
    linker_block_close: $ => prec.right(seq(
      '}',
      repeat(choice(seq(':', $.symbol), seq('>', $.symbol), $.call_expression)),
      optional(seq('=', field('fill', $._expression))),
    )),

    // input section description: `*(.text .text.*)`, `*(SORT_BY_INIT_PRIORITY(.init_array.*))`
    input_section: $ => seq(
      field('file', alias('*', $.section_pattern)),
      '(',
      repeat(choice($.section_pattern, alias($._section_sort, $.call_expression))),
      ')',
    ),

    _section_sort: $ => seq(
      field('function', alias($.section_pattern, $.symbol)),
      field('arguments', alias($._section_sort_arguments, $.argument_list)),
    ),
    _section_sort_arguments: $ => seq('(', repeat($.section_pattern), ')'),

    section_pattern: $ => /[A-Za-z0-9_.*?\[\]-]+/,

    // ---- comments ------------------------------------------------------------------------------
    // `# text` is a comment (gas), unless `#` + keyword makes it a cpp line (tokens of higher prec).
    comment: $ => token(choice(
      seq('/*', /[^*]*\*+([^/*][^*]*\*+)*/, '/'),
      seq('//', /[^\n]*/),
      /#[^\n]*/,
    )),

    // ---- preprocessor (flat: one node per line) ------------------------------------------------
    _preproc: $ => choice(
      $.preproc_include,
      $.preproc_def,
      $.preproc_function_def,
      $.preproc_undef,
      $.preproc_if,
      $.preproc_ifdef,
      $.preproc_ifndef,
      $.preproc_elif,
      $.preproc_else,
      $.preproc_endif,
      $.preproc_directive,
    ),

    preproc_include: $ => seq(
      alias(pp('include', 'include_next'), '#include'),
      field('path', choice($.string, $.system_lib_string, $.symbol)),
    ),
    system_lib_string: $ => /<[^>\n]*>/,

    preproc_def: $ => seq(
      alias(pp('define'), '#define'),
      field('name', $.symbol),
      optional(field('value', $.preproc_arg)),
    ),

    preproc_function_def: $ => seq(
      alias(pp('define'), '#define'),
      field('name', $.symbol),
      field('parameters', $.preproc_params),
      optional(field('value', $.preproc_arg)),
    ),

    // the `(` touches the name: `#define f(x)` is function-like, `#define f (x)` is not
    preproc_params: $ => seq(
      token.immediate(prec(LEX.preproc_arg + 1, '(')),
      optional(commaSep1(choice($.symbol, '...'))),
      ')',
    ),

    preproc_undef: $ => seq(alias(pp('undef'), '#undef'), field('name', $.symbol)),

    preproc_if: $ => seq(alias(pp('if'), '#if'), field('condition', $.preproc_arg)),
    preproc_ifdef: $ => seq(alias(pp('ifdef'), '#ifdef'), field('name', $.symbol)),
    preproc_ifndef: $ => seq(alias(pp('ifndef'), '#ifndef'), field('name', $.symbol)),
    preproc_elif: $ => seq(
      alias(pp('elif', 'elifdef', 'elifndef'), '#elif'),
      field('condition', $.preproc_arg),
    ),
    preproc_else: $ => seq(alias(pp('else'), '#else')),
    preproc_endif: $ => seq(alias(pp('endif'), '#endif')),

    // #error, #warning, #line, #pragma, #ident, ...
    preproc_directive: $ => seq(
      field('directive', alias(
        pp('error', 'warning', 'line', 'pragma', 'ident', 'sccs', 'assert', 'unassert'),
        $.preproc_name,
      )),
      optional(field('argument', $.preproc_arg)),
    ),

    // Raw text to the end of the line, backslash-newline continuations included: non-blank
    // pieces with blanks/splices between them, so the token neither starts nor ends with blanks.
    // Block comments are kept only between pieces (`( 1260 /* sizeof x */ )`); a leading or
    // trailing comment, and a `//` comment, stays a `comment` node outside the value.
    preproc_arg: $ => {
      const piece = String.raw`([^\s\\/]|\/[^*/\n]|\\[^\s])`;
      const gap = String.raw`([ \t]|\\[ \t]*\r?\n)*`;
      const blockComment = String.raw`\/\*([^*]|\*+[^*/])*\*+\/`;
      return token(prec(LEX.preproc_arg,
        new RegExp(`${piece}(${gap}(${blockComment}${gap})*${piece})*`)));
    },
  },
});
