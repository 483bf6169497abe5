import { Directive, Field, Float, ID, ObjectType } from 'type-graphql';
import { JSONScalar } from '../scalars';

@ObjectType({ description: 'One step of a pattern: a capability called with templated arguments.' })
export class PatternStep {
  @Field(() => String)
  id!: string;

  @Field(() => String)
  capability!: string;

  @Field(() => Boolean, { description: 'A failed optional step leaves the execution PARTIAL instead of FAILED.' })
  optional!: boolean;

  @Field(() => [String], { description: 'Steps whose output this step reads (from its {{state.…}} templates).' })
  dependsOn!: string[];

  @Field(() => JSONScalar)
  args!: unknown;
}

@Directive('@key(fields: "id")')
@ObjectType({ description: 'A versioned analysis recipe; this is its current (newest) version unless reached through an execution.' })
export class Pattern {
  @Field(() => ID)
  id!: string;

  @Field(() => String)
  version!: string;

  @Field(() => String, { description: "sha256 of the version's canonical definition; publishPattern's ifMatch." })
  etag!: string;

  @Field(() => String)
  description!: string;

  @Field(() => Float, { description: 'Credits one run costs.' })
  cost!: number;

  @Field(() => [String], { description: 'Data sources a result may use (attribution).' })
  sources!: string[];

  @Field(() => JSONScalar, { description: 'JSON Schema of executePattern inputs.' })
  inputSchema!: unknown;

  @Field(() => JSONScalar, { description: 'JSON Schema of the result.' })
  outputSchema!: unknown;

  @Field(() => [PatternStep])
  steps!: PatternStep[];
}
