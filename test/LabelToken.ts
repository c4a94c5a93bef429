import { expect } from "chai";
import { network } from "hardhat";

import { LabelToken__factory } from "../typechain-types/index.js";
import { signPermit } from "./helpers/signatures.js";

const { ethers, networkHelpers } = await network.create();
const { loadFixture, time } = networkHelpers;

const LABEL = (n: bigint | number) => ethers.parseEther(n.toString());
const INITIAL_SUPPLY = LABEL(100_000_000n);
const CAP = LABEL(1_000_000_000n);
const ADMIN_DELAY = 3n * 24n * 3600n;

/**
 * What Annota configures on OpenZeppelin's ERC-20 (docs/parameters.md): name and symbol, the cap
 * and the initial supply, the roles and the admin delay, the timestamp clock, the permit domain.
 * OpenZeppelin's own behaviour (transfers, allowances, burns, signature checks, delegation, the
 * admin hand-over) is OpenZeppelin's to test, and is not re-tested here.
 */
describe("LabelToken", function () {
  async function deployToken() {
    const [deployer, treasury, admin, minter, alice, bob, carol] = await ethers.getSigners();
    const token = await new LabelToken__factory(deployer).deploy(treasury.address, admin.address, ADMIN_DELAY);
    await token.connect(admin).grantRole(await token.MINTER_ROLE(), minter.address);
    return { token, deployer, treasury, admin, minter, alice, bob, carol };
  }

  describe("deployment", function () {
    it("has the name, symbol, decimals and cap of the spec", async function () {
      const { token } = await loadFixture(deployToken);
      expect(await token.name()).to.equal("Annota Label");
      expect(await token.symbol()).to.equal("LABEL");
      expect(await token.decimals()).to.equal(18n);
      expect(await token.cap()).to.equal(CAP);
      expect(await token.INITIAL_SUPPLY()).to.equal(INITIAL_SUPPLY);
      expect(await token.MINTER_ROLE()).to.equal(ethers.id("MINTER_ROLE"));
    });

    it("mints the initial supply to the treasury and emits Transfer", async function () {
      const { token, treasury } = await loadFixture(deployToken);
      expect(await token.totalSupply()).to.equal(INITIAL_SUPPLY);
      expect(await token.balanceOf(treasury.address)).to.equal(INITIAL_SUPPLY);
      const deployTx = token.deploymentTransaction();
      await expect(deployTx).to.emit(token, "Transfer").withArgs(ethers.ZeroAddress, treasury.address, INITIAL_SUPPLY);
    });

    it("sets the default admin and its hand-over delay", async function () {
      const { token, admin } = await loadFixture(deployToken);
      expect(await token.defaultAdmin()).to.equal(admin.address);
      expect(await token.owner()).to.equal(admin.address);
      expect(await token.defaultAdminDelay()).to.equal(ADMIN_DELAY);
      expect(await token.hasRole(await token.DEFAULT_ADMIN_ROLE(), admin.address)).to.equal(true);
    });

    it("reverts with ERC20InvalidReceiver when the treasury is the zero address", async function () {
      const { token, deployer, admin } = await loadFixture(deployToken);
      await expect(new LabelToken__factory(deployer).deploy(ethers.ZeroAddress, admin.address, ADMIN_DELAY))
        .to.be.revertedWithCustomError(token, "ERC20InvalidReceiver")
        .withArgs(ethers.ZeroAddress);
    });

    it("reverts with AccessControlInvalidDefaultAdmin when the admin is the zero address", async function () {
      const { token, deployer, treasury } = await loadFixture(deployToken);
      await expect(new LabelToken__factory(deployer).deploy(treasury.address, ethers.ZeroAddress, ADMIN_DELAY))
        .to.be.revertedWithCustomError(token, "AccessControlInvalidDefaultAdmin")
        .withArgs(ethers.ZeroAddress);
    });

    it("exposes the ABI that integrators rely on", async function () {
      const { token } = await loadFixture(deployToken);
      for (const fn of [
        "permit",
        "delegate",
        "delegateBySig",
        "getPastVotes",
        "getPastTotalSupply",
        "clock",
        "CLOCK_MODE",
        "cap",
        "mint",
        "burn",
        "burnFrom",
        "nonces",
        "DOMAIN_SEPARATOR",
      ] as const) {
        expect(token.interface.getFunction(fn), fn).to.not.equal(null);
      }
    });

    it("supports the ERC-165 interfaces of AccessControl and AccessControlDefaultAdminRules", async function () {
      const { token } = await loadFixture(deployToken);
      expect(await token.supportsInterface("0x01ffc9a7")).to.equal(true); // IERC165
      expect(await token.supportsInterface("0x7965db0b")).to.equal(true); // IAccessControl
      expect(await token.supportsInterface("0x31498786")).to.equal(true); // IAccessControlDefaultAdminRules
      expect(await token.supportsInterface("0xffffffff")).to.equal(false);
    });
  });

  describe("mint", function () {
    it("lets MINTER_ROLE mint and emits Transfer from zero", async function () {
      const { token, minter, alice } = await loadFixture(deployToken);
      await expect(token.connect(minter).mint(alice.address, LABEL(7)))
        .to.emit(token, "Transfer")
        .withArgs(ethers.ZeroAddress, alice.address, LABEL(7));
      expect(await token.totalSupply()).to.equal(INITIAL_SUPPLY + LABEL(7));
    });

    it("reverts with AccessControlUnauthorizedAccount for an account without MINTER_ROLE", async function () {
      const { token, admin, alice } = await loadFixture(deployToken);
      await expect(token.connect(admin).mint(alice.address, 1n))
        .to.be.revertedWithCustomError(token, "AccessControlUnauthorizedAccount")
        .withArgs(admin.address, await token.MINTER_ROLE());
    });

    it("mints exactly up to the cap, and reverts with ERC20ExceededCap one wei past it", async function () {
      const { token, minter, alice } = await loadFixture(deployToken);
      await token.connect(minter).mint(alice.address, CAP - INITIAL_SUPPLY);
      expect(await token.totalSupply()).to.equal(CAP);
      await expect(token.connect(minter).mint(alice.address, 1n))
        .to.be.revertedWithCustomError(token, "ERC20ExceededCap")
        .withArgs(CAP + 1n, CAP);
    });

    it("makes room under the cap again after a burn", async function () {
      const { token, minter, treasury, alice } = await loadFixture(deployToken);
      await token.connect(minter).mint(alice.address, CAP - INITIAL_SUPPLY);
      await token.connect(treasury).burn(LABEL(1));
      await token.connect(minter).mint(alice.address, LABEL(1));
      expect(await token.totalSupply()).to.equal(CAP);
    });
  });

  describe("permit (EIP-2612)", function () {
    it("a valid permit sets the allowance, emits Approval and consumes the nonce", async function () {
      const { token, treasury, alice } = await loadFixture(deployToken);
      const deadline = BigInt(await time.latest()) + 3600n;
      const { v, r, s } = await signPermit(token, treasury, alice.address, LABEL(9), deadline);
      await expect(token.permit(treasury.address, alice.address, LABEL(9), deadline, v, r, s))
        .to.emit(token, "Approval")
        .withArgs(treasury.address, alice.address, LABEL(9));
      expect(await token.allowance(treasury.address, alice.address)).to.equal(LABEL(9));
      expect(await token.nonces(treasury.address)).to.equal(1n);
    });

    it("publishes an EIP-712 domain bound to this chain and contract", async function () {
      const { token } = await loadFixture(deployToken);
      const domain = await token.eip712Domain();
      const { chainId } = await ethers.provider.getNetwork();
      expect(domain.name).to.equal("Annota Label");
      expect(domain.version).to.equal("1");
      expect(domain.chainId).to.equal(chainId);
      expect(domain.verifyingContract).to.equal(await token.getAddress());
      expect(await token.DOMAIN_SEPARATOR()).to.equal(
        ethers.TypedDataEncoder.hashDomain({
          name: "Annota Label",
          version: "1",
          chainId,
          verifyingContract: await token.getAddress(),
        }),
      );
    });
  });

  describe("votes on a timestamp clock (ERC-5805 / ERC-6372)", function () {
    it("clock is the block timestamp and CLOCK_MODE says so", async function () {
      const { token } = await loadFixture(deployToken);
      expect(await token.CLOCK_MODE()).to.equal("mode=timestamp");
      expect(await token.clock()).to.equal(BigInt(await time.latest()));
    });

    it("getPastVotes and getPastTotalSupply answer by timestamp", async function () {
      const { token, treasury, minter, alice, bob } = await loadFixture(deployToken);
      await token.connect(treasury).transfer(alice.address, LABEL(100));
      await token.connect(alice).delegate(alice.address);
      const t1 = BigInt(await time.latest());
      await time.increase(100);
      await token.connect(alice).transfer(bob.address, LABEL(40));
      await token.connect(minter).mint(bob.address, LABEL(5));
      const t2 = BigInt(await time.latest());
      await time.increase(1);

      expect(await token.getPastVotes(alice.address, t1)).to.equal(LABEL(100));
      expect(await token.getPastVotes(alice.address, t2)).to.equal(LABEL(60));
      expect(await token.getPastVotes(alice.address, t1 - 1n)).to.equal(0n);
      expect(await token.getPastTotalSupply(t1)).to.equal(INITIAL_SUPPLY);
      expect(await token.getPastTotalSupply(t2)).to.equal(INITIAL_SUPPLY + LABEL(5));
      expect(await token.numCheckpoints(alice.address)).to.equal(2n);
    });

    it("getPastVotes reverts with ERC5805FutureLookup for the present or future", async function () {
      const { token, alice } = await loadFixture(deployToken);
      const now = BigInt(await time.latest());
      await expect(token.getPastVotes(alice.address, now + 10n))
        .to.be.revertedWithCustomError(token, "ERC5805FutureLookup")
        .withArgs(now + 10n, now);
      await expect(token.getPastTotalSupply(now + 10n))
        .to.be.revertedWithCustomError(token, "ERC5805FutureLookup")
        .withArgs(now + 10n, now);
    });
  });

  describe("roles (AccessControlDefaultAdminRules)", function () {
    it("the admin grants and revokes MINTER_ROLE, with events", async function () {
      const { token, admin, alice } = await loadFixture(deployToken);
      const role = await token.MINTER_ROLE();
      await expect(token.connect(admin).grantRole(role, alice.address))
        .to.emit(token, "RoleGranted")
        .withArgs(role, alice.address, admin.address);
      await expect(token.connect(admin).revokeRole(role, alice.address))
        .to.emit(token, "RoleRevoked")
        .withArgs(role, alice.address, admin.address);
      expect(await token.hasRole(role, alice.address)).to.equal(false);
    });
  });
});
