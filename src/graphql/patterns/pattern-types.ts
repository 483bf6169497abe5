import { Directive, Field, Float, ID, ObjectType } from 'type-graphql';
import { JSONScalar } from '../scalars';

/** A step of a pattern as the API shows it, with the steps it depends on. */
@ObjectType({ description: 'One step of a pattern version: a capability called with templated arguments.' })
export class PatternStep {
  @Field(() => ID, { description: 'Unique across patterns and versions: `<pattern>@<version>#<step>` (what a normalising client cache keys it by).' })
  id!: string;

  @Field(() => String, { description: "The step's id within its pattern, as `dependsOn` and `StepTrace.stepId` name it." })
  stepId!: string;

  @Field(() => String, { description: 'The capability the step calls, e.g. ledger.positions.' })
  capability!: string;

  @Field(() => Boolean, { description: 'A failed optional step leaves the execution PARTIAL instead of FAILED.' })
  optional!: boolean;

  @Field(() => [String], { description: 'Steps whose output this step reads (from its {{state.…}} templates).' })
  dependsOn!: string[];

  @Field(() => JSONScalar, {
    description: 'The arguments it passes the capability, with their {{inputs.…}}, {{state.…}} and {{ctx.…}} templates unresolved.',
  })
  args!: unknown;
}

/** The fields a pattern version's definition gives, shared by a version and the pattern at its current version. */
// Not in the schema by itself: type-graphql emits only the types the schema reaches.
@ObjectType()
abstract class PatternDefinitionFields {
  @Field(() => String, { description: 'What the pattern computes, in words.' })
  description!: string;

  @Field(() => Float, { description: 'Credits one run costs.' })
  cost!: number;

  @Field(() => [String], { description: 'Data sources a result may use (attribution).' })
  sources!: string[];

  @Field(() => JSONScalar, { description: 'JSON Schema of executePattern inputs.' })
  inputSchema!: unknown;

  @Field(() => JSONScalar, { description: 'JSON Schema of the result.' })
  outputSchema!: unknown;

  @Field(() => [PatternStep], { description: 'Its steps, as the definition lists them.' })
  steps!: PatternStep[];
}

/**
 * A published version of a pattern, unchanged by later publications, and a federation entity by
 * `<pattern>@<version>`: what an execution points to for what it ran.
 */
@Directive('@key(fields: "id")')
@ObjectType({
  description:
    'One version of a pattern, as stored when it was published: what an execution ran. Its id, `<pattern>@<version>`, never names anything else.',
})
export class PatternVersion extends PatternDefinitionFields {
  @Field(() => ID, { description: '`<pattern>@<version>`.' })
  id!: string;

  @Field(() => ID, { description: 'The pattern this is a version of.' })
  patternId!: string;

  @Field(() => String, { description: 'Semantic version.' })
  version!: string;

  @Field(() => String, { description: "sha256:<hex> of the version's canonical definition." })
  etag!: string;

}

/** A pattern as the catalogue shows it now, and a federation entity by pattern id. */
@Directive('@key(fields: "id")')
@ObjectType({
  description:
    'A versioned analysis recipe, at its current (newest) version: the fields below are that version\'s. What an execution ran is its `patternVersion`.',
})
export class Pattern extends PatternDefinitionFields {
  @Field(() => ID, { description: "The pattern's id, e.g. portfolio_overview." })
  id!: string;

  @Field(() => String, { description: 'The current version (semantic version, e.g. 1.0.0).' })
  version!: string;

  @Field(() => String, { description: "sha256:<hex> of the version's canonical definition; publishPattern's ifMatch." })
  etag!: string;

}
