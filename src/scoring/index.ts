// The scoring engine's public API. Pure: imports only zod and its own files.
export { compileModel } from './compile-model.ts';
export { describeContact } from './draft-tasks.ts';
export { generateModelJsonSchema } from './model-json-schema.ts';
export { COMMON_CANDIDATE_PROPERTIES, defaultCandidateProperties, modelInputs } from './model-inputs.ts';
export { formatPath, type ModelIssue, modelSchema, parseModel, type ScoringModel } from './model-schema.ts';
export { parseProfile, profileSchema } from './profile-schema.ts';
export { score } from './score.ts';
export * from './types.ts';
export { type CalibrateOptions, type CalibrateResult, type CalibrationReport, calibrateModel } from './calibrate.ts';
export { type EvaluationReport, evaluateOutcomes, liftAt, rocAuc } from './evaluate.ts';
export { type Outcome, type OutcomeExample, parseOutcome } from './outcomes.ts';
