/**
 * What the build systems do that their Makefiles do not say where we read them: which top
 * Makefile variables name what the image links, which per-directory lists build objects, and
 * how an object name maps to its source. Data, one record per build system.
 */
export type BuildRole = 'built-in' | 'module' | 'lib' | 'extra' | 'subdir';

export interface BuildLayout {
  readonly name: string;
  /** Folder of the top Makefile, relative to the workspace root ('' for Linux, 'xen' for Xen); Makefile paths are relative to it. */
  readonly root: string;
  readonly top: string;
  /** Variables make is run with (the default goal's); ARCH/SRCARCH/srctree are added. */
  readonly topVariables: Readonly<Record<string, string>>;
  /** Top Makefile variables naming the linked directories (`dir/`) or objects. */
  readonly linkVariables: readonly string[];
  /** Variables each directory's make is given as that directory's path (`obj`, `src`). */
  readonly dirVariables: readonly string[];
  /** Per-directory lists of objects and directories, with the role of what they name. */
  readonly lists: readonly { readonly name: string; readonly role: BuildRole }[];
  /** Per-directory lists of directories to build without linking them. */
  readonly subdirLists: readonly string[];
  /** Lists whose `foo.o` may be built from `$(foo-objs)` / `$(foo-y)` (composite objects; `$(foo-m)` too in obj-m). */
  readonly composite: readonly string[];
  /** The file of a directory that lists its objects, first found wins. */
  readonly dirFiles: readonly string[];
  /** Words that stand for a directory (Xen's `common/built_in.o`): the directory is group 1. */
  readonly dirObject: RegExp | null;
  /** Object suffix to source suffixes, longest suffix first. */
  readonly sources: readonly { readonly object: string; readonly source: readonly string[] }[];
  /** Includes of the build system itself, emulated here rather than read (path prefixes). */
  readonly skipIncludes: readonly string[];
  /** Files every directory's Makefile is read after (what Makefile.build includes first), read although skipIncludes covers them. */
  readonly preludes: readonly string[];
  /** The top-level file listing directories too (Linux 6.2+ `Kbuild`), read as a directory of its own. */
  readonly rootDirFile: string | null;
  /** Makefiles besides the top one that set every source's compiler flags (where `-include` forces a header in). */
  readonly flagFiles: readonly string[];
}

export const LINUX_KBUILD: BuildLayout = {
  name: 'Linux Kbuild',
  root: '',
  top: 'Makefile',
  topVariables: { KBUILD_EXTMOD: '', MAKECMDGOALS: '', objtree: '.' },
  linkVariables: ['head-y', 'init-y', 'core-y', 'drivers-y', 'net-y', 'virt-y', 'libs-y'],
  dirVariables: ['obj', 'src'],
  lists: [
    { name: 'obj-y', role: 'built-in' },
    { name: 'obj-m', role: 'module' },
    { name: 'lib-y', role: 'lib' },
    { name: 'lib-m', role: 'lib' },
    { name: 'extra-y', role: 'extra' },
  ],
  subdirLists: ['subdir-y', 'subdir-m'],
  composite: ['obj-y', 'obj-m'],
  dirFiles: ['Kbuild', 'Makefile'],
  dirObject: null,
  sources: [{ object: '.lds', source: ['.lds.S'] }, { object: '.o', source: ['.c', '.S'] }],
  skipIncludes: ['scripts/', 'include/config/'],
  preludes: ['scripts/Kbuild.include'],
  rootDirFile: 'Kbuild',
  flagFiles: ['scripts/Makefile.lib'],
};

export const XEN_KBUILD: BuildLayout = {
  name: 'Xen',
  root: 'xen',
  top: 'Makefile',
  topVariables: { MAKECMDGOALS: '', XEN_ROOT: '..', objtree: '.', XEN_TARGET_ARCH: 'x86_64' },
  linkVariables: ['ALL_OBJS-y', 'ALL_LIBS-y'],
  dirVariables: ['obj', 'src', 'srcdir'],
  lists: [
    { name: 'obj-y', role: 'built-in' },
    { name: 'obj-bin-y', role: 'built-in' },
    { name: 'lib-y', role: 'lib' },
    { name: 'extra-y', role: 'extra' },
  ],
  subdirLists: ['subdir-y'],
  // `libelf-objs := ...` under `obj-bin-y := libelf.o` (Xen links the parts with a rule of its own)
  composite: ['obj-y', 'obj-bin-y'],
  dirFiles: ['Makefile'],
  dirObject: /^(.*\/)(?:built_in(?:_bin)?\.o|lib\.a)$/,
  sources: [{ object: '.init.o', source: ['.c', '.S'] }, { object: '.lds', source: ['.lds.S'] }, { object: '.o', source: ['.c', '.S'] }],
  skipIncludes: ['scripts/', 'include/config/', 'tools/'],
  preludes: ['scripts/Kbuild.include'],
  rootDirFile: null,
  flagFiles: ['Rules.mk'],
};
