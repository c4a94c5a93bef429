import type { TaskSummary } from "@annota/sdk";

import { CardTerms } from "../components/bond.js";
import { Loaded, TodoPanel } from "../components/common.js";
import { when } from "../format.js";
import { useLoad, useSession } from "../session.js";
import { CreateTask } from "./requester/CreateTask.js";
import { SubmissionRow } from "./requester/Submissions.js";
import { BudgetActions, Licensing } from "./requester/TaskActions.js";

/**
 * One of the requester's tasks: its terms and court tier, its submissions, its budget's actions and,
 * once closed, its licences.
 */
function TaskSubmissions({ task }: { task: TaskSummary }) {
  const { lists, reader } = useSession();
  const state = useLoad(
    async () => ({ items: await lists.submissions(task.taskId), now: await reader.now() }),
    [task.taskId],
  );
  return (
    <article data-testid={`task-${task.taskId}`}>
      <h3>
        Task {task.taskId.toString()}: {task.accepted}/{task.slots} accepted, {task.held} held,{" "}
        {task.cancelled ? "cancelled, " : ""}closes {when(task.deadline)}
      </h3>
      <p>
        <CardTerms taskId={task.taskId} />
      </p>
      <Loaded state={state}>
        {({ items, now }) => (
          <>
            <BudgetActions task={task} now={now} />
            {items.length === 0 ? (
              <p>No submission yet.</p>
            ) : (
              <div className="table-scroll">
                <table>
                  <thead>
                    <tr>
                      <th>Submission</th>
                      <th>Labeler</th>
                      <th>Status</th>
                      <th>Challenge ends</th>
                      <th>Actions</th>
                    </tr>
                  </thead>
                  <tbody>
                    {items.map((s) => (
                      <SubmissionRow key={s.submissionId.toString()} submission={s} now={now} />
                    ))}
                  </tbody>
                </table>
              </div>
            )}
            <Licensing task={task} now={now} />
          </>
        )}
      </Loaded>
    </article>
  );
}

function MyTasks() {
  const { wallet, lists } = useSession();
  const address = wallet?.address;
  const tasks = useLoad(async () => (address ? lists.tasks({ requester: address }) : []), [address]);
  return (
    <section aria-labelledby="mine-title">
      <h2 id="mine-title">Your tasks and their submissions</h2>
      <Loaded state={tasks}>
        {(items) =>
          items.length === 0 ? (
            <p>No task yet.</p>
          ) : (
            items.map((t) => <TaskSubmissions key={t.taskId.toString()} task={t} />)
          )
        }
      </Loaded>
    </section>
  );
}

export function Requester() {
  return (
    <>
      <TodoPanel
        role="requester"
        actions={["accept-or-review", "finalize", "reclaim", "withdraw", "disclose", "appeal", "finalize-dispute"]}
      />
      <CreateTask />
      <MyTasks />
    </>
  );
}
