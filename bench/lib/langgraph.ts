// The LangGraph.js peer: the same workflows as StateGraphs. Each node makes the same offline mock call
// as a Weft llm step (mockGenerate from runtime/src/models/mock.ts, synchronous, a small object back)
// and merges `{ [stepId]: { text } }` into the state through a reducer channel.
import {
  Annotation,
  type BaseCheckpointSaver,
  END,
  MemorySaver,
  START,
  StateGraph,
} from '@langchain/langgraph';
import { SqliteSaver } from '@langchain/langgraph-checkpoint-sqlite';
import { mockGenerate } from '../../runtime/src/models/mock.js';
import { type BenchWorkflow, stepId } from './workflows.js';

type Outputs = Record<string, { text: string }>;

const State = Annotation.Root({
  message: Annotation<string>(),
  outputs: Annotation<Outputs>({
    reducer: (current, update) => ({ ...current, ...update }),
    default: () => ({}),
  }),
});

type StateType = typeof State.State;

function mockCall(prompt: string): { text: string } {
  const response = mockGenerate('mock-1', { messages: [{ role: 'user', content: prompt }] });
  return { text: response.text };
}

/**
 * `sqlite`: SqliteSaver as it comes (WAL; SQLite then syncs the WAL only at checkpoints, not per commit:
 * safe from a process crash, not from a power loss). `sqlite-full`: the same with `PRAGMA synchronous=FULL`,
 * an fsync per commit, the guarantee Weft's journal gives (an fsync per event).
 */
export type Checkpointer = 'memory' | 'sqlite' | 'sqlite-full';

export interface LangGraphRunner {
  run(): Promise<string>;
  close(): void;
}

// StateGraph's builder types track node names literally; the benchmark adds nodes by computed name.
type LooseGraph = {
  addNode(name: string, fn: (state: StateType) => Partial<StateType>): LooseGraph;
  addEdge(from: string | string[], to: string): LooseGraph;
  compile(options: { checkpointer: BaseCheckpointSaver }): {
    invoke(input: Partial<StateType>, config: Record<string, unknown>): Promise<StateType>;
  };
};

/** A compiled graph for `workflow` with a MemorySaver or a SqliteSaver on `sqlitePath`. */
export function langGraphRunner(
  workflow: BenchWorkflow,
  checkpointer: Checkpointer,
  sqlitePath?: string,
): LangGraphRunner {
  const graph = new StateGraph(State) as unknown as LooseGraph;
  const n = workflow.shape === 'linear' ? workflow.steps : workflow.width;
  for (let i = 0; i < n; i++) {
    const id = stepId(i);
    const prev = stepId(i - 1);
    graph.addNode(id, (state) => {
      const prompt =
        workflow.shape === 'fanout'
          ? `Branch ${i}: ${state.message}`
          : i === 0
            ? state.message
            : `Step ${i}: ${state.outputs[prev]?.text}`;
      return { outputs: { [id]: mockCall(prompt) } };
    });
  }
  if (workflow.shape === 'linear') {
    graph.addEdge(START, stepId(0));
    for (let i = 1; i < n; i++) graph.addEdge(stepId(i - 1), stepId(i));
    graph.addEdge(stepId(n - 1), END);
  } else {
    graph.addNode('join', (state) => ({
      outputs: {
        join: mockCall(`Join: ${state.outputs[stepId(0)]?.text} ... ${state.outputs[stepId(n - 1)]?.text}`),
      },
    }));
    const branches = Array.from({ length: n }, (_, i) => stepId(i));
    for (const id of branches) graph.addEdge(START, id);
    graph.addEdge(branches, 'join');
    graph.addEdge('join', END);
  }
  const saver: BaseCheckpointSaver =
    checkpointer === 'memory' ? new MemorySaver() : SqliteSaver.fromConnString(sqlitePath ?? ':memory:');
  const db = (saver as unknown as { db?: { pragma(source: string): unknown; close(): void } }).db;
  if (checkpointer === 'sqlite-full') db?.pragma('synchronous = FULL');
  if (checkpointer === 'sqlite') db?.pragma('synchronous = NORMAL');
  const app = graph.compile({ checkpointer: saver });
  const last = workflow.shape === 'linear' ? stepId(n - 1) : 'join';
  let thread = 0;
  return {
    async run() {
      const state = await app.invoke(
        { message: 'Hello from the benchmark' },
        { configurable: { thread_id: `t${thread++}` }, recursionLimit: workflow.steps + 10 },
      );
      const text = state.outputs[last]?.text;
      if (typeof text !== 'string') throw new Error(`LangGraph run of ${workflow.name} produced no output`);
      return text;
    },
    close() {
      if (saver instanceof SqliteSaver) db?.close();
    },
  };
}
