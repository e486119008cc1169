import { describe, expect, it } from 'vitest';
import { locationDetector } from './location.js';

const places = (text: string): string[] => locationDetector.detect(text).filter((f) => f.score >= 0.5).map((f) => text.slice(f.start, f.end));

describe('locationDetector', () => {
  it('finds street addresses in several languages and the lines that complete them', () => {
    expect(places('The office is at 221 Baker Street\nLondon NW1 6XE\nUnited Kingdom')).toContain('221 Baker Street\nLondon NW1 6XE\nUnited Kingdom');
    expect(places('Send it to Hauptstraße 12 please.')).toContain('Hauptstraße 12');
    expect(places('She lives on Via dei Fiorentini 17.')).toContain('Via dei Fiorentini 17');
    expect(places('Write to 12 Eusebio Dávila 57 soon')).toContain('12 Eusebio Dávila 57');
    expect(places('USCGC Hamilton\nFPO AE 12345')).toEqual(['USCGC Hamilton\nFPO AE 12345']);
    expect(places('Dr. Burke is a 53 year old man')).not.toContain('Dr. Burke is a 53');
  });

  it('finds countries and cities from the gazetteer, and unknown places from their context', () => {
    expect(places('she grew up in Tromsø and later moved to New Zealand.')).toEqual(['Tromsø', 'New Zealand']);
    expect(places('I am in QWERTYVILLE for a business trip')).toEqual(['QWERTYVILLE']);
    expect(places('We flew to Czech Republic')).toEqual(['Czech Republic']);
  });

  it('takes postcodes named as such, and leaves plain numbers and years alone', () => {
    expect(places('My zip code is 94107.')).toEqual(['94107']);
    expect(places('During 1971, the company invested 300 dollars.')).toEqual([]);
  });
});
