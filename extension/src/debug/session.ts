// The Weft debug adapter: one DAP session over the Stepper. The same class runs inline in VS Code and as
// the standalone `node extension/out/debug-adapter.js` on stdio.
import { readFileSync } from 'node:fs';
import {
  InitializedEvent,
  LoggingDebugSession,
  OutputEvent,
  Source,
  StackFrame,
  StoppedEvent,
  TerminatedEvent,
  Thread,
} from '@vscode/debugadapter';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { BreakpointTable } from './breakpoints.js';
import type { JournalSink } from './journal-sink.js';
import { allSpecs } from './keys.js';
import { type LaunchArguments, LaunchError, type Prepared, prepareLaunch } from './launch.js';
import { RunScopes } from './run-scopes.js';
import { type DebuggedRun, liveRun, replayRun } from './runs.js';
import { type StepMap, stepMapOf } from './step-map.js';
import type { Advance, ExceptionFilter, Point, Stepper } from './stepper.js';
import { EXCEPTION_FILTERS, framesOf, type Mode, stepStops } from './stepping.js';

const THREAD = 1;
type Reason = 'entry' | 'breakpoint' | 'function breakpoint' | 'step' | 'exception' | 'pause' | 'goto';

export class WeftDebugSession extends LoggingDebugSession {
  private prepared: Prepared | undefined;
  private args: LaunchArguments = {};
  private stepper: Stepper | undefined;
  private sink: JournalSink | undefined;
  private runId = '';
  private point: Point | undefined;
  private readonly breakpoints = new BreakpointTable();
  private filters = new Set<ExceptionFilter>(['stepFailed', 'budget']);
  private readonly maps = new Map<string, StepMap>();
  private readonly scopes = new RunScopes();
  private frames: string[] = [];
  private configured!: () => void;
  private readonly configurationDone = new Promise<void>((resolve) => {
    this.configured = resolve;
  });
  private running: Promise<void> | undefined;
  private startedAt = 0;

  constructor() {
    super();
    this.setDebuggerLinesStartAt1(true);
    this.setDebuggerColumnsStartAt1(true);
  }

  protected override initializeRequest(response: DebugProtocol.InitializeResponse): void {
    response.body = {
      supportsConfigurationDoneRequest: true,
      supportsConditionalBreakpoints: true,
      supportsHitConditionalBreakpoints: true,
      supportsLogPoints: true,
      supportsFunctionBreakpoints: true,
      supportsEvaluateForHovers: true,
      supportsSetVariable: true,
      supportsStepBack: true,
      supportsRestartRequest: true,
      supportsTerminateRequest: true,
      exceptionBreakpointFilters: EXCEPTION_FILTERS,
    };
    this.sendResponse(response);
  }

  protected override configurationDoneRequest(response: DebugProtocol.ConfigurationDoneResponse): void {
    this.configured();
    this.sendResponse(response);
  }

  protected override async launchRequest(
    response: DebugProtocol.LaunchResponse,
    args: DebugProtocol.LaunchRequestArguments & LaunchArguments,
  ): Promise<void> {
    try {
      this.args = args;
      await this.prepareRun();
    } catch (error) {
      this.sendErrorResponse(response, { id: 1, format: (error as Error).message, showUser: true });
      return;
    }
    // Ready for breakpoints once the workflow is known (function breakpoints are checked against it).
    this.sendEvent(new InitializedEvent());
    await this.configurationDone;
    if (this.args.forkFrom) {
      try {
        await this.forkAt(this.args.forkFrom);
      } catch (error) {
        this.sendErrorResponse(response, { id: 1, format: (error as Error).message, showUser: true });
        return;
      }
    }
    this.sendResponse(response);
    this.go(this.args.stopOnEntry ? 'stepIn' : 'continue', this.args.stopOnEntry ? 'entry' : undefined);
  }

  /** Prepares the run (a launch or a restart): check, inputs, recording, journal. */
  private async prepareRun(): Promise<void> {
    const prepared = prepareLaunch(this.args, process.env);
    this.prepared = prepared;
    this.maps.set(prepared.program, prepared.stepMap);
    this.breakpoints.resetHits();
    this.point = undefined;
    this.startedAt = Date.now();
    if (prepared.recording) {
      const { recording } = prepared;
      this.use(replayRun(prepared, recording));
      this.output(`Replaying run ${this.runId} from ${recording.file}: no model or tool is called.\n`);
      if (recording.note) this.output(`${recording.note} (left out)\n`, 'stderr');
      if (prepared.divergence) {
        this.output(
          `The workflow changed since the recording: step ${prepared.divergence} is the first that differs.\n`,
          'stderr',
        );
      }
      return;
    }
    this.use(await liveRun(prepared));
  }

  private use(run: DebuggedRun): void {
    this.runId = run.runId;
    this.stepper = run.stepper;
    this.sink = run.sink;
  }

  private output(text: string, category: 'console' | 'stdout' | 'stderr' = 'console'): void {
    this.sendEvent(new OutputEvent(text, category));
  }

  /** Runs the stepper in `mode` from where it stands, then reports the stop or the end. */
  private go(mode: Mode, firstReason?: Reason): void {
    const stepper = this.stepper;
    if (!stepper || this.running) return;
    const from = this.point;
    this.scopes.reset();
    this.running = (async () => {
      let outcome: Advance<Reason>;
      try {
        outcome = await stepper.advance<Reason>((point) => firstReason ?? this.stopReason(mode, from, point));
      } catch (error) {
        this.output(`The debugger failed: ${(error as Error).stack ?? error}\n`, 'stderr');
        this.sendEvent(new TerminatedEvent());
        return;
      }
      if ('stopped' in outcome) this.stopped(outcome.stopped, outcome.reason);
      else await this.finished(outcome.ended);
    })().finally(() => {
      this.running = undefined;
    });
  }

  private stopped(point: Point, reason: Reason): void {
    this.point = point;
    const where = point.kind === 'before' ? 'before' : point.kind === 'after' ? 'after' : 'at';
    const text = point.exception?.message ?? `${where} step ${point.key}`;
    const event = new StoppedEvent(reason, THREAD, text) as DebugProtocol.StoppedEvent;
    event.body.description = text;
    if (point.exception) this.output(`${point.exception.message}\n`, 'stderr');
    this.sendEvent(event);
  }

  private async finished(ended: NonNullable<Stepper['ended']>): Promise<void> {
    await this.sink?.close();
    const summary =
      ended.status === 'succeeded'
        ? `Run ${this.runId} succeeded. Outputs: ${JSON.stringify(ended.outputs, null, 2)}\n`
        : ended.status === 'failed'
          ? `Run ${this.runId} failed: ${ended.error.code}: ${ended.error.message}\n`
          : `Run ${this.runId} was cancelled.\n`;
    this.output(summary, ended.status === 'failed' ? 'stderr' : 'console');
    this.sendEvent({
      seq: 0,
      type: 'event',
      event: 'weft/ended',
      body: { runId: this.runId, ...ended },
    } as DebugProtocol.Event);
    this.sendEvent(new TerminatedEvent());
  }

  private stopReason(mode: Mode, from: Point | undefined, point: Point): Reason | undefined {
    if (point.kind === 'exception') {
      return point.exception &&
        (point.exception.filter === 'diverged' || this.filters.has(point.exception.filter))
        ? 'exception'
        : undefined;
    }
    if ((point.kind === 'before' || point.decision) && this.prepared) {
      const verdicts = this.breakpoints.reach(this.prepared.program, point.stepId, () =>
        this.scopes.expressionScope(this.stepper!, point.key),
      );
      let stop: Reason | undefined;
      for (const verdict of verdicts) {
        if ('log' in verdict) this.output(`${verdict.log}\n`);
        else if ('error' in verdict) {
          this.output(`${verdict.error}\n`, 'stderr');
          stop = 'breakpoint';
        } else stop = verdict.stop.function ? 'function breakpoint' : 'breakpoint';
      }
      if (stop) return stop;
    }
    return stepStops(mode, from, point) ? 'step' : undefined;
  }

  protected override setBreakPointsRequest(
    response: DebugProtocol.SetBreakpointsResponse,
    args: DebugProtocol.SetBreakpointsArguments,
  ): void {
    const file = args.source.path ?? '';
    let map = this.maps.get(file);
    if (!map) {
      try {
        map = stepMapOf(readFileSync(file, 'utf8'));
      } catch {
        map = { steps: [], byId: new Map(), workflowLine: 1 };
      }
      this.maps.set(file, map);
    }
    response.body = { breakpoints: this.breakpoints.setLines(file, map, args.breakpoints ?? []) };
    this.sendResponse(response);
  }

  protected override setFunctionBreakPointsRequest(
    response: DebugProtocol.SetFunctionBreakpointsResponse,
    args: DebugProtocol.SetFunctionBreakpointsArguments,
  ): void {
    const ids = (): Set<string> => {
      const known = new Set<string>();
      if (this.prepared) for (const spec of allSpecs(this.prepared.definition)) known.add(spec.id);
      for (const map of this.maps.values()) for (const step of map.steps) known.add(step.id);
      return known;
    };
    const known = ids();
    response.body = { breakpoints: this.breakpoints.setFunctions(args.breakpoints, (id) => known.has(id)) };
    this.sendResponse(response);
  }

  protected override setExceptionBreakPointsRequest(
    response: DebugProtocol.SetExceptionBreakpointsResponse,
    args: DebugProtocol.SetExceptionBreakpointsArguments,
  ): void {
    this.filters = new Set(args.filters as ExceptionFilter[]);
    this.sendResponse(response);
  }

  protected override threadsRequest(response: DebugProtocol.ThreadsResponse): void {
    response.body = { threads: [new Thread(THREAD, `run ${this.runId || 'starting'}`)] };
    this.sendResponse(response);
  }

  protected override stackTraceRequest(response: DebugProtocol.StackTraceResponse): void {
    const prepared = this.prepared;
    const point = this.point;
    if (!prepared || !point || !this.stepper) {
      response.body = { stackFrames: [], totalFrames: 0 };
      this.sendResponse(response);
      return;
    }
    const source = new Source(prepared.program.split(/[\\/]/).pop() ?? prepared.program, prepared.program);
    const shown = framesOf(this.stepper.definition, prepared.stepMap, point);
    this.frames = shown.map((f) => f.key);
    const frames = shown.map((f, id) => new StackFrame(id, f.name, source, f.line, 1));
    response.body = { stackFrames: frames, totalFrames: frames.length };
    this.sendResponse(response);
  }

  protected override scopesRequest(
    response: DebugProtocol.ScopesResponse,
    args: DebugProtocol.ScopesArguments,
  ): void {
    const key = this.frames[args.frameId] ?? this.point?.key ?? '';
    response.body = {
      scopes: this.stepper
        ? this.scopes.scopesFor(this.stepper, key, this.point, this.startedAt, this.runId)
        : [],
    };
    this.sendResponse(response);
  }

  protected override variablesRequest(
    response: DebugProtocol.VariablesResponse,
    args: DebugProtocol.VariablesArguments,
  ): void {
    response.body = { variables: this.scopes.store.children(args.variablesReference) };
    this.sendResponse(response);
  }

  protected override setVariableRequest(
    response: DebugProtocol.SetVariableResponse,
    args: DebugProtocol.SetVariableArguments,
  ): void {
    try {
      if (!this.stepper || this.running) throw new Error('the run is not stopped');
      const variable = this.scopes.setVariable(
        this.stepper,
        this.point,
        args.variablesReference,
        args.name,
        args.value,
      );
      response.body = { value: variable.value, variablesReference: variable.variablesReference };
      this.sendResponse(response);
    } catch (error) {
      this.sendErrorResponse(response, { id: 2, format: (error as Error).message, showUser: true });
    }
  }

  protected override evaluateRequest(
    response: DebugProtocol.EvaluateResponse,
    args: DebugProtocol.EvaluateArguments,
  ): void {
    try {
      if (!this.stepper) throw new Error('no run yet');
      const key = args.frameId !== undefined ? (this.frames[args.frameId] ?? '') : (this.point?.key ?? '');
      const { result, variablesReference } = this.scopes.evaluate(
        this.stepper,
        key || this.point?.key,
        args.expression,
      );
      response.body = { result, variablesReference };
      this.sendResponse(response);
    } catch (error) {
      this.sendErrorResponse(response, {
        id: 3,
        format: (error as Error).message,
        showUser: args.context === 'repl',
      });
    }
  }

  protected override continueRequest(response: DebugProtocol.ContinueResponse): void {
    response.body = { allThreadsContinued: true };
    this.sendResponse(response);
    this.go('continue');
  }

  protected override nextRequest(response: DebugProtocol.NextResponse): void {
    this.sendResponse(response);
    this.go('next');
  }

  protected override stepInRequest(response: DebugProtocol.StepInResponse): void {
    this.sendResponse(response);
    this.go('stepIn');
  }

  protected override stepOutRequest(response: DebugProtocol.StepOutResponse): void {
    this.sendResponse(response);
    this.go('stepOut');
  }

  protected override pauseRequest(response: DebugProtocol.PauseResponse): void {
    this.stepper?.pause();
    this.sendResponse(response);
  }

  private rewind(response: DebugProtocol.Response, pick: (history: Stepper['history']) => number): void {
    const stepper = this.stepper;
    if (!stepper || this.running) {
      this.sendErrorResponse(response, { id: 4, format: 'the run is not stopped' });
      return;
    }
    if (stepper.executor.live) {
      const format =
        'Step Back works on a replay: debug with "replay": "<run id or journal path>" to go back through a recorded run';
      this.sendErrorResponse(response, { id: 4, format, showUser: true });
      return;
    }
    const index = Math.max(0, pick(stepper.history));
    this.sendResponse(response);
    this.scopes.reset();
    if (stepper.history.length === 0) this.stopped(this.point!, 'step');
    else this.stopped(stepper.rewindTo(index), 'step');
  }

  protected override stepBackRequest(response: DebugProtocol.StepBackResponse): void {
    this.rewind(response, (history) => history.length - 2);
  }

  protected override reverseContinueRequest(response: DebugProtocol.ReverseContinueResponse): void {
    this.rewind(response, (history) => {
      for (let i = history.length - 2; i > 0; i--) {
        const { point } = history[i]!;
        if (point.kind === 'before' && this.breakpoints.has(this.prepared?.program ?? '', point.stepId))
          return i;
      }
      return 0;
    });
  }

  protected override async customRequest(command: string, response: DebugProtocol.Response): Promise<void> {
    if (command !== 'fork') return super.customRequest(command, response, undefined);
    try {
      if (!this.stepper || this.running)
        throw new Error('fork: stop the replay at the step to fork from first');
      await this.fork();
      response.body = { runId: this.runId };
      this.sendResponse(response);
      this.go('stepIn');
    } catch (error) {
      this.sendErrorResponse(response, { id: 5, format: (error as Error).message, showUser: true });
    }
  }

  /** A new live run from where the replay stands: the recorded events so far are kept. */
  private async fork(): Promise<void> {
    const stepper = this.stepper;
    if (!stepper || !this.prepared) throw new Error('fork: nothing to fork');
    if (stepper.executor.live) throw new Error('fork: this run is already live; fork works on a replay');
    const from = this.runId;
    const carried = stepper.journal.slice(1);
    this.use(await liveRun(this.prepared, carried));
    this.point = undefined;
    this.output(
      `Forked run ${from} as ${this.runId}: it keeps the ${carried.length} recorded events before this point and runs the rest for real.\n`,
    );
  }

  /** Replays up to step `stepId` (launch attribute forkFrom), then forks there. */
  private async forkAt(stepId: string): Promise<void> {
    const stepper = this.stepper;
    if (!stepper || stepper.executor.live)
      throw new LaunchError('forkFrom: give the run to fork in "replay"');
    const outcome = await stepper.advance((p) =>
      p.kind === 'before' && p.stepId === stepId ? 'entry' : undefined,
    );
    if (!('stopped' in outcome))
      throw new LaunchError(`forkFrom: the recorded run never reached step ${stepId}`);
    if (outcome.stopped.exception) this.output(`${outcome.stopped.exception.message}\n`, 'stderr');
    await this.fork();
  }

  protected override async restartRequest(response: DebugProtocol.RestartResponse): Promise<void> {
    await this.stopRun();
    try {
      await this.prepareRun();
      this.sendResponse(response);
      this.go(this.args.stopOnEntry ? 'stepIn' : 'continue', this.args.stopOnEntry ? 'entry' : undefined);
    } catch (error) {
      this.sendErrorResponse(response, { id: 6, format: (error as Error).message, showUser: true });
    }
  }

  /** Ends the run as cancelled (a step in flight is aborted) and waits for its journal. */
  private async stopRun(): Promise<void> {
    const stepper = this.stepper;
    if (!stepper) return;
    stepper.terminate();
    if (this.running) await this.running;
    else if (!stepper.ended) {
      await stepper.advance(() => undefined);
    }
    await this.sink?.close();
  }

  protected override async terminateRequest(response: DebugProtocol.TerminateResponse): Promise<void> {
    const wasRunning = this.running !== undefined;
    await this.stopRun();
    this.sendResponse(response);
    if (!wasRunning) {
      this.sendEvent({
        seq: 0,
        type: 'event',
        event: 'weft/ended',
        body: { runId: this.runId, status: 'cancelled' },
      } as DebugProtocol.Event);
      this.sendEvent(new TerminatedEvent());
    }
  }

  protected override async disconnectRequest(response: DebugProtocol.DisconnectResponse): Promise<void> {
    if (this.stepper && !this.stepper.ended) await this.stopRun();
    this.sendResponse(response);
  }
}

export { LaunchError };
