import { Field, ObjectType, registerEnumType } from 'type-graphql';
import { Attribution } from '../executions/execution-types';
import { DataSource } from './data-source-type';

export enum ExportFormatEnum {
  JSON = 'JSON',
  CSV = 'CSV',
  TEXT = 'TEXT',
}
registerEnumType(ExportFormatEnum, { name: 'ExportFormat' });

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
