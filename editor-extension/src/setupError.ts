/** Why no sidecar session could be set up, before any sidecar ran. */
export type SetupProblem = 'noWorkspace' | 'configNotFound' | 'sidecarNotFound';

/** A problem the user fixes in settings or files; `searched` lists the places that were tried. */
export class SetupError extends Error {
  override readonly name = 'SetupError';

  constructor(
    readonly problem: SetupProblem,
    message: string,
    readonly searched: readonly string[] = [],
  ) {
    super(message);
  }

  static is(value: unknown, problem?: SetupProblem): value is SetupError {
    return value instanceof SetupError && (problem === undefined || value.problem === problem);
  }
}
