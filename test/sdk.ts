import { StandardMerkleTree } from "@openzeppelin/merkle-tree";
import { expect } from "chai";
import { network } from "hardhat";

import { deployAnnota } from "../scripts/lib/deploy.js";
import {
  AnnotaClient,
  AnnotaError,
  LabelerClient,
  RequesterClient,
  ValidatorClient,
  addressesOf,
  buildAllowlist,
  decodeError,
  deriveVoteSalt,
  formatLabel,
  parseLabel,
  toUnits,
} from "../sdk/index.js";
import { MockERC20__factory } from "../typechain-types/index.js";
import { deployProtocol } from "./helpers/fixtures.js";

const connection = await network.create();
const { ethers, networkHelpers } = connection;
const { loadFixture, time } = networkHelpers;

describe("SDK", function () {
  /** A deployment made the way `npm run deploy` makes it (Ignition, timelock admin), and funded actors. */
  async function deployed() {
    const book = await deployAnnota(connection, { outDir: null });
    const [deployer, requester, labeler, labeler2, challenger, v1, v2, v3, outsider] = await ethers.getSigners();
    const treasuryClient = AnnotaClient.fromAddressBook(book, deployer);
    for (const s of [requester, labeler, labeler2, challenger, v1, v2, v3]) {
      await (await treasuryClient.token.transfer(s.address, parseLabel(10_000))).wait();
    }
    return { book, deployer, requester, labeler, labeler2, challenger, v1, v2, v3, outsider };
  }

  async function taskFor(
    requester: RequesterClient,
    overrides: Partial<Parameters<RequesterClient["createTask"]>[0]> = {},
  ) {
    return requester.createTask({
      reward: "100",
      slots: 2,
      bond: "20",
      deadline: BigInt(await time.latest()) + 7n * 86_400n,
      challengePeriod: 3_600,
      specHash: "spec v1",
      specURI: "ipfs://spec",
      ...overrides,
    });
  }

  describe("units", function () {
    it("converts whole-token strings and numbers to wei and back", function () {
      expect(parseLabel("12.5")).to.equal(12_500_000_000_000_000_000n);
      expect(parseLabel(3)).to.equal(3n * 10n ** 18n);
      expect(parseLabel(7n)).to.equal(7n); // a bigint is already wei
      expect(toUnits("1.5", 6)).to.equal(1_500_000n);
      expect(formatLabel(12_500_000_000_000_000_000n)).to.equal("12.5");
      expect(formatLabel(10n ** 18n)).to.equal("1");
    });

    it("rejects malformed, negative and over-precise amounts with a clear message", function () {
      expect(() => parseLabel("12.5.3")).to.throw(RangeError, 'malformed amount "12.5.3"');
      expect(() => parseLabel("-1")).to.throw(RangeError, "malformed amount");
      expect(() => parseLabel(-1n)).to.throw(RangeError, "must not be negative");
      expect(() => toUnits("0.0000001", 6)).to.throw(RangeError, "more than 6 decimals");
      expect(() => parseLabel("ten")).to.throw(RangeError, "malformed amount");
    });
  });

  describe("roles end to end on an Ignition deployment", function () {
    it("requester, labelers, challenger and validators run a task to payout, with no stored vote salt", async function () {
      const f = await loadFixture(deployed);
      const requester = RequesterClient.fromAddressBook(f.book, f.requester);
      const created = await taskFor(requester);
      expect(created.taskId).to.equal(1n);
      expect(created.budget).to.equal(2n * parseLabel("102.5"));

      const labeler = LabelerClient.fromAddressBook(f.book, f.labeler);
      const good = await labeler.submit(created.taskId, { resultHash: "good labels", resultURI: "ipfs://good" });
      const bad = await LabelerClient.fromAddressBook(f.book, f.labeler2).submit(created.taskId, {
        resultHash: "0x" + "11".repeat(32),
        resultURI: "ipfs://bad",
      });
      expect(good.submissionId).to.equal((1n << 32n) | 1n);
      expect((await requester.getSubmission(good.submissionId)).status).to.equal("Pending");
      await requester.accept(good.submissionId);

      const challenge = await AnnotaClient.fromAddressBook(f.book, f.challenger).challenge(bad.submissionId, "wrong");
      expect(challenge.pollId).to.equal(1n);

      const validators = [f.v1, f.v2, f.v3].map((s) => ValidatorClient.fromAddressBook(f.book, s));
      for (const v of validators) await v.stake("2000");
      await validators[0]!.commit(challenge.pollId, "reject", "1500");
      await validators[1]!.commit(challenge.pollId, "reject", "1000");
      await validators[2]!.commit(challenge.pollId, "accept", "500");
      const poll = await requester.getPoll(challenge.pollId);
      await time.increaseTo(poll.commitEnd);
      // Fresh client objects: nothing from the commit is kept in memory or on disk.
      for (const s of [f.v1, f.v2, f.v3]) {
        await ValidatorClient.fromAddressBook(f.book, s).reveal(challenge.pollId);
      }
      await time.increaseTo(poll.revealEnd);
      const final = await AnnotaClient.fromAddressBook(f.book, f.outsider).finalize(bad.submissionId);
      expect(final.status).to.equal("Rejected");
      expect((await requester.getPoll(challenge.pollId)).outcome).to.equal("Reject");
      for (const v of validators) await v.settle(challenge.pollId);

      // 10 % of 500 slashed + 30 % of the 20 LABEL bond = 56 LABEL, shared 1500:1000.
      const stake0 = (await validators[0]!.getAccount(f.v1.address)).stake.free;
      expect(stake0).to.equal(parseLabel(2_000) + (parseLabel(56) * 1_500n) / 2_500n);
      const labelerAccount = await requester.getAccount(f.labeler.address);
      expect(labelerAccount.claimableLabel).to.equal(parseLabel(120));
      expect(labelerAccount.accepted).to.equal(1n);
      const before = await labeler.token.balanceOf(f.labeler.address);
      await labeler.withdraw();
      expect((await labeler.token.balanceOf(f.labeler.address)) - before).to.equal(parseLabel(120));
    });

    it("batches: finalizeMany and withdrawFor pay a whole job in two transactions", async function () {
      const f = await loadFixture(deployed);
      const requester = RequesterClient.fromAddressBook(f.book, f.requester);
      const { taskId } = await taskFor(requester);
      const ids = [];
      for (const s of [f.labeler, f.labeler2]) {
        ids.push(
          (await LabelerClient.fromAddressBook(f.book, s).submit(taskId, { resultHash: "x", resultURI: "u" }))
            .submissionId,
        );
      }
      await time.increase(3_600);
      const keeper = AnnotaClient.fromAddressBook(f.book, f.outsider);
      const batch = await keeper.finalizeMany([...ids, ids[0]!]); // a repeated id is finalized once
      expect(batch.finalized).to.deep.equal(ids);
      const before = await keeper.token.balanceOf(f.labeler2.address);
      await keeper.withdrawFor([f.labeler.address, f.labeler2.address]);
      expect((await keeper.token.balanceOf(f.labeler2.address)) - before).to.equal(parseLabel(120));
      await expectRejection(keeper.withdrawFor(["0xbad"]), RangeError, 'account is not an address: "0xbad"');
    });

    it("derives the same salt every time, a different one per poll, and commitments equal the contract's", async function () {
      const f = await loadFixture(deployed);
      const v = ValidatorClient.fromAddressBook(f.book, f.v1);
      const { chainId } = await ethers.provider.getNetwork();
      const a = await deriveVoteSalt(f.v1, chainId, f.book.contracts.QualityVote.address, 1n);
      expect(await v.saltFor(1n)).to.equal(a);
      expect(await v.saltFor(2n)).to.not.equal(a);
      expect(await deriveVoteSalt(f.v2, chainId, f.book.contracts.QualityVote.address, 1n)).to.not.equal(a);
      expect(await v.commitmentFor(1n, "reject")).to.equal(await v.vote.computeCommitment(1n, f.v1.address, 2, a));
    });

    it("reveal refuses a commitment that was not made with this wallet's derived salt", async function () {
      const f = await loadFixture(deployed);
      const requester = RequesterClient.fromAddressBook(f.book, f.requester);
      await taskFor(requester);
      const sub = await LabelerClient.fromAddressBook(f.book, f.labeler).submit(1n, {
        resultHash: "x",
        resultURI: "u",
      });
      await AnnotaClient.fromAddressBook(f.book, f.challenger).challenge(sub.submissionId, "r");
      const v = ValidatorClient.fromAddressBook(f.book, f.v1);
      await v.stake("100");
      await v.vote.connect(f.v1).commitVote(1n, ethers.id("made by hand"), parseLabel(50));
      await time.increaseTo((await v.getPoll(1n)).commitEnd);
      await expectAnnotaError(v.reveal(1n), undefined, "was not made with this wallet's derived salt");
      await expectAnnotaError(
        ValidatorClient.fromAddressBook(f.book, f.v2).reveal(1n),
        undefined,
        "no vote of this wallet",
      );
    });
  });

  describe("errors", function () {
    it("decodes each contract's custom errors, including one bubbling from QualityVote through the escrow", async function () {
      const f = await loadFixture(deployed);
      const client = AnnotaClient.fromAddressBook(f.book, f.requester);
      await expectAnnotaError(client.getTask(99), "TaskEscrowUnknownTask", "TaskEscrowUnknownTask(99)", [99n]);
      const requester = RequesterClient.fromAddressBook(f.book, f.requester);
      await taskFor(requester);
      const sub = await LabelerClient.fromAddressBook(f.book, f.labeler).submit(1n, {
        resultHash: "x",
        resultURI: "u",
      });
      await expectAnnotaError(client.finalize(sub.submissionId), "TaskEscrowChallengePeriodActive");
      await AnnotaClient.fromAddressBook(f.book, f.challenger).challenge(sub.submissionId, "r");
      await expectAnnotaError(client.finalize(sub.submissionId), "QualityVoteRevealNotOver");
      await expectAnnotaError(
        ValidatorClient.fromAddressBook(f.book, f.outsider).commit(1n, "accept", "10"),
        "QualityVoteInsufficientFreeStake",
      );
      // An ERC-20 error from LabelToken: the outsider has no LABEL to stake.
      await expectAnnotaError(
        ValidatorClient.fromAddressBook(f.book, f.outsider).stake("1"),
        "ERC20InsufficientBalance",
      );
      expect(decodeError(new Error("no data"))).to.equal(undefined);
    });

    it("rejects bad input before sending anything", async function () {
      const f = await loadFixture(deployed);
      expect(() => new AnnotaClient({ ...addressesOf(f.book), escrow: "0xnope" }, f.requester)).to.throw(
        RangeError,
        'TaskEscrow is not an address: "0xnope"',
      );
      const before = await ethers.provider.getBlockNumber();
      const client = AnnotaClient.fromAddressBook(f.book, f.requester);
      await expectRejection(client.getAccount("0x123"), RangeError, 'account is not an address: "0x123"');
      await expectRejection(client.getTask("one"), RangeError, 'task id must be a non-negative integer, got "one"');
      const v = ValidatorClient.fromAddressBook(f.book, f.v1);
      await expectRejection(v.commit(1n, "maybe" as "accept", "10"), RangeError, 'choice must be "accept" or "reject"');
      await expectRejection(v.stake("1.2.3"), RangeError, 'malformed amount "1.2.3"');
      expect(await ethers.provider.getBlockNumber()).to.equal(before); // nothing was sent
    });

    it("a read-only client refuses to write, with a message that says why", async function () {
      const f = await loadFixture(deployed);
      const reader = AnnotaClient.fromAddressBook(f.book, ethers.provider);
      expect((await reader.getAccount(f.labeler.address)).labelBalance).to.equal(parseLabel(10_000));
      await expectAnnotaError(
        LabelerClient.fromAddressBook(f.book, ethers.provider).submit(1n, { resultHash: "x", resultURI: "u" }),
        undefined,
        "needs a client connected with a Signer",
      );
    });
  });

  describe("allowlists and stablecoins", function () {
    it("buildAllowlist matches OpenZeppelin's StandardMerkleTree and the escrow accepts its proofs", async function () {
      const f = await loadFixture(deployed);
      const list = buildAllowlist([f.labeler.address, f.labeler2.address, f.labeler.address.toLowerCase()]);
      const reference = StandardMerkleTree.of([[f.labeler.address], [f.labeler2.address]], ["address"]);
      expect(list.root).to.equal(reference.root);
      expect(() => list.proofFor(f.outsider.address)).to.throw(RangeError, "is not on the allowlist");
      expect(() => buildAllowlist([])).to.throw(RangeError, "at least one labeler");
      const requester = RequesterClient.fromAddressBook(f.book, f.requester);
      await taskFor(requester, { allowlist: [f.labeler.address, f.labeler2.address] });
      expect((await requester.getTask(1n)).labelerRoot).to.equal(list.root);
      const proof = list.proofFor(f.labeler2.address);
      await LabelerClient.fromAddressBook(f.book, f.labeler2).submit(1n, { resultHash: "x", resultURI: "u", proof });
      await expectAnnotaError(
        LabelerClient.fromAddressBook(f.book, f.challenger).submit(1n, { resultHash: "x", resultURI: "u", proof }),
        "TaskEscrowNotAllowlisted",
      );
    });

    it("a stablecoin task takes amounts in the token's own decimals and pays the reward in it", async function () {
      const p = await loadFixture(deployProtocolFixture);
      const usd = await new MockERC20__factory(p.admin).deploy("USD Coin", "USDC");
      await usd.mint(p.requester.address, 1_000_000_000n);
      await p.escrow.connect(p.admin).setPaymentToken(await usd.getAddress(), true);
      const addresses = {
        token: await p.token.getAddress(),
        vote: await p.vote.getAddress(),
        escrow: await p.escrow.getAddress(),
      };
      const requester = new RequesterClient(addresses, p.requester);
      const created = await taskFor(requester, { paymentToken: await usd.getAddress(), reward: "25.5", slots: 1 });
      expect((await requester.getTask(created.taskId)).reward).to.equal(25_500_000n);
      const labeler = new LabelerClient(addresses, p.labelers[0]!);
      const sub = await labeler.submit(created.taskId, { resultHash: "x", resultURI: "u" });
      await requester.accept(sub.submissionId);
      expect(await requester.claimable(await usd.getAddress(), p.labelers[0]!.address)).to.equal(25_500_000n);
      await requester.addSlots(created.taskId, 2);
      expect((await requester.getTask(created.taskId)).slots).to.equal(3n);
    });
  });
});

async function deployProtocolFixture() {
  return deployProtocol(ethers);
}

/** Expects `promise` to fail with an error of class `type` whose message contains `text`. */
async function expectRejection(promise: Promise<unknown>, type: new (...args: never[]) => Error, text: string) {
  try {
    await promise;
  } catch (error) {
    expect(error).to.be.instanceOf(type);
    expect((error as Error).message).to.contain(text);
    return;
  }
  throw new Error(`expected a ${type.name}`);
}

/** Expects `promise` to fail with an AnnotaError naming `errorName` (if given) and containing `text`. */
async function expectAnnotaError(promise: Promise<unknown>, errorName?: string, text?: string, args?: unknown[]) {
  try {
    await promise;
  } catch (error) {
    expect(error).to.be.instanceOf(AnnotaError);
    const e = error as AnnotaError;
    if (errorName !== undefined) expect(e.errorName).to.equal(errorName);
    if (text !== undefined) expect(e.message).to.contain(text);
    if (args !== undefined) expect(e.errorArgs).to.deep.equal(args);
    return;
  }
  throw new Error("expected the call to fail");
}
