/** The README's table of the fifteen controls says what the catalogue says: ids, CIS numbers, Security Hub ids. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CONTROLS } from '../../rule/controls/catalogue';

const readme = readFileSync(join(__dirname, '..', '..', 'README.md'), 'utf8');
const rows = readme.split('\n').filter((line) => /^\| `[a-z0-9-]+` \| /.test(line));

it('lists every control once, in CIS order, with its CIS numbers and Security Hub id', () => {
  const cells = rows.map((line) => line.split(' | ').slice(0, 3).map((cell) => cell.replace(/^\| /, '')));
  expect(cells).toEqual(
    CONTROLS.map((c) => [
      `\`${c.id}\``,
      `${c.cisNumbers['v1.2'] ?? '—'} / ${c.cisNumbers['v1.3-v5.0']} / ${c.cisNumbers['v6.0-v7.0']}`,
      c.securityHubId ?? '—',
    ]),
  );
});
