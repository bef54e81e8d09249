import { ArrayOf, DateTime, Email, Id, Int, Named, Nullable, Obj, Str } from '../common/openapi/schema';
import { SandboxPersona, SandboxProject, SandboxToken } from '../sandboxes/sandboxes.schemas';

const trainee = Int({ minimum: 1, description: 'The trainee number in the class (1, 2, …)', example: 2 });

/** A persona of a trainee's sandbox with a live session through the training app. */
export const SignedInPersona = Named(
  'SignedInPersona',
  Obj({
    persona: Nullable(Str({ description: 'The persona key; null for a user added since', example: 'subcontractor' })),
    user_id: Id,
    name: Str({ example: 'Avery Chen' }),
    signed_in_at: { ...DateTime, description: 'When the newest live token was issued (sandbox time)' },
    expires_at: { ...DateTime, description: 'When the newest live token expires (sandbox time)' },
    last_activity_at: Nullable({ ...DateTime, description: 'The latest write or refusal by the user, or the sign-in when there is none since' }),
  }),
);

const traineeFields = {
  trainee,
  sandbox_id: Id,
  company_id: Id,
  sandbox_name: Str({ example: 'Monday onboarding · trainee 2' }),
  client_id: Nullable(Str({ description: "The training app's client_id: the console signs the trainee in through it", example: 'sbx12-training' })),
  projects: ArrayOf(SandboxProject),
  signed_in: ArrayOf(SignedInPersona, { description: 'Personas with an unexpired, unrevoked token issued through the training app (the console sign-in), newest first' }),
};

export const ClassTrainee = Named('ClassTrainee', Obj(traineeFields));

/** What every answer about a class starts with. */
const classFields = { id: Id, name: Str({ example: 'Monday onboarding' }), created_at: DateTime };

export const TrainingClass = Named('TrainingClass', Obj({ ...classFields, trainees: ArrayOf(ClassTrainee) }));

export const TrainingClassSummary = Named('TrainingClassSummary', Obj({ ...classFields, trainees: Int({ minimum: 0 }) }));

const ClassToken = Str({ description: "Drives this class's routes (`Authorization: Bearer …`); shown only here", example: 'cls_Zq3LmV0cR6yN1kH4sW9bX2fJ7dP5gAq8' });

/** The answer of `POST /_sim/classes`: the class token, and each trainee's sandbox with its token and logins (shown once). */
export const TrainingClassCreated = Named(
  'TrainingClassCreated',
  Obj({
    ...classFields,
    class_token: ClassToken,
    trainees: ArrayOf(Obj({ ...traineeFields, sandbox_token: SandboxToken, personas: ArrayOf(SandboxPersona) })),
  }),
);

/** The printable sheet: each trainee's sign-in app and logins. */
export const ClassLogins = Named(
  'ClassLogins',
  Obj({
    id: Id,
    name: Str({ example: 'Monday onboarding' }),
    trainees: ArrayOf(
      Obj({
        trainee,
        sandbox_id: Id,
        client_id: Nullable(Str({ example: 'sbx12-training' })),
        personas: ArrayOf(Obj({ key: Str({ example: 'subcontractor' }), name: Nullable(Str({ example: 'Avery Chen' })), email: Nullable(Email), password: Nullable(Str({ example: 'Girder-4821-k3Jd9a' })), template: Nullable(Str({ example: 'Subcontractor' })) })),
      }),
    ),
  }),
);

export { trainee as TraineeNumber };
