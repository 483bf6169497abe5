import { Field, ObjectType } from 'type-graphql';

/** A data source's rights as the API shows them, for a pack's sources and the rights registry. */
@ObjectType({ description: 'A data source and what the rights registry allows for it in this environment.' })
export class DataSource {
  @Field(() => String)
  name!: string;

  @Field(() => Boolean)
  canView!: boolean;

  @Field(() => Boolean)
  canExport!: boolean;

  @Field(() => Boolean)
  attributionRequired!: boolean;

  @Field(() => String, { nullable: true })
  attributionText!: string | null;

  @Field(() => Boolean)
  watermarkRequired!: boolean;
}
