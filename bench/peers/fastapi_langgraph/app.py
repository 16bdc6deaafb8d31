"""The Python peer of bench/server.ts: FastAPI + uvicorn + LangGraph running the same 3-step mock workflow.

Each node makes the equivalent of Weft's offline mock model call (an instant, deterministic function
returning a small object) and merges {step_id: {"text": ...}} into the state through a reducer.
POST /run with the JSON inputs answers 200 with the outputs, like `weft serve`.
A MemorySaver keeps each run's state under its thread id (Weft's server keeps its runs too).

Run: .cache/bench-venv/bin/uvicorn app:app --app-dir bench/peers/fastapi_langgraph --port 8001
"""

import uuid
from typing import Annotated, Any, TypedDict

from fastapi import FastAPI
from langgraph.checkpoint.memory import InMemorySaver
from langgraph.graph import END, START, StateGraph

STEPS = 3
MODEL = "mock-1"


def merge(current: dict[str, Any], update: dict[str, Any]) -> dict[str, Any]:
    return {**current, **update}


class State(TypedDict):
    message: str
    outputs: Annotated[dict[str, Any], merge]


def mock_generate(prompt: str) -> dict[str, str]:
    """Same text as runtime/src/models/mock.ts produces for a plain prompt."""
    return {"text": f"[{MODEL}] Reply to: {prompt[:80]}"}


def make_node(i: int):
    step_id = f"s{i}"
    previous = f"s{i - 1}"

    async def node(state: State) -> dict[str, Any]:
        prompt = state["message"] if i == 0 else f"Step {i}: {state['outputs'][previous]['text']}"
        return {"outputs": {step_id: mock_generate(prompt)}}

    return node


builder = StateGraph(State)
for i in range(STEPS):
    builder.add_node(f"s{i}", make_node(i))
builder.add_edge(START, "s0")
for i in range(1, STEPS):
    builder.add_edge(f"s{i - 1}", f"s{i}")
builder.add_edge(f"s{STEPS - 1}", END)
graph = builder.compile(checkpointer=InMemorySaver())

app = FastAPI()


@app.get("/health")
async def health() -> dict[str, str]:
    return {"status": "ok"}


@app.post("/run")
async def run(inputs: dict[str, Any]) -> dict[str, Any]:
    run_id = uuid.uuid4().hex
    state = await graph.ainvoke(
        {"message": str(inputs.get("message", "")), "outputs": {}},
        {"configurable": {"thread_id": run_id}},
    )
    return {"runId": run_id, "status": "succeeded", "outputs": {"text": state["outputs"][f"s{STEPS - 1}"]["text"]}}
