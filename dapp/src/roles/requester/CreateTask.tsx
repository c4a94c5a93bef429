import { buildAllowlist, buildSpec, itemContentHash, type DatasetItem } from "@annota/sdk";
import { isAddress, parseUnits } from "ethers";
import { useState, type FormEvent } from "react";

import { Field, Loaded } from "../../components/common.js";
import { useCourtTiers } from "../../components/tiers.js";
import { amount, fromLocalInput, short, toLocalInput } from "../../format.js";
import { useLoad, useSession } from "../../session.js";

const DAY = 86_400;

/**
 * The budget, court tier and bonds of a task before it is signed, from the escrow's current
 * parameters. `chosen` is the tier picked in the form ("" for the default): the least tier the
 * escrow's bands allow for the reward (`minTier`); a lower one is reported as `refused`.
 */
function useCosts(reward: string, slots: string, bond: string, chosen: string) {
  const { reader } = useSession();
  return useLoad(async () => {
    const wei = /^\d+(\.\d+)?$/.test(reward) ? parseUnits(reward, 18) : 0n;
    const n = /^\d+$/.test(slots) ? BigInt(slots) : 0n;
    const params = await reader.escrow.params();
    const least = await reader.escrow.minTier(reader.addresses.token, wei);
    const tier = chosen === "" ? least : BigInt(chosen);
    // The court bond (LABEL, at least the cost of every jury round of the tier's court) and the value
    // bond (the reward's worth): on this LABEL task each labeler and challenger posts both in one bond.
    const { courtBond: floor, valueBond } = await reader.escrow.bondFloor(wei, tier);
    const court = /^\d+(\.\d+)?$/.test(bond) ? parseUnits(bond, 18) : floor;
    const posted = court + valueBond;
    const fee = (wei * params.feeBps) / 10_000n;
    const version = await reader.court.tierVersion(tier);
    const [roundCost, courtParams] = await Promise.all([
      reader.court.roundCost(version, 0n),
      reader.court.params(version),
    ]);
    return {
      fee,
      budget: n * (wei + fee),
      least,
      tier,
      refused: tier < least,
      feePerSeat: courtParams.feePerSeat,
      floor,
      court,
      valueBond,
      bond: posted,
      challenge: posted + roundCost,
      feeBps: params.feeBps,
    };
  }, [reward, slots, bond, chosen]);
}

/**
 * The addresses of an expert-only task's allowlist, typed or read from a file: any separator
 * (newlines, commas, spaces); every token must be an address. An empty text is an open task.
 */
function parseLabelers(text: string): { labelers?: string[]; error?: string } {
  const tokens = text.split(/[\s,;]+/).filter(Boolean);
  if (tokens.length === 0) return {};
  const bad = tokens.filter((t) => !isAddress(t));
  if (bad.length > 0) return { error: `not an address: ${bad.slice(0, 3).join(", ")}${bad.length > 3 ? ", ..." : ""}` };
  return { labelers: tokens };
}

/**
 * The spec builder: items, label classes, reward, slots, bond, court tier and windows, with the costs
 * shown before signing.
 */
export function CreateTask() {
  const { wallet, run } = useSession();
  const [title, setTitle] = useState("");
  const [instructions, setInstructions] = useState("");
  const [items, setItems] = useState<DatasetItem[]>([]);
  const [classes, setClasses] = useState("cat, dog, none");
  const [reward, setReward] = useState("40");
  const [slots, setSlots] = useState("2");
  const [bond, setBond] = useState("");
  const [deadline, setDeadline] = useState(() => toLocalInput(Math.floor(Date.now() / 1000) + 7 * DAY));
  const [challengeHours, setChallengeHours] = useState("24");
  const [created, setCreated] = useState<string>();
  const [allowlist, setAllowlist] = useState("");
  const [tier, setTier] = useState("");
  const tiers = useCourtTiers();
  const costs = useCosts(reward, slots, bond, tier);
  const refused = costs.value?.refused ?? false;
  const experts = parseLabelers(allowlist);

  async function onFiles(files: FileList | null) {
    const list: DatasetItem[] = [];
    for (const file of Array.from(files ?? [])) {
      list.push({ id: file.name, contentHash: itemContentHash(new Uint8Array(await file.arrayBuffer())) });
    }
    setItems(list);
  }

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (!wallet) return;
    const values = classes
      .split(",")
      .map((c) => c.trim())
      .filter(Boolean);
    await run("Create task", async () => {
      const spec = buildSpec({
        title,
        instructions,
        items,
        labelSchema: { enum: values },
        requesterEncryptionKey: (await wallet.requester.requesterKey()).publicKey,
        ...(experts.labelers ? { labelers: experts.labelers } : {}),
      });
      const result = await wallet.requester.createTask({
        reward,
        slots: BigInt(slots),
        ...(bond ? { bond } : {}),
        ...(tier !== "" ? { tier: BigInt(tier) } : {}),
        deadline: fromLocalInput(deadline),
        challengePeriod: BigInt(Math.round(Number(challengeHours) * 3600)),
        spec,
      });
      setCreated(`Task ${result.taskId} created; its spec is ${result.specURI}.`);
      return result;
    });
  }

  return (
    <section aria-labelledby="create-title">
      <h2 id="create-title">Create a task</h2>
      <form onSubmit={submit}>
        <Field label="Title">
          {(id) => <input id={id} value={title} onChange={(e) => setTitle(e.target.value)} required />}
        </Field>
        <Field label="Instructions for labelers">
          {(id) => (
            <textarea
              id={id}
              value={instructions}
              onChange={(e) => setInstructions(e.target.value)}
              required
              rows={3}
            />
          )}
        </Field>
        <Field label="Items to label" hint="Each file becomes an item named after it, with its SHA-256 in the spec.">
          {(id) => <input id={id} type="file" multiple onChange={(e) => void onFiles(e.target.files)} />}
        </Field>
        {items.length > 0 ? (
          <ul aria-label="Items">
            {items.map((i) => (
              <li key={i.id}>
                {i.id} <code>{short(i.contentHash)}</code>
              </li>
            ))}
          </ul>
        ) : null}
        <Field label="Label classes" hint="Comma-separated: each item's label is one of them.">
          {(id) => <input id={id} value={classes} onChange={(e) => setClasses(e.target.value)} required />}
        </Field>
        <Field label="Reward per accepted submission (LABEL)">
          {(id) => (
            <input id={id} inputMode="decimal" value={reward} onChange={(e) => setReward(e.target.value)} required />
          )}
        </Field>
        <Field label="Slots (accepted submissions paid)">
          {(id) => (
            <input id={id} inputMode="numeric" value={slots} onChange={(e) => setSlots(e.target.value)} required />
          )}
        </Field>
        <Field
          label="Court bond per submission (LABEL)"
          hint="Empty: the escrow's floor, the cost of every jury round. The value bond (the reward) is added to it."
        >
          {(id) => <input id={id} inputMode="decimal" value={bond} onChange={(e) => setBond(e.target.value)} />}
        </Field>
        <Field
          label="Court tier"
          hint="The court that decides challenges. Default: the least tier the escrow allows for this reward; a higher tier pays its jurors more per seat and raises the bond's floor."
        >
          {(id) => (
            <select
              id={id}
              value={tier !== "" ? tier : (costs.value?.least.toString() ?? "0")}
              onChange={(e) => setTier(e.target.value)}
            >
              {(tiers.value ?? []).map((t) => (
                <option key={t.tier} value={t.tier.toString()}>
                  Tier {t.tier}: {amount(t.feePerSeat)} per juror seat
                </option>
              ))}
            </select>
          )}
        </Field>
        {tiers.error ? <p role="alert">{tiers.error}</p> : null}
        {costs.value?.refused ? (
          <p role="alert" data-testid="tier-refused">
            A reward of {reward} LABEL needs court tier {costs.value.least.toString()} or higher: tier{" "}
            {costs.value.tier.toString()} is below the escrow's tier bands.
          </p>
        ) : null}
        <Field label="Submissions close (local time)">
          {(id) => (
            <input
              id={id}
              type="datetime-local"
              value={deadline}
              onChange={(e) => setDeadline(e.target.value)}
              required
            />
          )}
        </Field>
        <Field label="Challenge period (hours)">
          {(id) => (
            <input
              id={id}
              inputMode="decimal"
              value={challengeHours}
              onChange={(e) => setChallengeHours(e.target.value)}
              required
            />
          )}
        </Field>
        <Field
          label="Expert-only: allowed labelers (optional)"
          hint="Addresses separated by new lines, commas or spaces, typed or loaded from a file. They are published in the spec; the task records their Merkle root. Empty: anyone may submit."
        >
          {(id) => (
            <textarea
              id={id}
              value={allowlist}
              onChange={(e) => setAllowlist(e.target.value)}
              rows={3}
              data-testid="allowlist"
            />
          )}
        </Field>
        <Field label="Load the allowed labelers from a file (.txt or .csv)">
          {(id) => (
            <input
              id={id}
              type="file"
              accept=".txt,.csv,text/plain,text/csv"
              onChange={(e) => void e.target.files?.[0]?.text().then(setAllowlist)}
            />
          )}
        </Field>
        {experts.error ? <p role="alert">{experts.error}</p> : null}
        {experts.labelers ? (
          <p data-testid="allowlist-summary">
            Expert-only: {new Set(experts.labelers.map((a) => a.toLowerCase())).size} labelers, root{" "}
            <code>{short(buildAllowlist(experts.labelers).root)}</code>
          </p>
        ) : null}
        <Loaded state={costs}>
          {(c) => (
            <dl aria-label="Costs before signing" data-testid="costs">
              <dt>Budget escrowed now</dt>
              <dd data-testid="budget">
                {amount(c.budget)} ({slots} × (reward + {Number(c.feeBps) / 100} % fee of {amount(c.fee)}))
              </dd>
              <dt>Court tier</dt>
              <dd data-testid="tier">
                Tier {c.tier.toString()}: its jurors are paid {amount(c.feePerSeat)} per seat
              </dd>
              <dt>Labeler's bond per submission</dt>
              <dd data-testid="bond">
                {amount(c.bond)} (court bond {amount(c.court)}, floor {amount(c.floor)}; value bond{" "}
                {amount(c.valueBond)})
              </dd>
              <dt>What a challenge of yours posts</dt>
              <dd>{amount(c.challenge)} (the bond and the first jury round)</dd>
            </dl>
          )}
        </Loaded>
        <button type="submit" disabled={!wallet || items.length === 0 || Boolean(experts.error) || refused}>
          Sign and create the task
        </button>
      </form>
      {created ? <p data-testid="created">{created}</p> : null}
    </section>
  );
}
