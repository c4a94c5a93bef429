import { expect } from "chai";

import { AnnotaError } from "../../sdk/index.js";

/** Expects `promise` to fail with an AnnotaError carrying the decoded custom error `name` and `args`. */
export async function expectAnnotaError(promise: Promise<unknown>, name: string, args: unknown[]) {
  let caught: unknown;
  try {
    await promise;
  } catch (error) {
    caught = error;
  }
  expect(caught, `expected ${name}`).to.be.instanceOf(AnnotaError);
  const error = caught as AnnotaError;
  expect(error.errorName).to.equal(name);
  expect(error.errorArgs).to.deep.equal(args);
  expect(error.message).to.contain(`${name}(`);
}

/** Expects `promise` to fail with an error of class `type` whose message matches `message`. */
export async function expectRejection(
  promise: Promise<unknown>,
  type: new (...args: never[]) => Error,
  message: RegExp,
) {
  let caught: unknown;
  try {
    await promise;
  } catch (error) {
    caught = error;
  }
  expect(caught).to.be.instanceOf(type);
  expect((caught as Error).message).to.match(message);
}
