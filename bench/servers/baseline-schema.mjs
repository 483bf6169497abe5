// The baselines' schema: the same single field and selection as freshgate's packHealth, with a
// constant resolver, so they measure what a GraphQL server alone costs.
export const typeDefs = `#graphql
  type PackHealth {
    status: String!
    packId: ID
    asofDate: String
    isFresh: Boolean!
    prewarmDone: Boolean!
    reconciliationPassed: Boolean!
    updatedAt: String
    estimatedReady: String
  }
  type Query { packHealth(packId: ID): PackHealth! }
`;

const health = JSON.parse(process.env.BASELINE_HEALTH_JSON ?? '{}');
export const resolvers = { Query: { packHealth: () => health } };
