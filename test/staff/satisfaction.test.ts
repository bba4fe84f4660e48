/** R8: the satisfaction figures and the SVG chart. */
import { describe, expect, it } from 'vitest';
import { distributionChartSvg, figuresFrom } from '../../src/staff/satisfaction.js';

describe('satisfaction figures', () => {
  it('counts, averages, CSAT (share of 4 and 5) and the distribution', () => {
    const f = figuresFrom([
      { score: 5, n: 3 },
      { score: 4, n: 2 },
      { score: 2, n: 1 },
      { score: 1, n: 1 },
      { score: 9, n: 4 }, // not a score: ignored
    ]);
    expect(f).toEqual({ count: 7, average: 3.71, csat: 71.4, distribution: [1, 1, 0, 2, 3], low: 2 });
    expect(figuresFrom([])).toEqual({ count: 0, average: null, csat: null, distribution: [0, 0, 0, 0, 0], low: 0 });
  });

  it('draws one bar per score with its count, as self-contained SVG', () => {
    const svg = distributionChartSvg([1, 0, 4, 12, 30], {
      title: 'توزيع <التقييمات>',
      score: 'الدرجة',
      ratings: 'التقييمات',
      format: (n) => String(n),
    });
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg.match(/<rect class="bar"/g)).toHaveLength(5);
    expect(svg).toContain('data-score="5" data-count="30"');
    expect(svg).toContain('<title id="chart-title">توزيع &#60;التقييمات&#62;</title>');
    // Taller for more ratings
    const height = (score: number) => Number(new RegExp(`data-score="${score}"[^>]*height="([\\d.]+)"`).exec(svg)?.[1]);
    expect(height(5)).toBeGreaterThan(height(4));
    expect(height(2)).toBe(0);
  });
});
