/** R6: personal numbers in messages are masked before staff read them. */
import { describe, expect, it } from 'vitest';
import { maskPersonalData } from '../../src/staff/redact.js';

describe('maskPersonalData', () => {
  it('masks national IDs, mobiles and IBANs, in Latin or Arabic-Indic digits', () => {
    expect(maskPersonalData('رقم هويتي 1000000008 شكرًا')).toBe('رقم هويتي 1*******08 شكرًا');
    expect(maskPersonalData('هويتي ٢٠٠٠٠٠٠٠٠٤')).toBe('هويتي 2*******04');
    expect(maskPersonalData('جوالي 0501234567')).toBe('جوالي 05X XXX XX67');
    expect(maskPersonalData('جوالي +966 50 123 4567')).toBe('جوالي 05X XXX XX67');
    expect(maskPersonalData('جوالي ٠٥٠١٢٣٤٥٦٧')).toBe('جوالي 05X XXX XX67');
    expect(maskPersonalData('الآيبان SA0380000000608010167519')).toBe('الآيبان SA** **** **** **** **** 19');
  });

  it('leaves other numbers and references alone', () => {
    const text = 'طلبي R-7KQ3-M9XD بتاريخ 15/3/2025 ومبلغ 1500 ريال، 5 أفراد';
    expect(maskPersonalData(text)).toBe(text);
  });
});
