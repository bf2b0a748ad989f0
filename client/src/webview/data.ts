import type { RoleInfo, Timeline } from '../protocol';

/** The roles and their timelines, as the extension last sent them (each value is still read through `str`/`num`). */
export interface Data { roles: RoleInfo[]; timelines: Timeline[] }

/** A value from the data as text: a string as it is, nothing as '', anything else through String. */
export function str(v: unknown): string { return typeof v === 'string' ? v : v === undefined || v === null ? '' : String(v); }
/** A value from the data as a finite number, else `d`. */
export function num(v: unknown, d: number): number { return typeof v === 'number' && Number.isFinite(v) ? v : d; }
