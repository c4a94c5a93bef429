import type { TaskSummary } from "@annota/sdk";
import { useState } from "react";

import { TodoPanel } from "../components/common.js";
import { BondBalance } from "./labeler/Bonds.js";
import { OpenTasks, TaskDetail } from "./labeler/Browse.js";
import { MySubmissions, Portfolio } from "./labeler/Mine.js";

export function Labeler() {
  const [task, setTask] = useState<TaskSummary>();
  return (
    <>
      <TodoPanel
        role="labeler"
        actions={["finalize", "withdraw", "claim-shares", "claim-royalties", "disclose", "appeal", "finalize-dispute"]}
      />
      <OpenTasks onPick={setTask} />
      {task ? <TaskDetail task={task} /> : null}
      <BondBalance {...(task ? { defaultBond: task.bond } : {})} />
      <MySubmissions />
      <Portfolio />
    </>
  );
}
