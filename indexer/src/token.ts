// LabelToken: transfers and balances (approvals, delegation and roles: see src/registry.ts).
import { transfer } from "ponder:schema";

import { LabelTokenAbi } from "../abis/LabelToken";
import { ZERO, updateAccount } from "./common";
import { handlersOf, registerRest } from "./registry";

const C = "LabelToken";
const { on, handled } = handlersOf(C);

on("LabelToken:Transfer", async ({ event, context }) => {
  const { from, to, value } = event.args;
  await context.db.insert(transfer).values({
    id: event.id,
    from,
    to,
    amount: value,
    timestamp: event.block.timestamp,
    tx: event.transaction.hash,
  });
  if (from !== ZERO) await updateAccount(context, from, (a) => ({ labelBalance: a.labelBalance - value }));
  if (to !== ZERO) await updateAccount(context, to, (a) => ({ labelBalance: a.labelBalance + value }));
});

registerRest(C, LabelTokenAbi, handled);
