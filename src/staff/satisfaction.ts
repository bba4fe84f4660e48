/**
 * Satisfaction figures for management (R8): how many ratings, their average, the CSAT share (the
 * percentage of 4 and 5 out of 5) and the distribution of scores 1-5, with a bar chart drawn as
 * inline SVG on the server (no script, no CDN).
 */
import type { Db } from '../db/database.js';

/** The figures of the ratings. */
export interface SatisfactionFigures {
  count: number;
  /** Mean score, or null without ratings. */
  average: number | null;
  /** Percentage of ratings of 4 or 5, or null without ratings. */
  csat: number | null;
  /** Ratings of score 1..5, index 0 = score 1. */
  distribution: [number, number, number, number, number];
  /** Ratings of 1 or 2 (followed up by the officer). */
  low: number;
}

/** Computes the figures from counts per score (scores outside 1-5 are ignored). */
export function figuresFrom(countsByScore: { score: number; n: number }[]): SatisfactionFigures {
  const distribution: SatisfactionFigures['distribution'] = [0, 0, 0, 0, 0];
  for (const { score, n } of countsByScore)
    if (Number.isInteger(score) && score >= 1 && score <= 5) distribution[score - 1] = (distribution[score - 1] ?? 0) + n;
  const count = distribution.reduce((a, b) => a + b, 0);
  if (count === 0) return { count, average: null, csat: null, distribution, low: 0 };
  const sum = distribution.reduce((a, n, i) => a + n * (i + 1), 0);
  return {
    count,
    average: Math.round((sum / count) * 100) / 100,
    csat: Math.round(((distribution[3] + distribution[4]) / count) * 1000) / 10,
    distribution,
    low: distribution[0] + distribution[1],
  };
}

/** Reads the figures of all ratings. */
export async function satisfactionFigures(db: Db): Promise<SatisfactionFigures> {
  const rows = await db.all<{ score: number; n: number }>('SELECT score, COUNT(*) AS n FROM ratings GROUP BY score');
  return figuresFrom(rows.map((r) => ({ score: Number(r.score), n: Number(r.n) })));
}

/** Texts and number formatting of the chart. */
export interface ChartText {
  title: string;
  /** Caption of the horizontal axis ("Score"). */
  score: string;
  /** Caption of the vertical axis ("Ratings"). */
  ratings: string;
  format: (n: number) => string;
}

const COLORS = ['#c0392b', '#e67e22', '#f1c40f', '#7dbb42', '#2e8b57'];

function escapeXml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** A step of 1, 2 or 5 times a power of ten giving about four grid lines up to `max`. */
function niceStep(max: number): number {
  if (max <= 4) return 1;
  const raw = max / 4;
  const pow = 10 ** Math.floor(Math.log10(raw));
  const m = raw / pow;
  return (m <= 1 ? 1 : m <= 2 ? 2 : m <= 5 ? 5 : 10) * pow;
}

/**
 * The distribution as an SVG bar chart: one bar per score, 1 to 5 from left to right (a numeric
 * scale reads left to right in Arabic charts too), its count above it, grid lines on the left.
 */
export function distributionChartSvg(distribution: readonly number[], text: ChartText): string {
  const width = 520;
  const height = 280;
  const left = 48;
  const right = 16;
  const top = 36;
  const bottom = 48;
  const plotW = width - left - right;
  const plotH = height - top - bottom;
  const max = Math.max(1, ...distribution);
  const step = niceStep(max);
  const axisMax = Math.ceil(max / step) * step;
  const y = (v: number) => top + plotH - (v / axisMax) * plotH;
  const slot = plotW / 5;
  const barW = slot * 0.6;
  const parts: string[] = [];
  for (let v = 0; v <= axisMax; v += step) {
    const yy = y(v).toFixed(1);
    parts.push(
      `<line x1="${left}" y1="${yy}" x2="${width - right}" y2="${yy}" stroke="#d9dee3" stroke-width="1"/>`,
      `<text x="${left - 8}" y="${yy}" text-anchor="end" dominant-baseline="middle" font-size="12" fill="#555">${escapeXml(text.format(v))}</text>`,
    );
  }
  distribution.slice(0, 5).forEach((n, i) => {
    const x = left + slot * i + (slot - barW) / 2;
    const yy = y(n);
    const h = top + plotH - yy;
    const score = i + 1;
    parts.push(
      `<rect class="bar" data-score="${score}" data-count="${n}" x="${x.toFixed(1)}" y="${yy.toFixed(1)}" width="${barW.toFixed(1)}" height="${h.toFixed(1)}" rx="3" fill="${COLORS[i]}"><title>${escapeXml(`${text.format(score)} ★: ${text.format(n)}`)}</title></rect>`,
      `<text x="${(x + barW / 2).toFixed(1)}" y="${(yy - 6).toFixed(1)}" text-anchor="middle" font-size="13" font-weight="bold" fill="#222">${escapeXml(text.format(n))}</text>`,
      `<text x="${(x + barW / 2).toFixed(1)}" y="${top + plotH + 20}" text-anchor="middle" font-size="13" fill="#222">${escapeXml(`${text.format(score)} ★`)}</text>`,
    );
  });
  parts.push(
    `<line x1="${left}" y1="${top + plotH}" x2="${width - right}" y2="${top + plotH}" stroke="#555" stroke-width="1"/>`,
    `<text x="${left + plotW / 2}" y="${height - 6}" text-anchor="middle" font-size="12" fill="#555">${escapeXml(text.score)}</text>`,
    `<text x="${left}" y="${top - 14}" text-anchor="start" font-size="12" fill="#555">${escapeXml(text.ratings)}</text>`,
  );
  return `<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" aria-labelledby="chart-title" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" direction="ltr"><title id="chart-title">${escapeXml(text.title)}</title>${parts.join('')}</svg>`;
}
