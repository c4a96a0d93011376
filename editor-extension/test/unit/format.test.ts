import * as assert from 'node:assert/strict';
import { escapeMarkdown, formatDuration, oneLine } from '../../src/view/format';

describe('format', () => {
  it('formatDuration_TwoUnitsAtMost', () => {
    assert.deepEqual([0, 999, 45_000, 192_000, 3_600_000, 7_500_000, 90_000_000, -5].map(formatDuration),
      ['0s', '0s', '45s', '3m 12s', '1h', '2h 5m', '1d 1h', '0s']);
  });

  it('escapeMarkdown_EscapesEmphasisLinksCodeAndIcons', () => {
    assert.equal(escapeMarkdown('a*b_[c](d)`e`$(x) <b>'), 'a\\*b\\_\\[c\\](d)\\`e\\`\\$(x) \\<b\\>');
  });

  it('oneLine_FlattensWhitespaceAndCutsLongText', () => {
    assert.equal(oneLine(' a\n  b\tc '), 'a b c');
    assert.equal(oneLine('x'.repeat(10), 5), 'xxxx…');
  });
});
