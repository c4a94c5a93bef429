import { getAddress, type EventLog, type Log } from "ethers";

import type { QualityVote } from "./contracts.js";

/**
 * One appeal round's crowdfunding (docs/court.md, "Appeal deposits and crowdfunding"): the court's
 * `funding(disputeId, round)` and every contributor's `contributionOf` (`Discovery.appealFundingOf`,
 * `IndexerClient.appealFundingOf`). The next round's funding while its appeal window runs, before
 * anyone funded it, is `AnyoneClient.appealFunding`.
 */
export interface AppealRoundFunding {
  disputeId: bigint;
  /** The appeal round (1 or later). */
  round: number;
  /** What its contributors paid, and its cost plus deposit: the round opened once they are equal. */
  funded: bigint;
  required: bigint;
  /** How many contributions were claimed (`claimAppeal`, once the dispute is final). */
  claimed: number;
  /** Every contributor, in address order, with what it paid in all and whether it was claimed. */
  contributions: { contributor: string; amount: bigint; claimed: boolean }[];
}

/** What `appealFundingOf` needs of `Discovery`: the court and its paged log reader. */
interface LogReader {
  court: QualityVote;
  logs(
    contract: QualityVote,
    event: ReturnType<QualityVote["filters"]["AppealFunded"]>,
  ): Promise<{ items: (EventLog | Log)[] }>;
}

/** Every appeal round of `disputeId` funded at least once, oldest first, from its `AppealFunded` logs and the court's views. */
export async function appealFundingOf(reader: LogReader, disputeId: bigint): Promise<AppealRoundFunding[]> {
  const { court } = reader;
  const contributors = new Map<number, Set<string>>();
  for (const log of (await reader.logs(court, court.filters.AppealFunded(disputeId))).items) {
    const { round, contributor } = court.interface.parseLog(log)!.args;
    const r = Number(round);
    if (!contributors.has(r)) contributors.set(r, new Set());
    contributors.get(r)!.add(getAddress(contributor as string));
  }
  const rounds = [...contributors.keys()].sort((a, b) => a - b);
  return Promise.all(
    rounds.map(async (round) => {
      const [funded, required, , claimed] = await court.funding(disputeId, round);
      const who = [...contributors.get(round)!].sort(byAddress);
      const contributions = await Promise.all(
        who.map(async (contributor) => {
          const [amount, wasClaimed] = await court.contributionOf(disputeId, round, contributor);
          return { contributor, amount, claimed: wasClaimed };
        }),
      );
      return { disputeId, round, funded, required, claimed: Number(claimed), contributions };
    }),
  );
}

/** Orders addresses as their lower-case hex (both readers list contributors so). */
export const byAddress = (a: string, b: string) =>
  a.toLowerCase() < b.toLowerCase() ? -1 : a.toLowerCase() > b.toLowerCase() ? 1 : 0;
