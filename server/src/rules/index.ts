import type { Rule } from './rule';
import { TL001 } from './TL001-ist-without-tss';
import { TL002 } from './TL002-mce-before-handler';
import { TL003 } from './TL003-init-handler-survives-init';
import { TL004 } from './TL004-init-section-reference';
import { TL005 } from './TL005-torn-live-gate-write';
import { TL006 } from './TL006-irq-before-vectors';
import { TL007 } from './TL007-nmi-gate-unusable';
import { TL100 } from './TL100-critical-region';
import { TL900 } from './TL900-unresolved-flow';

export const RULES: readonly Rule[] = [TL001, TL002, TL003, TL004, TL005, TL006, TL007, TL100, TL900];
export const RULE_IDS: readonly string[] = RULES.map((r) => r.meta.id);
