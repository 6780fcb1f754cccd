import { cronIssues, timeZoneIssues } from '../constructs/_cron';

const message = (schedule: string) => cronIssues(schedule, 's').map((i) => i.message);

describe('cron schedules', () => {
  test.each([
    '15 3 * * *', '*/5 * * * *', '0 0 1 1 *', '0 9-17 * * MON-FRI', '0 0 * * sun', '30 2 1,15 * ?', '0 0 ? JAN,jul *',
    '0-59/15 * * * *', '5/10 * * * *', '59 23 31 12 6', '  15 3 * * *  ', '@hourly', '@daily', '@weekly', '@monthly', '@yearly', '@annually', '@midnight',
  ])('accepts %j', (schedule) => {
    expect(cronIssues(schedule, 's')).toEqual([]);
  });

  test('fails if a schedule has the wrong number of fields', () => {
    expect(message('15 3 * *')).toEqual(['has 4 fields, not 5']);
    expect(message('0 15 3 * * *')).toEqual(['has 6 fields, not 5']);
    expect(message('')).toEqual(['has 1 field, not 5']);
  });

  test('fails if a value is out of its field\'s range, or not a number or name', () => {
    expect(message('60 * * * *')).toEqual(['is not a valid schedule: minute 60 is out of range 0-59']);
    expect(message('0 24 * * *')).toEqual(['is not a valid schedule: hour 24 is out of range 0-23']);
    expect(message('0 0 0 * *')).toEqual(['is not a valid schedule: day-of-month 0 is out of range 1-31']);
    expect(message('0 0 * 13 *')).toEqual(['is not a valid schedule: month 13 is out of range 1-12']);
    // Kubernetes' parser counts Sunday as 0 only.
    expect(message('0 0 * * 7')).toEqual(['is not a valid schedule: day-of-week 7 is out of range 0-6']);
    expect(message('0 0 * * MONDAY')).toEqual(['is not a valid schedule: day-of-week has "MONDAY", which is not a number or a name (SUN MON TUE WED THU FRI SAT)']);
    expect(message('x * * * *')).toEqual(['is not a valid schedule: minute has "x", which is not a number']);
  });

  test('fails if a range runs backwards, a step is not a positive number, or ? is outside the day fields', () => {
    expect(message('0 17-9 * * *')).toEqual(['is not a valid schedule: hour range "17-9" runs backwards']);
    expect(message('*/0 * * * *')).toEqual(['is not a valid schedule: minute has a bad step in "*/0"']);
    expect(message('*/ * * * *')).toEqual(['is not a valid schedule: minute has a bad step in "*/"']);
    expect(message('1-2-3 * * * *')).toEqual(['is not a valid schedule: minute has a bad range "1-2-3"']);
    expect(message('? * * * *')).toEqual(['is not a valid schedule: minute has "?", which is not a number']);
  });

  test('fails if a schedule is an unknown macro or carries its own time zone', () => {
    expect(message('@every 1h')).toEqual(['is not a schedule macro Kubernetes knows']);
    expect(message('@Daily')).toEqual(['is not a schedule macro Kubernetes knows']);
    expect(message('CRON_TZ=Europe/Berlin 0 3 * * *')).toEqual(['sets a time zone inside the schedule, which Kubernetes refuses: use timeZone']);
  });

  test('every issue names the field, the value, and what is allowed', () => {
    expect(cronIssues('0 24 * * *', 'schedules.nightly.schedule')).toEqual([{
      path: 'schedules.nightly.schedule',
      message: 'is not a valid schedule: hour 24 is out of range 0-23',
      value: '0 24 * * *',
      allowed: 'five fields (minute hour day-of-month month day-of-week) such as "15 3 * * *", or one of @yearly, @annually, @monthly, @weekly, @daily, @midnight, @hourly',
    }]);
  });
});

describe('time zones', () => {
  test.each(['Etc/UTC', 'UTC', 'Europe/Berlin', 'America/New_York', 'America/Argentina/Buenos_Aires', 'America/Port-au-Prince', 'Etc/GMT+5', 'Asia/Kolkata'])('accepts %s', (tz) => {
    expect(timeZoneIssues(tz, 'tz')).toEqual([]);
  });

  test.each(['europe/berlin', 'Europe/Atlantis', 'Local', 'CEST', 'Mars/Olympus_Mons', '', 'Europe/Berlin '])('fails if the time zone is %j', (tz) => {
    expect(timeZoneIssues(tz, 'schedules.x.timeZone')).toEqual([{
      path: 'schedules.x.timeZone', message: 'is not a time zone of the IANA database', value: tz, allowed: 'an IANA time zone name such as Etc/UTC, Europe/Berlin or America/New_York',
    }]);
  });
});
