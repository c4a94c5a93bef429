import { network } from "hardhat";

import { courtAdminSuite } from "./helpers/courtAdminSuite.js";
import { qualityVoteFixtures } from "./helpers/courtFixtures.js";

/* The court's deployment, evidence, admin and views (the shared suite in test/helpers/courtAdminSuite.ts). */

const { ethers, networkHelpers } = await network.create();
const { loadFixture, time, mine, setBalance } = networkHelpers;
const helpers = { time, mine, setBalance };

const fixtures = qualityVoteFixtures(ethers, helpers);

describe("QualityVote", function () {
  courtAdminSuite({ ethers, loadFixture, helpers, fixtures });
});
