import type { HardhatEthers } from "@nomicfoundation/hardhat-ethers/types";
import { expect } from "chai";

import type { AddressBook } from "../../sdk/addressBook.js";
import {
  DatasetShares__factory,
  JurorPool__factory,
  LabelToken__factory,
  QualityVote__factory,
  TaskEscrow__factory,
  TimelockController__factory,
} from "../../typechain-types/index.js";

/** The core contracts of an address book, connected read-only. */
export function contractsOf(ethers: HardhatEthers, book: AddressBook) {
  const p = ethers.provider;
  return {
    token: LabelToken__factory.connect(book.contracts.LabelToken.address, p),
    pool: JurorPool__factory.connect(book.contracts.JurorPool.address, p),
    court: QualityVote__factory.connect(book.contracts.QualityVote.address, p),
    escrow: TaskEscrow__factory.connect(book.contracts.TaskEscrow.address, p),
    shares: DatasetShares__factory.connect(book.contracts.DatasetShares.address, p),
    timelock: TimelockController__factory.connect(book.contracts.TimelockController.address, p),
  };
}

/** Every value of `expected` equals the same-named field of the struct `onChain`. */
export function expectParams(onChain: unknown, expected: Record<string, bigint>) {
  for (const [name, value] of Object.entries(expected)) {
    expect((onChain as Record<string, bigint>)[name], name).to.equal(value);
  }
}

/** `promise` rejects with a message containing every fragment. */
export async function expectRefusal(promise: Promise<unknown>, fragments: string[]) {
  let message: string | undefined;
  try {
    await promise;
  } catch (error) {
    message = (error as Error).message;
  }
  expect(message, "the call was expected to fail").to.not.equal(undefined);
  for (const fragment of fragments) expect(message).to.contain(fragment);
}
