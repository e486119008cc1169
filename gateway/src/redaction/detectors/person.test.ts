import { describe, expect, it } from 'vitest';
import { personDetector } from './person.js';

const people = (text: string): string[] => personDetector.detect(text).filter((f) => f.score >= 0.5).map((f) => text.slice(f.start, f.end));

describe('personDetector', () => {
  it('finds names from the lists, with initials and particles, without their titles', () => {
    expect(people('Please forward the contract to Ingrid Halvorsen before Friday.')).toEqual(['Ingrid Halvorsen']);
    expect(people('Stefanía K. Oddgeirsdóttir will speak, then Anna van der Berg.')).toEqual(['Stefanía K. Oddgeirsdóttir', 'Anna van der Berg']);
    expect(people('The meeting with Dr. Okonkwo went well.')).toEqual(['Okonkwo']);
  });

  it('takes unknown names from the context that asks for one, and speakers of dialogue', () => {
    expect(people('What is your name? Xoluvani Quetzabel')).toEqual(['Xoluvani Quetzabel']);
    expect(people('Bjarne: "Is the shipment ready?"')).toEqual(['Bjarne']);
  });

  it('reads texts written without capitals by the lists alone', () => {
    expect(people('kind regards, maria lopez')).toEqual(['maria lopez']);
    expect(people('we liked the idea, lucky us')).toEqual([]);
  });

  it('leaves organisations, firms of surnames and ordinary capitalised words alone', () => {
    expect(people('Russell Investments is a design agency.')).toEqual([]);
    expect(people('Lopez, Santos and Hoffman is a law firm.')).toEqual([]);
    expect(people('We use Python and React during the sprint.')).toEqual([]);
    expect(people('The office is in London NW1 6XE.')).not.toContain('London NW');
  });

  it('finds names no list holds by form: capitalised words that are no common word, no place, no acronym', () => {
    expect(people('The report was signed by Okechukwu Vantrebbel last week.')).toEqual(['Okechukwu Vantrebbel']);
    expect(people('Please ask Zorathiel Quennmark about the invoice.')).toEqual(['Zorathiel Quennmark']);
    expect(people('Tube Snake Boogie topped the Entertainment Weekly chart.')).toEqual([]);
    expect(people('Our NASA API partners visited Norway.')).toEqual([]);
  });

  it('finds single unknown names by the words a person fits', () => {
    expect(people("Then Thraxilda just had to leave, and Ruvenko's car broke down.")).toEqual(['Thraxilda', 'Ruvenko']);
    expect(people('I had lunch with Quimbry yesterday.')).toEqual(['Quimbry']);
  });

  it('reads unknown names in texts without capitals from person context', () => {
    expect(people('a tribute to velkorin dasheff, sadly she left')).toEqual(['velkorin dasheff']);
    expect(people('the tribute to the grand old harbour was lovely')).toEqual([]);
  });

  it('finds names in other scripts: by form where the script has case, by context where it has none', () => {
    expect(people('The contract was signed by Дмитрий Волховцев.')).toEqual(['Дмитрий Волховцев']);
    expect(people('I had a call with 王秀英 yesterday.')).toEqual(['王秀英']);
    expect(people('今日は雨です。')).toEqual([]);
  });
});

