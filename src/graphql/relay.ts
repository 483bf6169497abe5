import { ArgsType, Field, Int, ObjectType, type ClassType } from 'type-graphql';
import type { Page } from '../shared/pagination';

/** Where a page of a connection stands, and the cursor to ask for the next one. */
@ObjectType({ description: 'Relay page information (forward pagination).' })
export class PageInfo {
  @Field(() => Boolean, { description: 'Whether more items follow this page (ask again with after: endCursor).' })
  hasNextPage!: boolean;

  @Field(() => Boolean, { description: 'Always false: these connections page forward only.' })
  hasPreviousPage!: boolean;

  @Field(() => String, { nullable: true, description: "The first edge's cursor; null for an empty page." })
  startCursor!: string | null;

  @Field(() => String, {
    nullable: true,
    description: "The last edge's cursor, to pass as after for the next page; null for an empty page.",
  })
  endCursor!: string | null;
}

/** The arguments of every forward-paged connection field that takes no filter. */
@ArgsType()
export class ConnectionArgs {
  @Field(() => Int, { nullable: true, description: 'Page size, 0–100 (default 20).' })
  first?: number;

  @Field(() => String, { nullable: true, description: 'The endCursor of the previous page.' })
  after?: string;
}

/** What a connection field's resolver returns: the page's edges and where the page stands. */
export interface Connection<T> {
  edges: { cursor: string; node: T }[];
  pageInfo: PageInfo;
}

/** A Relay connection type and its edge type for a node type, described in the node type's name. */
export function connectionTypes<T extends object>(node: ClassType<T>, name: string) {
  @ObjectType(`${name}Edge`, { description: `One ${name} of a page, with its cursor.` })
  class Edge {
    @Field(() => String, { description: 'Opaque; pass it as after to continue with the items after this one.' })
    cursor!: string;

    @Field(() => node, { description: `The ${name}.` })
    node!: T;
  }

  @ObjectType(`${name}Connection`, { description: `A page of ${name} items (Relay connection, forward only).` })
  class ConnectionType {
    @Field(() => [Edge], { description: "This page's items, in the connection's order." })
    edges!: Edge[];

    @Field(() => PageInfo, { description: 'Whether more pages follow, and the cursor to continue from.' })
    pageInfo!: PageInfo;
  }

  return ConnectionType;
}

/** A repository's page as a Relay connection: its edges as they are, and the page info derived from them. */
export function toConnection<T>(page: Page<T>): Connection<T> {
  const edges = page.items;
  return {
    edges,
    pageInfo: {
      hasNextPage: page.hasNextPage,
      hasPreviousPage: false,
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges[edges.length - 1]?.cursor ?? null,
    },
  };
}
