import { Field, ObjectType } from 'type-graphql';

/** A data source's rights as the API shows them, for a pack's sources and the rights registry. */
@ObjectType({ description: 'A data source and what the rights registry allows for it in this environment.' })
export class DataSource {
  @Field(() => String, { description: "The source's name, e.g. FMP; a source the registry does not list has no rights." })
  name!: string;

  @Field(() => Boolean, { description: 'Whether results that used it may be viewed here.' })
  canView!: boolean;

  @Field(() => Boolean, { description: 'Whether results that used it may be exported (exportExecution).' })
  canExport!: boolean;

  @Field(() => Boolean, { description: 'Whether results that used it must show attributionText.' })
  attributionRequired!: boolean;

  @Field(() => String, { nullable: true, description: 'The attribution to show with results that used it; null when none is required.' })
  attributionText!: string | null;

  @Field(() => Boolean, { description: 'Whether exports of results that used it carry a watermark.' })
  watermarkRequired!: boolean;
}
