/**
 * DATE_OF_BIRTH: a date (numeric, or with a month name, in the usual orders) near words of birth ("born", "DOB",
 * "birthday"). A date with no such words is not personal data by itself, so it is not reported.
 */
import { hasContext, matches } from '../context.js';
import type { Detector, Finding } from '../types.js';

const MONTHS = 'jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?';
const DATE = new RegExp(
  `\\b(?:\\d{1,2}[/.-]\\d{1,2}[/.-](?:19|20)?\\d{2}|(?:19|20)\\d{2}[/.-]\\d{1,2}[/.-]\\d{1,2}|\\d{1,2}(?:st|nd|rd|th)?\\s+(?:${MONTHS})\\.?,?\\s+(?:19|20)\\d{2}|(?:${MONTHS})\\.?\\s+\\d{1,2}(?:st|nd|rd|th)?,?\\s+(?:19|20)\\d{2})\\b`,
  'gi',
);
const BIRTH = /\b(?:born|birth|dob|d\.o\.b|birthday|birthdate|date of birth|b\.)\b/i;

export const dateOfBirthDetector: Detector = {
  type: 'DATE_OF_BIRTH',
  // Every date form it reads has digits.
  triggers: [/\d/],
  detect(text) {
    if (!BIRTH.test(text)) return [];
    const out: Finding[] = [];
    for (const m of matches(text, DATE)) {
      if (hasContext(text, m.index, m.index + m[0].length, BIRTH)) out.push({ type: 'DATE_OF_BIRTH', start: m.index, end: m.index + m[0].length, score: 0.85 });
    }
    return out;
  },
};
