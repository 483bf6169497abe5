import { Field, ObjectType, registerEnumType } from 'type-graphql';
import { Attribution } from '../executions/execution-types';
import { DataSource } from './data-source-type';

/** The document formats exportExecution can write. */
export enum ExportFormatEnum {
  JSON = 'JSON',
  CSV = 'CSV',
  TEXT = 'TEXT',
}
registerEnumType(ExportFormatEnum, { name: 'ExportFormat' });

/** The rightsRegistry query's answer: which registry is in force here, and what it allows for each source. */
@ObjectType('RightsRegistry', {
  description: 'The rights registry in force: its file version and SHA-256, and the rights of each source here.',
})
export class RightsRegistryType {
  @Field(() => String)
  version!: string;

  @Field(() => String, { description: "SHA-256 of the registry file's bytes." })
  sha256!: string;

  @Field(() => String, { description: 'The environment whose overrides apply (FRESHGATE_ENV).' })
  environment!: string;

  @Field(() => [DataSource])
  sources!: DataSource[];
}

/** What exportExecution answers: the exported document, with what its sources required of it. */
@ObjectType({ description: 'An execution as a document: attributions always; a watermark where a source requires one.' })
export class ExecutionExport {
  @Field(() => ExportFormatEnum)
  format!: ExportFormatEnum;

  @Field(() => String)
  contentType!: string;

  @Field(() => String, { description: 'The exported document itself.' })
  content!: string;

  @Field(() => [Attribution])
  attributions!: Attribution[];

  @Field(() => Boolean)
  watermarked!: boolean;
}
