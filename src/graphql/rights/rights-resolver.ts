import { Arg, Ctx, ID, Mutation, Query, Resolver, UseMiddleware } from 'type-graphql';
import { actorOf, type GraphQLContext } from '../context';
import { ErrorBoundary } from '../errors';
import { ExecutionExport, ExportEncodingEnum, ExportFormatEnum, RightsRegistryType } from './rights-types';

/** Rights: the registry in force, and exportExecution, which only exports what every source allows. */
@Resolver()
@UseMiddleware(ErrorBoundary)
export class RightsResolver {
  @Query(() => RightsRegistryType, { description: 'The rights registry in force, as it applies in this environment.' })
  rightsRegistry(@Ctx() { services }: GraphQLContext): RightsRegistryType {
    const { version, sha256, environment, sources } = services.rights.current();
    return { version, sha256, environment, sources };
  }

  @Mutation(() => ExecutionExport, {
    nullable: true,
    description:
      'Exports a finished execution (roles analyst, admin). Refused with RIGHTS_EXPORT_BLOCKED when a source of the result may not be exported.',
  })
  async exportExecution(
    @Ctx() context: GraphQLContext,
    @Arg('id', () => ID, { description: "A finished (SUCCESS or PARTIAL) execution of the caller's tenant." }) id: string,
    @Arg('format', () => ExportFormatEnum, { description: 'The document to produce.' }) format: ExportFormatEnum,
  ): Promise<ExecutionExport> {
    const exported = await context.services.exports.export(actorOf(context), id, format);
    return {
      format,
      contentType: exported.contentType,
      encoding: ExportEncodingEnum[exported.encoding],
      content: exported.content,
      fileName: exported.fileName,
      attributions: exported.attributions,
      watermarked: exported.watermark !== null,
    };
  }
}
