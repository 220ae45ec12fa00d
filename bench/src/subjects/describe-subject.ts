/**
 * The description of a subject as the JSON result lists it: the same six fields whether the run
 * measured it or found it unavailable, taken from the subject itself so a row and its listing never
 * drift apart.
 */
import type { Subject, SubjectDescription } from './subject.js';

/**
 * The listing fields of a subject (its id, family, label, kind, model and features), without the
 * `open()` and baselines the result does not carry.
 *
 * @example
 * ```ts
 * const info = { ...describeSubject(rawWorkerSubject()), available: true };
 * ```
 */
export function describeSubject(subject: Subject): SubjectDescription {
  return {
    id: subject.id,
    family: subject.family,
    label: subject.label,
    kind: subject.kind,
    model: subject.model,
    features: subject.features,
  };
}
