/**
 * Kernel configuration for the index: which configuration a tree builds with (its .config,
 * or the architecture's defconfig resolved through its Kconfig files), how it decides cpp
 * conditions, and which sources its Makefiles build. Files are read through the caller's reader.
 */
export { loadKernelConfig, namedConfigFiles, describeConfig, type KernelConfig, type ConfigValue, type ConfigSource, type UndecidedSymbol, type LoadOptions, type Reader } from './configuration';
export { evaluateCondition, evaluateDirective, isMacroDefined, configMacro, type CppHost, type ConfigMacro } from './cpp-condition';
export { selectKbuild, kbuildStatus, forcedIncludesIn, type KbuildSelection, type KbuildOptions, type BuiltFile } from './kbuild';
export { LINUX_KBUILD, XEN_KBUILD, type BuildLayout, type BuildRole } from './kbuild-layouts';
export type { MakeLine } from './make-eval';
export { GCC_X86_64, type ToolchainAssumption } from './toolchain';
export { parseDotConfig, type DotConfig, type DotConfigEntry } from './dotconfig';
