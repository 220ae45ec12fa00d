import { describe, expect, it } from 'vitest';
import { allSubjects } from '../../src/subjects/catalogue.js';
import { describeSubject } from '../../src/subjects/describe-subject.js';

describe('describeSubject', () => {
  it('lists the six fields of a row and nothing a result cannot carry', () => {
    for (const subject of allSubjects()) {
      const info = describeSubject(subject);
      const fields = ['id', 'family', 'label', 'kind', 'model', 'features'] as const;
      expect(Object.keys(info)).toEqual(fields);
      for (const field of fields) expect(info[field]).toBe(subject[field]);
      expect(JSON.parse(JSON.stringify(info))).toEqual(info);
    }
  });
});
