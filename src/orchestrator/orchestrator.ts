import { setTimeout as sleep } from 'node:timers/promises';
import { isDatabaseUnavailable } from '../db/unavailable';
import { performance } from 'node:perf_hooks';
import type { AgentRuntime } from '../runtime/agent-runtime';
import { CapabilityError, type CapabilityWarning, type Provenance, type RequestCtx } from '../runtime/capability';
import type { CompiledPattern, PatternStepDefinition } from './pattern-definition';
import { resolveTemplates, templateReferences } from './templates';
import type { InputIssue } from '../shared/errors';
import { ROOT_CONTEXT, SpanStatusCode, trace as otelTrace, type Context as OtelContext } from '@opentelemetry/api';
import { tracer } from '../observability/tracing';

/** Where a step of a run stands: RUNNING, then SUCCESS, FAILED, or SKIPPED when a step it depends on did not succeed. */
export type StepStatus = 'RUNNING' | 'SUCCESS' | 'FAILED' | 'SKIPPED';
/** Outcome of a whole run: SUCCESS when every step succeeded, FAILED when a required step failed, PARTIAL otherwise. */
export type OrchestrationStatus = 'SUCCESS' | 'PARTIAL' | 'FAILED';

/** Why a step did not succeed: a code of the execution error catalogue, a message, and whether retrying may help. */
export interface StepError {
  code: string;
  message: string;
  retryable: boolean;
}

/**
 * What happened to one step of a run (agent, status, attempts, timing, warnings, error);
 * executions store these as their step traces.
 */
export interface StepTrace {
  stepId: string;
  capability: string;
  agent: string | null;
  status: StepStatus;
  optional: boolean;
  attempt: number;
  startedAt: Date | null;
  finishedAt: Date | null;
  durationMs: number | null;
  warnings: CapabilityWarning[];
  error: StepError | null;
}

/** A warning of a run: what a step's capability reported, with the step's id. */
export interface RunWarning {
  code: string;
  message: string;
  symbol: string | null;
  stepId: string;
  /** The data leaves out part of what was asked for (see CapabilityWarning.incomplete). */
  incomplete: boolean;
}

/**
 * Progress of a run, reported whenever a step changes status: which step, its status, and how many
 * of the steps have settled.
 */
export interface StepEvent {
  stepId: string;
  status: StepStatus;
  done: number;
  total: number;
}

/**
 * What a run produced: its status, the output built from the pattern's output template, every
 * step's trace, the errors, and the provenance and warnings the steps returned. A run whose steps
 * all succeeded but whose data is incomplete (a warning marked `incomplete`) is PARTIAL.
 */
export interface OrchestrationResult {
  /** The steps' status, lowered from SUCCESS to PARTIAL when a warning says the data is incomplete. */
  status: OrchestrationStatus;
  /** The status the steps alone give: what confidence weighs (incomplete data already lowers the data's own confidence). */
  stepsStatus: OrchestrationStatus;
  output: Record<string, unknown>;
  steps: StepTrace[];
  errors: (StepError & { stepId: string })[];
  provenance: Provenance[];
  /** Every step's warnings, in plan order (so a rerun lists them in the same order). */
  warnings: RunWarning[];
}

/** How many steps of a run may run at once, and the time limit of a step whose pattern sets none. */
export interface OrchestratorOptions {
  maxConcurrency: number;
  defaultStepTimeoutMs: number;
}

/** Four steps at a time, ten seconds for a step without its own limit. */
export const DEFAULT_ORCHESTRATOR_OPTIONS: OrchestratorOptions = { maxConcurrency: 4, defaultStepTimeoutMs: 10_000 };

/**
 * Runs a compiled pattern: every step whose upstream steps succeeded starts at once (up to
 * maxConcurrency), each behind the runtime's breaker and its timeout. A failed optional step
 * leaves the run PARTIAL; a failed required step makes it FAILED. Either way, steps that
 * depend on a failed step do not run (SKIPPED), and everything else carries on.
 */
export class Orchestrator {
  constructor(
    private readonly runtime: AgentRuntime,
    private readonly options: OrchestratorOptions = DEFAULT_ORCHESTRATOR_OPTIONS,
  ) {}

  /**
   * What the pattern's capabilities can tell about a run before it starts: each step's arguments
   * that come from the inputs and ctx alone are resolved and handed to its capability's check.
   * A problem is reported at the input it came from (`inputs.start`), else at the step argument.
   */
  checkInputs(pattern: CompiledPattern, ctx: RequestCtx, inputs: Record<string, unknown>): InputIssue[] {
    const issues: InputIssue[] = [];
    for (const step of pattern.definition.steps) {
      const known: Record<string, unknown> = {};
      const inputOf = new Map<string, string>();
      for (const [arg, template] of Object.entries(step.args)) {
        const references = templateReferences(template);
        if (references.some((r) => r.root === 'state')) continue; // decided by an earlier step
        const value = resolveTemplates(template, { inputs, state: {}, ctx });
        if (value !== undefined) known[arg] = value;
        const input = references.find((r) => r.root === 'inputs' && r.segments.length > 0);
        if (input && inputs[input.segments[0]] !== undefined) inputOf.set(arg, `inputs.${input.segments.join('.')}`);
      }
      for (const issue of this.runtime.checkArgs(step.capability, known, ctx)) {
        issues.push({ path: inputOf.get(issue.arg) ?? `steps.${step.id}.args.${issue.arg}`, message: issue.message });
      }
    }
    return issues;
  }

  async run(
    pattern: CompiledPattern,
    ctx: RequestCtx,
    inputs: Record<string, unknown>,
    hooks: { onStep?: (event: StepEvent) => void; signal?: AbortSignal; traceContext?: OtelContext } = {},
  ): Promise<OrchestrationResult> {
    const { definition, plan } = pattern;
    const stepsById = new Map(definition.steps.map((s) => [s.id, s]));
    const traces = new Map<string, StepTrace>(
      definition.steps.map((s) => [
        s.id,
        {
          stepId: s.id,
          capability: s.capability,
          agent: this.runtime.agentOf(s.capability) ?? null,
          status: 'RUNNING',
          optional: s.optional === true,
          attempt: 0,
          startedAt: null,
          finishedAt: null,
          durationMs: null,
          warnings: [],
          error: null,
        },
      ]),
    );
    const state: Record<string, unknown> = {};
    const provenance: Provenance[] = [];
    const settled = new Set<string>();
    const running = new Map<string, Promise<void>>();
    const total = definition.steps.length;
    const emit = (stepId: string, status: StepStatus) => hooks.onStep?.({ stepId, status, done: settled.size, total });

    const settle = (stepId: string, status: StepStatus) => {
      traces.get(stepId)!.status = status;
      settled.add(stepId);
      emit(stepId, status);
    };

    // Skip, transitively, everything downstream of a step that did not succeed.
    const skipDependents = (failed: string) => {
      for (const id of plan.order) {
        if (settled.has(id) || running.has(id)) continue;
        if (plan.dependsOn[id].some((up) => up === failed)) {
          const trace = traces.get(id)!;
          trace.error = { code: 'UPSTREAM_FAILED', message: `not run: step "${failed}" did not succeed`, retryable: false };
          settle(id, 'SKIPPED');
          skipDependents(id);
        }
      }
    };

    const start = (step: PatternStepDefinition) => {
      const trace = traces.get(step.id)!;
      const task = (async () => {
        const scope = { inputs, state, ctx };
        const args = resolveTemplates(step.args, scope) as Record<string, unknown>;
        trace.startedAt = new Date();
        emit(step.id, 'RUNNING');
        const began = performance.now();
        const span = tracer().startSpan(
          `step ${step.id}`,
          { attributes: { 'freshgate.step': step.id, 'freshgate.capability': step.capability } },
          hooks.traceContext ?? ROOT_CONTEXT,
        );
        const stepContext = otelTrace.setSpan(hooks.traceContext ?? ROOT_CONTEXT, span);
        const attempts = 1 + (step.retries ?? 0);
        let outageRetries = 0;
        for (let attempt = 1; attempt <= attempts + outageRetries; attempt++) {
          trace.attempt = attempt;
          try {
            const { result } = await this.runtime.invoke(step.capability, ctx, args, {
              timeoutMs: step.timeoutMs ?? this.options.defaultStepTimeoutMs,
              signal: hooks.signal,
              traceContext: stepContext,
            });
            state[step.id] = result.data;
            provenance.push(...result.provenance);
            trace.warnings = result.warnings ?? [];
            trace.error = null;
            break;
          } catch (error) {
            trace.error = toStepError(error);
            // A dropped database connection is not the step's fault: retried on top of the step's
            // own retries, after a pause, a few times (the pool replaces the connection meanwhile).
            if (trace.error.code === DATABASE_UNAVAILABLE && outageRetries < OUTAGE_RETRIES) {
              outageRetries++;
              await sleep(OUTAGE_PAUSE_MS * outageRetries);
              continue;
            }
            if (!trace.error.retryable || attempt >= attempts + outageRetries) break;
          }
        }
        trace.finishedAt = new Date();
        trace.durationMs = performance.now() - began;
        span.setAttribute('freshgate.attempts', trace.attempt);
        if (trace.error) span.setStatus({ code: SpanStatusCode.ERROR, message: `${trace.error.code}: ${trace.error.message}` });
        span.end();
        settle(step.id, trace.error ? 'FAILED' : 'SUCCESS');
        if (trace.error) skipDependents(step.id);
      })();
      running.set(
        step.id,
        task.finally(() => running.delete(step.id)),
      );
    };

    while (settled.size < total) {
      for (const id of plan.order) {
        if (running.size >= this.options.maxConcurrency) break;
        if (settled.has(id) || running.has(id)) continue;
        if (plan.dependsOn[id].every((up) => traces.get(up)!.status === 'SUCCESS' && settled.has(up))) start(stepsById.get(id)!);
      }
      if (running.size === 0) break; // nothing runnable is left: the rest was skipped
      await Promise.race(running.values());
    }

    const steps = plan.order.map((id) => traces.get(id)!);
    const notSucceeded = steps.filter((s) => s.status !== 'SUCCESS');
    // FAILED only when a required step itself failed; a required step skipped because an
    // optional one failed leaves the run PARTIAL (the output schema judges what is missing).
    const stepsStatus: OrchestrationStatus =
      notSucceeded.length === 0 ? 'SUCCESS' : notSucceeded.some((s) => !s.optional && s.status === 'FAILED') ? 'FAILED' : 'PARTIAL';
    // Every step succeeded, but one says its data leaves something out (a holding left unvalued):
    // the result is not the whole answer, and its status says so.
    const incomplete = steps.some((s) => s.warnings.some((w) => w.incomplete === true));
    const status: OrchestrationStatus = stepsStatus === 'SUCCESS' && incomplete ? 'PARTIAL' : stepsStatus;
    const output = (resolveTemplates(definition.output, { inputs, state, ctx }) ?? {}) as Record<string, unknown>;
    return {
      status,
      stepsStatus,
      output,
      steps,
      errors: notSucceeded.filter((s) => s.error).map((s) => ({ stepId: s.stepId, ...s.error! })),
      provenance,
      warnings: steps.flatMap((s) =>
        s.warnings.map((w) => ({
          code: w.code,
          message: w.message,
          symbol: w.symbol ?? null,
          stepId: s.stepId,
          incomplete: w.incomplete === true,
        })),
      ),
    };
  }
}

const DATABASE_UNAVAILABLE = 'DATABASE_UNAVAILABLE';
const OUTAGE_RETRIES = 3;
const OUTAGE_PAUSE_MS = 200;

function toStepError(error: unknown): StepError {
  if (error instanceof CapabilityError) return { code: error.code, message: error.message, retryable: error.retryable };
  if (isDatabaseUnavailable(error)) return { code: DATABASE_UNAVAILABLE, message: 'the database was unavailable', retryable: true };
  return { code: 'STEP_FAILED', message: error instanceof Error ? error.message : String(error), retryable: false };
}
