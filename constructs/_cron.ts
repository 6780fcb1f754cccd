import { ConfigIssue } from './_errors';

/**
 * The CronJob schedule and time zone rules the API server applies (Kubernetes parses schedules
 * with robfig/cron's standard parser and loads time zones from the IANA database), checked at
 * synth so that a typo is an exit 2 naming the field, not a CronJob the cluster refuses or, worse,
 * one that never runs.
 * @see https://kubernetes.io/docs/concepts/workloads/controllers/cron-jobs/#schedule-syntax
 */

/** The schedule macros Kubernetes accepts. */
export const CRON_MACROS = ['@yearly', '@annually', '@monthly', '@weekly', '@daily', '@midnight', '@hourly'] as const;

/** What a schedule may be, in words (the `allowed` of every schedule issue). */
export const CRON_ALLOWED = `five fields (minute hour day-of-month month day-of-week) such as "15 3 * * *", or one of ${CRON_MACROS.join(', ')}`;

interface Field {
  readonly name: string;
  readonly min: number;
  readonly max: number;
  readonly names?: readonly string[];
  /** `?` means "any" in the day fields only. */
  readonly question?: boolean;
}

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const DAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];

const FIELDS: readonly Field[] = [
  { name: 'minute', min: 0, max: 59 },
  { name: 'hour', min: 0, max: 23 },
  { name: 'day-of-month', min: 1, max: 31, question: true },
  { name: 'month', min: 1, max: 12, names: MONTHS },
  { name: 'day-of-week', min: 0, max: 6, names: DAYS, question: true },
];

/** Why one field is wrong, or undefined when it is fine. */
function fieldProblem(text: string, f: Field): string | undefined {
  const value = (v: string): number | undefined => {
    if (/^[0-9]+$/.test(v)) return Number(v);
    const at = f.names?.indexOf(v.toLowerCase()) ?? -1;
    return at < 0 ? undefined : at + f.min;
  };
  for (const term of text.split(',')) {
    const [range, step, ...rest] = term.split('/');
    if (rest.length > 0 || step === '' || (step !== undefined && !/^[1-9][0-9]*$/.test(step))) return `${f.name} has a bad step in "${term}"`;
    if (range === '*' || (range === '?' && f.question)) continue;
    const bounds = range.split('-');
    if (bounds.length > 2 || bounds.some((b) => b === '')) return `${f.name} has a bad range "${range}"`;
    const numbers = bounds.map(value);
    const bad = bounds.find((_, i) => numbers[i] === undefined);
    if (bad !== undefined) return `${f.name} has "${bad}", which is not a number${f.names ? ` or a name (${f.names.join(' ').toUpperCase()})` : ''}`;
    const out = numbers.find((n) => n! < f.min || n! > f.max);
    if (out !== undefined) return `${f.name} ${out} is out of range ${f.min}-${f.max}`;
    if (numbers.length === 2 && numbers[0]! > numbers[1]!) return `${f.name} range "${range}" runs backwards`;
  }
  return undefined;
}

/** Problems of a CronJob schedule: five valid fields, or a macro. */
export function cronIssues(schedule: string, path: string): ConfigIssue[] {
  const text = schedule.trim();
  const fail = (message: string) => [{ path, message, value: schedule, allowed: CRON_ALLOWED }];
  if (/^(CRON_)?TZ=/.test(text)) return fail('sets a time zone inside the schedule, which Kubernetes refuses: use timeZone');
  if (text.startsWith('@')) return (CRON_MACROS as readonly string[]).includes(text) ? [] : fail('is not a schedule macro Kubernetes knows');
  const fields = text.split(/\s+/);
  if (fields.length !== 5) return fail(`has ${fields.length} field${fields.length === 1 ? '' : 's'}, not 5`);
  for (let i = 0; i < 5; i++) {
    const problem = fieldProblem(fields[i], FIELDS[i]);
    if (problem) return fail(`is not a valid schedule: ${problem}`);
  }
  return [];
}

/** Time zones asked of ICU before, by name: whether it knows them. */
const knownTimeZones = new Map<string, boolean>();

/**
 * Problems of a CronJob time zone: an IANA name as the controller loads it (case matters:
 * `europe/berlin` is refused by the cluster, though Node's Intl would accept it).
 */
export function timeZoneIssues(timeZone: string, path: string): ConfigIssue[] {
  const allowed = 'an IANA time zone name such as Etc/UTC, Europe/Berlin or America/New_York';
  let known = knownTimeZones.get(timeZone);
  if (known === undefined) {
    // Asking ICU costs a formatter per call: a fleet's stacks name the same few zones.
    try {
      new Intl.DateTimeFormat('en-US', { timeZone });
      known = true;
    } catch {
      known = false;
    }
    knownTimeZones.set(timeZone, known);
  }
  // IANA names are Area/Location segments that each begin with an upper-case letter (or are
  // such as EST5EDT and GMT+5); "Local" is the controller's own zone, which Kubernetes refuses.
  const shaped = /^[A-Z][A-Za-z0-9_+-]*(\/[A-Z][A-Za-z0-9_+-]*)*$/.test(timeZone) && timeZone !== 'Local';
  return known && shaped ? [] : [{ path, message: 'is not a time zone of the IANA database', value: timeZone, allowed }];
}
