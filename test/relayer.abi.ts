import { expect } from "chai";
import { EventFragment, ErrorFragment, FunctionFragment, Interface } from "ethers";

import { ESCROW_ABI } from "../relayer/chain.js";
import { ITaskEscrowRelay__factory, TaskEscrow__factory } from "../sdk/contracts.js";

/**
 * The relayer reads the escrow through a human-readable ABI of its own (relayer/chain.ts): a struct
 * that gains a field (`getTask`'s `tier`) would shift its decoding silently. Each of its fragments
 * must match the compiled escrow's (TaskEscrow and the relayed path behind its fallback) in name,
 * inputs and outputs.
 */
describe("relayer: its ABI of the escrow matches the compiled one", function () {
  const compiled = [...TaskEscrow__factory.abi, ...ITaskEscrowRelay__factory.abi];
  const find = (kind: string, name: string) => {
    const found = compiled.filter((f) => f.type === kind && "name" in f && f.name === name);
    expect(found, `${kind} ${name} in the compiled ABIs`).to.not.be.empty;
    return new Interface([found[0]!]).fragments[0]!;
  };
  const types = (params: readonly { format(f: "sighash"): string }[]) => params.map((p) => p.format("sighash"));

  for (const fragment of new Interface(ESCROW_ABI).fragments) {
    const name = "name" in fragment ? String(fragment.name) : fragment.type;
    it(`${fragment.type} ${name}`, function () {
      const other = find(fragment.type, name);
      expect(types(fragment.inputs), "inputs").to.deep.equal(types(other.inputs));
      if (fragment instanceof FunctionFragment) {
        expect(types(fragment.outputs), "outputs").to.deep.equal(types((other as FunctionFragment).outputs));
        expect(fragment.stateMutability, "mutability").to.equal((other as FunctionFragment).stateMutability);
      }
      if (fragment instanceof EventFragment) {
        expect(fragment.topicHash, "topic").to.equal((other as EventFragment).topicHash);
        const indexed = (f: EventFragment) => f.inputs.map((p) => p.indexed === true);
        expect(indexed(fragment), "indexed").to.deep.equal(indexed(other as EventFragment));
      }
      if (fragment instanceof ErrorFragment) expect(fragment.selector).to.equal((other as ErrorFragment).selector);
    });
  }
});
