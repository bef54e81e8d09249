import type { TrainerClass } from '../session';
import type { Trainee } from '../trainer-api';

/** Challenges of the class (armed from the scenario catalogue); filled in with the challenges slice. */
export function ChallengePanel(_props: { kept: TrainerClass; trainees: Trainee[] }) {
  return null;
}
