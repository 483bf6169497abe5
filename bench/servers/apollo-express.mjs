// Bare Apollo Server 5 on express 5, as most Apollo users run it: same schema and resolver.
import { ApolloServer } from '@apollo/server';
import { expressMiddleware } from '@as-integrations/express5';
import express from 'express';
import { resolvers, typeDefs } from './baseline-schema.mjs';

const apollo = new ApolloServer({ typeDefs, resolvers });
await apollo.start();
const app = express();
app.get('/ready', (_request, response) => response.send('ok'));
app.use('/graphql', express.json(), expressMiddleware(apollo));
app.listen(Number(process.env.PORT), '127.0.0.1');
