/**
 * Writes the ABIs of the protocol's contracts to `abi/<Contract>.json` for the npm package, so that a
 * dapp can use them with any library (`import abi from "annota-protocol/abi/TaskEscrow.json"`).
 * Reads Hardhat's artifacts: run `npm run build` first.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";

const sources: Record<string, string> = {
  LabelToken: "artifacts/contracts/LabelToken.sol/LabelToken.json",
  JurorPool: "artifacts/contracts/JurorPool.sol/JurorPool.json",
  QualityVote: "artifacts/contracts/QualityVote.sol/QualityVote.json",
  TaskEscrow: "artifacts/contracts/TaskEscrow.sol/TaskEscrow.json",
  DatasetShares: "artifacts/contracts/DatasetShares.sol/DatasetShares.json",
  ILabelToken: "artifacts/contracts/interfaces/ILabelToken.sol/ILabelToken.json",
  IJurorPool: "artifacts/contracts/interfaces/IJurorPool.sol/IJurorPool.json",
  IQualityVote: "artifacts/contracts/interfaces/IQualityVote.sol/IQualityVote.json",
  ITaskEscrow: "artifacts/contracts/interfaces/ITaskEscrow.sol/ITaskEscrow.json",
  IDatasetShares: "artifacts/contracts/interfaces/IDatasetShares.sol/IDatasetShares.json",
  TimelockController: "artifacts/@openzeppelin/contracts/governance/TimelockController.sol/TimelockController.json",
};

mkdirSync("abi", { recursive: true });
for (const [name, file] of Object.entries(sources)) {
  if (!existsSync(file)) {
    console.error(`export-abis: ${file} not found; run npm run build first`);
    process.exit(1);
  }
  const { abi } = JSON.parse(readFileSync(file, "utf8")) as { abi: unknown[] };
  writeFileSync(path.join("abi", `${name}.json`), JSON.stringify(abi, null, 2) + "\n");
}
console.log(`export-abis: wrote ${Object.keys(sources).length} ABIs to abi/`);
