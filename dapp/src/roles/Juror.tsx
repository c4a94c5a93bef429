import { TodoPanel } from "../components/common.js";
import { Seats } from "./juror/Seats.js";
import { Earnings, Stake } from "./juror/Stake.js";

export function Juror() {
  return (
    <>
      <TodoPanel
        role="juror"
        actions={["commit", "reveal", "settle", "escalate", "finalize-dispute", "withdraw-unstaked", "rejoin-pool"]}
      />
      <Stake />
      <Seats />
      <Earnings />
    </>
  );
}
