import { Field, ObjectType, registerEnumType } from 'type-graphql';
import { Attribution } from '../executions/execution-types';
import { DataSource } from './data-source-type';

/** The document formats exportExecution can write. */
export enum ExportFormatEnum {
  JSON = 'JSON',
  CSV = 'CSV',
  TEXT = 'TEXT',
}
registerEnumType(ExportFormatEnum, {
  name: 'ExportFormat',
  description: 'The document an export produces.',
  valuesConfig: {
    JSON: { description: 'One JSON object: the execution, its result and attributions; a watermark is its last member.' },
    CSV: {
      description: 'A path,value row per result value, after # comment lines for the execution, attributions and watermark.',
    },
    TEXT: { description: 'A plain-text report, with the attributions and watermark in its footer.' },
  },
});

/** The rightsRegistry query's answer: which registry is in force here, and what it allows for each source. */
@ObjectType('RightsRegistry', {
  description: 'The rights registry in force: its file version and SHA-256, and the rights of each source here.',
})
export class RightsRegistryType {
  @Field(() => String, { description: "The registry file's version, e.g. 2026.11.0." })
  version!: string;

  @Field(() => String, { description: "SHA-256 of the registry file's bytes, in lower-case hex." })
  sha256!: string;

  @Field(() => String, { description: 'The environment whose overrides apply (FRESHGATE_ENV).' })
  environment!: string;

  @Field(() => [DataSource], { description: 'Every source the registry lists, by name, with its rights in this environment.' })
  sources!: DataSource[];
}

/** What exportExecution answers: the exported document, with what its sources required of it. */
@ObjectType({ description: 'An execution as a document: attributions always; a watermark where a source requires one.' })
export class ExecutionExport {
  @Field(() => ExportFormatEnum, { description: 'The format asked for.' })
  format!: ExportFormatEnum;

  @Field(() => String, { description: 'The MIME type of content: application/json, text/csv or text/plain; charset=utf-8.' })
  contentType!: string;

  @Field(() => String, { description: 'The exported document itself.' })
  content!: string;

  @Field(() => [Attribution], { description: "The execution's attributions, which the document carries too." })
  attributions!: Attribution[];

  @Field(() => Boolean, {
    description: 'Whether the document carries a watermark (user, request id, time and a digest of the content), as a source requires.',
  })
  watermarked!: boolean;
}
