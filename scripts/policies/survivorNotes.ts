/**
 * Mutations that survive because another layer already enforces what the
 * weakened predicate says, keyed "<table>: <policy>: <mutation label>".
 * Each says which layer enforces what the policy's own check would.
 */
const CONSENT_TRIGGER =
  'Redundant: the consents_only_withdraw trigger refuses any change but withdrawn_at, so the new row keeps the student the USING clause already checked.';
const MODEL_TRIGGER =
  'Redundant: the model_artifacts_keep_content trigger lets only status change, so the new row keeps the school and class the USING clause already checked.';

export const SURVIVOR_NOTES: Record<string, string> = {
  'consents: Parents can withdraw consent for their children: WITH CHECK → true': CONSENT_TRIGGER,
  'consents: Teachers can record withdrawals of consent in their classes: WITH CHECK → true': CONSENT_TRIGGER,
  'model_artifacts: Admins can switch models where the school shares face templates: WITH CHECK → true': MODEL_TRIGGER,
  'model_artifacts: Teachers can switch models of their classes where the school sh: WITH CHECK → true': MODEL_TRIGGER,
  'schools: Admins can update their school: WITH CHECK → true':
    'Redundant: the only column it reads is id, the primary key every other table references without ON UPDATE CASCADE, so an admin cannot move their school to another id.',
  'sessions: Teachers can update open sessions of their classes: WITH CHECK → true':
    'Redundant: the sessions_keep_class_and_taker trigger refuses a change of class_id or school_id, so the new row keeps the class the USING clause already checked.',
};
