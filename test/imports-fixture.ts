/**
 * Files for the import suites: a CRM export as people really get one (a BOM, CRLF line ends, quoted fields
 * with commas, quotes and line breaks, dates written two ways, a few broken rows), and a longer generated
 * file whose rows update profiles created many batches earlier (the resume test).
 */

/** Row numbers are the file's records (row 1 is the header; C001's note spans two lines but is one row). */
export const CRM_EXPORT = '\uFEFF' + [
  'Customer ID,First Name,Last Name,E-mail,Phone,Company,Address,City,Signup Date,Birthday,Lifetime Value,VIP,Newsletter,Notes',
  'C001,Ann,Smith,ann.smith@example.com,+44 20 7946 0001,"Acme, Inc.","1 High St, Flat 2",London,2021-03-04,31/12/1985,"1,234.50",yes,subscribed,"Prefers email,\r\ncalls on Fridays"',
  'C002,Bob,Jones,BOB@Example.com,0044 20 7946 0002,Initech,5 Main Rd,Leeds,15/06/2020,04/03/1979,99.9,no,unsubscribed,',
  'C003,Chloé,Martin,chloe@example.fr,,"Société ""Générale""",,Paris,2020-01-02T10:30:00Z,1990-07-14,0,,,"Line one\nLine two, with a comma"',
  'C004,Dan,Brown,dan@example,+44 20 7946 0004,,,Bristol,01/01/2022,12/05/1988,12,yes,,',
  'C005,Eve,White,eve@example.com,,,,York,31/02/2021,,5,no,,',
  '',
  ',,Nobody,,,,,,,,,,,',
  'C007,Finn,Grey,finn@example.com,,,,Bath,2021-05-05,22/11/1992,7,maybe,,',
  'C008,Gail,Green,gail@example.com,,,,Hull,2021-06-06,01/02/1993,8,no,,,extra,values',
  'C009,Hal,Black,hal@example.com,+44 20 7946 0009,,,Derby,2021-07-07,05/06/1994,9,,yes,',
].join('\r\n') + '\r\n';

/** What the CRM export must give: the rows rejected (file row → column at fault) and the profiles made. */
export const CRM_REJECTED: Record<number, string> = { 5: 'E-mail', 6: 'Signup Date', 8: '', 9: 'VIP', 10: '' };
export const CRM_PROFILES = ['C001', 'C002', 'C003', 'C009'];

/** The mapping a user makes from the suggestion: VIP as a tag, Newsletter as email consent. */
export const CRM_OVERRIDES = { VIP: 'tag', Newsletter: 'consent:email' };

/**
 * `n` rows of `id,email,first_name,city,score,joined`. Row i (from 0) is customer i % distinct, so every
 * customer appears several times, far apart: later rows update the score, and the last one wins.
 * Every 97th row has a broken email.
 */
export function longExport(n: number, distinct: number): { csv: string; expected: Map<string, { score: number; email: string }>; rejected: number } {
  const lines = ['id,email,first_name,city,score,joined'];
  const expected = new Map<string, { score: number; email: string }>();
  let rejected = 0;
  for (let i = 0; i < n; i++) {
    const c = i % distinct;
    const broken = i % 97 === 96;
    const email = broken ? `broken-${i}` : `user${c}@example.com`;
    lines.push(`u${c},${email},"Name ${c}, Jr",City ${c % 50},${i},${String((c % 28) + 1).padStart(2, '0')}/0${(c % 9) + 1}/2020`);
    if (broken) rejected++;
    else expected.set(`u${c}`, { score: i, email });
  }
  return { csv: lines.join('\n') + '\n', expected, rejected };
}
