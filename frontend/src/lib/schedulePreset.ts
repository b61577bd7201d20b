// Schedule presets ↔ cron. The SPA builds the cron of a schedule from a
// preset (daily at HH:MM, weekly on a weekday, monthly on a day); the cron is
// shown only as a detail. A cron no preset makes is "custom" and kept as is.

export type Frequency = 'daily' | 'weekly' | 'monthly' | 'custom';

export interface Preset {
  frequency: Frequency;
  /** HH:MM, 24 h. */
  time: string;
  /** 0 = Sunday … 6 = Saturday (weekly). */
  weekday: number;
  /** 1 … 28 (monthly): every month has it. */
  day: number;
  /** The expression itself, for custom. */
  cron: string;
}

export const DEFAULT_PRESET: Preset = { frequency: 'weekly', time: '08:00', weekday: 1, day: 1, cron: '0 8 * * 1' };

const TIME = /^([01]?\d|2[0-3]):([0-5]\d)$/;

/** The cron of a preset, or null when a field is out of range. */
export function presetToCron(p: Preset): string | null {
  if (p.frequency === 'custom') return p.cron.trim() || null;
  const m = TIME.exec(p.time);
  if (!m) return null;
  const hm = `${Number(m[2])} ${Number(m[1])}`;
  switch (p.frequency) {
    case 'daily':
      return `${hm} * * *`;
    case 'weekly':
      return Number.isInteger(p.weekday) && p.weekday >= 0 && p.weekday <= 6 ? `${hm} * * ${p.weekday}` : null;
    case 'monthly':
      return Number.isInteger(p.day) && p.day >= 1 && p.day <= 28 ? `${hm} ${p.day} * *` : null;
  }
}

const pad = (n: number) => String(n).padStart(2, '0');
const num = (s: string, lo: number, hi: number) => (/^\d{1,2}$/.test(s) && Number(s) >= lo && Number(s) <= hi ? Number(s) : null);

/** The preset that makes cron, or a custom one that keeps it. */
export function cronToPreset(cron: string): Preset {
  const custom: Preset = { ...DEFAULT_PRESET, frequency: 'custom', cron };
  const f = cron.trim().split(/\s+/);
  if (f.length !== 5) return custom;
  const [mi, ho, dom, mon, dow] = f;
  const minute = num(mi, 0, 59);
  const hour = num(ho, 0, 23);
  if (minute === null || hour === null || mon !== '*') return custom;
  const time = `${pad(hour)}:${pad(minute)}`;
  if (dom === '*' && dow === '*') return { ...DEFAULT_PRESET, frequency: 'daily', time, cron };
  const wd = dow === '7' ? 0 : num(dow, 0, 6);
  if (dom === '*' && wd !== null) return { ...DEFAULT_PRESET, frequency: 'weekly', time, weekday: wd, cron };
  const d = num(dom, 1, 28);
  if (dow === '*' && d !== null) return { ...DEFAULT_PRESET, frequency: 'monthly', time, day: d, cron };
  return custom;
}
