import type { AuditWriter } from '../data/data-layer';
import type { ExecutionRecord, ExecutionRepository } from '../data/executions/execution-repository';
import { AppError } from '../shared/errors';
import type { Actor as ExportCaller } from '../shared/actor';
import { renderDocument, type ExportDocument, type ExportFormat } from './export-documents';
import type { RightsRegistrySource } from './rights-registry-source';
import { sourcesLacking, watermarkRequired } from './rights-check';

/** An execution rendered for export, with the attributions of the sources its result used. */
export interface ExportedExecution extends ExportDocument {
  attributions: ExecutionRecord['attributions'];
}

const notFound = (id: string) => new AppError('NOT_FOUND', `No execution ${id}`, { executionId: id });

/**
 * exportExecution: a stored result as a document to take away, under the rights registry.
 * Every source must allow export; a refusal is recorded in the audit log as a rights
 * violation — the only write a refused export makes.
 */
export class ExportExecution {
  constructor(
    private readonly deps: {
      audit: AuditWriter;
      executions: ExecutionRepository;
      rights: RightsRegistrySource;
      onViolation?: (blockedSources: string[]) => void;
    },
  ) {}

  /** Refuses (and audits) an export the registry does not allow; unknown ids pass to the resolver's NOT_FOUND. */
  async assertExportable(caller: ExportCaller, executionId: string, format: string): Promise<void> {
    const execution = await this.deps.executions.findForTenant(caller.tenantId, executionId);
    if (execution) await this.check(caller, execution, format);
  }

  async export(caller: ExportCaller, executionId: string, format: ExportFormat, now = new Date()): Promise<ExportedExecution> {
    const execution = await this.deps.executions.findForTenant(caller.tenantId, executionId);
    if (!execution) throw notFound(executionId);
    if (execution.status === 'RUNNING' || execution.status === 'FAILED') {
      throw new AppError('BAD_USER_INPUT', `Execution ${executionId} is ${execution.status} and has no result to export`, { path: ['id'] });
    }
    await this.check(caller, execution, format);
    const registry = this.deps.rights.current();
    const sources = execution.attributions.map((a) => a.source);
    const rendered = await renderDocument({
      format,
      // The execution's own times, so the same export of the same execution gives the same bytes.
      dates: { created: execution.createdAt, modified: execution.finishedAt ?? execution.createdAt },
      execution: {
        id: execution.id,
        patternId: execution.patternId,
        patternVersion: execution.patternVersion,
        status: execution.status,
        pricingPackId: execution.packId,
        ledgerCommitHash: execution.ledgerCommitHash ?? '',
        asofDate: execution.asofDate,
        resultSha256: execution.resultSha256,
      },
      result: execution.result,
      attributions: execution.attributions,
      watermark: watermarkRequired(registry, sources)
        ? { userId: caller.userId, requestId: caller.requestId, timestamp: now.toISOString() }
        : null,
    });
    await this.deps.audit.append({
      actorId: caller.userId,
      tenantId: caller.tenantId,
      action: 'execution.export',
      resource: `execution:${execution.id}`,
      changes: { format, watermarked: rendered.watermark !== null, digest: rendered.watermark?.digest ?? null },
      result: 'OK',
      traceId: caller.traceId,
      requestId: caller.requestId,
    });
    return { ...rendered, attributions: execution.attributions };
  }

  private async check(caller: ExportCaller, execution: ExecutionRecord, format: string): Promise<void> {
    const unviewable = sourcesLacking(
      this.deps.rights.current(),
      execution.attributions.map((a) => a.source),
      'canView',
    );
    if (unviewable.length > 0) {
      throw new AppError('FORBIDDEN', `Not allowed: ${unviewable.join(', ')} may not be viewed here`, { blockedSources: unviewable });
    }
    const blockedSources = sourcesLacking(
      this.deps.rights.current(),
      execution.attributions.map((a) => a.source),
      'canExport',
    );
    if (blockedSources.length === 0) return;
    await this.deps.audit.append({
      actorId: caller.userId,
      tenantId: caller.tenantId,
      action: 'rights.violation',
      resource: `execution:${execution.id}`,
      changes: { operation: 'exportExecution', format, blockedSources, registryVersion: this.deps.rights.current().version },
      result: 'DENIED',
      traceId: caller.traceId,
      requestId: caller.requestId,
    });
    this.deps.onViolation?.(blockedSources);
    throw new AppError('RIGHTS_EXPORT_BLOCKED', `Export refused: ${blockedSources.join(', ')} may not be exported`, { blockedSources });
  }
}
