// Handler registration: every handler first records its event in the `events` table, and every
// event of an ABI without a specific handler is still recorded (roles and pause update their tables).
import { type Context, type EventNames, type IndexingFunctionArgs, ponder } from "ponder:registry";
import { contract, role } from "ponder:schema";

import { type AnyEvent, type Hex, logEvent } from "./common";

// Ponder types each handler by its literal event name; the tables here are generic over names.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Handler = (args: { event: any; context: any }) => Promise<void>;

/**
 * A registrar for `contractName`'s events ("Contract:Event", typed by Ponder from the ABI) that
 * records each event in the raw log before its handler runs, and the set of names it registered.
 */
export function handlersOf<C extends string>(contractName: C) {
  const handled = new Set<string>();
  const on = <K extends EventNames & `${C}:${string}`>(
    key: K,
    handler: (args: IndexingFunctionArgs<K>) => Promise<void>,
  ) => {
    const name = key.slice(contractName.length + 1);
    handled.add(name);
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    (ponder.on as any)(key, async (args: IndexingFunctionArgs<K>) => {
      await logEvent(args.context, contractName, name, args.event as unknown as AnyEvent);
      await handler(args);
    });
  };
  return { on, handled };
}

/** Like `handlersOf(...).on`, for names only known at run time (the generic events). */
function onAny(contractName: string, name: string, handler: Handler) {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  (ponder.on as any)(`${contractName}:${name}`, async ({ event, context }: { event: AnyEvent; context: any }) => {
    await logEvent(context, contractName, name, event);
    await handler({ event, context });
  });
}

async function ensureContract(context: Context, address: Hex, name: string) {
  if ((await context.db.find(contract, { address })) === null) {
    await context.db.insert(contract).values({ address, name, paused: false });
  }
}

const generic: Record<string, Handler> = {
  RoleGranted: async ({ event, context }) => {
    const key = { contract: event.log.address, role: event.args.role, account: event.args.account };
    await context.db
      .insert(role)
      .values({ ...key, granted: true, changedAt: event.block.timestamp })
      .onConflictDoUpdate({ granted: true, changedAt: event.block.timestamp });
  },
  RoleRevoked: async ({ event, context }) => {
    const key = { contract: event.log.address, role: event.args.role, account: event.args.account };
    await context.db
      .insert(role)
      .values({ ...key, granted: false, changedAt: event.block.timestamp })
      .onConflictDoUpdate({ granted: false, changedAt: event.block.timestamp });
  },
};

/**
 * Registers the events of `abi` that `handled` lacks: roles and pause update `roles` and
 * `contracts`; the others (admin transfers, approvals, delegation) are only recorded.
 */
export function registerRest(
  contractName: string,
  abi: readonly { type: string; name?: string }[],
  handled: Set<string>,
  skip: readonly string[] = [],
) {
  for (const item of abi) {
    if (item.type !== "event" || item.name === undefined || handled.has(item.name) || skip.includes(item.name))
      continue;
    const name = item.name;
    onAny(contractName, name, async ({ event, context }) => {
      if (name === "Paused" || name === "Unpaused") {
        await ensureContract(context, event.log.address, contractName);
        await context.db.update(contract, { address: event.log.address }).set({ paused: name === "Paused" });
      } else {
        await generic[name]?.({ event, context });
      }
    });
  }
}
