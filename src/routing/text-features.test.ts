import { describe, expect, it } from 'vitest';
import { stem } from './porter-stemmer.ts';
import { defaultFeatureOptions, extractFeatures } from './text-features.ts';

const names = (text: string): string[] => [...extractFeatures(text).keys()];

describe('text features', () => {
  it('stems word forms together, British and American spellings included', () => {
    expect(new Set(['invoicing', 'invoiced', 'invoices'].map(stem))).toEqual(new Set(['invoic']));
    expect(stem('organise')).toBe(stem('organize'));
    expect(stem('deploy')).toBe(stem('deployment'));
    expect(stem('summary')).toBe(stem('summarize'));
  });

  it('maps synonyms to one concept, phrases included', () => {
    expect(names('ask the vendor')).toContain('k:purchasing');
    expect(names('ask the supplier')).toContain('k:purchasing');
    expect(names('give me the tl;dr of this thread')).toContain('k:summary');
    expect(names('fix the bill of materials')).toContain('k:manufacturing');
  });

  it('marks the leading words and concepts, which say what kind of work is wanted', () => {
    const features = names('write a blog post about the month-end close');
    expect(features).toEqual(expect.arrayContaining(['l:write', 'lk:write', 'k:accounting']));
    expect(features).not.toContain('lk:accounting');
  });

  it('drops stop words and filler, and counts a concept once however often it appears', () => {
    expect(names('hi, can you help me with the thing?')).toEqual([]);
    const features = extractFeatures('stock stock warehouse inventory', {
      ...defaultFeatureOptions,
      leadWeight: 0,
    });
    expect(features.get('k:inventory')).toBe(defaultFeatureOptions.conceptWeight);
    expect(features.get('w:stock')).toBe(2);
  });
});
