import { AppError } from '../../src/shared/errors';

/** The AppError a call fails with (fails the test if it succeeds or throws something else). */
export async function appError(promise: Promise<unknown>): Promise<AppError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(AppError);
    return error as AppError;
  }
  throw new Error('expected an AppError');
}
