import { Field, ObjectType, registerEnumType } from 'type-graphql';
import { Attribution } from '../executions/execution-types';
import { DataSource } from './data-source-type';

/** The document formats exportExecution can write. */
export enum ExportFormatEnum {
  JSON = 'JSON',
  CSV = 'CSV',
  TEXT = 'TEXT',
  XLSX = 'XLSX',
  PDF = 'PDF',
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
    XLSX: {
      description:
        'An Excel workbook (base64): sheets Execution, Result (typed cells), Attributions and, when required, Watermark; the document properties carry them too.',
    },
    PDF: { description: 'A PDF report (base64) whose every page has a footer with the watermark, when required, and the attributions.' },
  },
});

/** How ExecutionExport.content carries the document. */
export enum ExportEncodingEnum {
  UTF8 = 'UTF8',
  BASE64 = 'BASE64',
}
registerEnumType(ExportEncodingEnum, {
  name: 'ExportEncoding',
  description: 'How an export carries its document in the content string.',
  valuesConfig: {
    UTF8: { description: 'The document is text (JSON, CSV, TEXT), as is.' },
    BASE64: { description: 'The document is bytes (XLSX, PDF), base64-encoded (RFC 4648, with padding).' },
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

  @Field(() => String, {
    description:
      'The MIME type of the document: application/json, text/csv, text/plain; charset=utf-8, application/vnd.openxmlformats-officedocument.spreadsheetml.sheet or application/pdf.',
  })
  contentType!: string;

  @Field(() => ExportEncodingEnum, {
    description: 'How content carries the document: UTF8 text (JSON, CSV, TEXT) or BASE64 bytes (XLSX, PDF).',
  })
  encoding!: ExportEncodingEnum;

  @Field(() => String, { description: 'The exported document itself: the text, or base64 of the bytes (see encoding).' })
  content!: string;

  @Field(() => String, { description: 'A file name to save the document under, e.g. execution-<id>.xlsx.' })
  fileName!: string;

  @Field(() => [Attribution], { description: "The execution's attributions, which the document carries too." })
  attributions!: Attribution[];

  @Field(() => Boolean, {
    description: 'Whether the document carries a watermark (user, request id, time and a digest of the content), as a source requires.',
  })
  watermarked!: boolean;
}
