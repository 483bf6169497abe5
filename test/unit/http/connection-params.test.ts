import { authorizationParam } from '../../../src/http/connection-params';
import { AppError } from '../../../src/shared/errors';

describe('authorizationParam (graphql-ws connectionParams)', () => {
  it.each([
    ['no params', undefined],
    ['empty params', {}],
    ['other params only', { client: 'web' }],
    ['an explicit undefined', { authorization: undefined }],
  ])('is anonymous with %s', (_what, params) => {
    expect(authorizationParam(params)).toBeUndefined();
  });

  it.each([
    ['authorization', { authorization: 'Bearer t' }],
    ['Authorization', { Authorization: 'Bearer t' }],
    ['AUTHORIZATION', { AUTHORIZATION: 'Bearer t' }],
    ['two spellings with the same value', { authorization: 'Bearer t', Authorization: 'Bearer t' }],
  ])('reads %s', (_what, params) => {
    expect(authorizationParam(params)).toBe('Bearer t');
  });

  it.each([
    ['a number', { authorization: 42 }],
    ['an object', { authorization: { token: 't' } }],
    ['null', { authorization: null }],
    ['an array', { authorization: ['Bearer t'] }],
    ['two spellings that differ', { authorization: 'Bearer a', Authorization: 'Bearer b' }],
    ['a string and an undefined', { authorization: 'Bearer a', Authorization: undefined }],
  ])('refuses %s as UNAUTHENTICATED, never anonymous', (_what, params) => {
    let thrown: unknown;
    try {
      authorizationParam(params);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(AppError);
    expect(thrown).toMatchObject({
      code: 'UNAUTHENTICATED',
      message: 'connectionParams.authorization must be one string, "Bearer <token>"',
    });
  });
});
