// Bare Apollo Server 5 on fastify 5: the same one-field schema, a constant resolver, defaults.
import { ApolloServer } from '@apollo/server';
import { fastifyApolloDrainPlugin, fastifyApolloHandler } from '@as-integrations/fastify';
import Fastify from 'fastify';
import { resolvers, typeDefs } from './baseline-schema.mjs';

const fastify = Fastify({ logger: false });
const apollo = new ApolloServer({ typeDefs, resolvers, plugins: [fastifyApolloDrainPlugin(fastify)] });
await apollo.start();
fastify.route({ url: '/graphql', method: ['GET', 'POST', 'OPTIONS'], handler: fastifyApolloHandler(apollo) });
fastify.get('/ready', async () => 'ok');
await fastify.listen({ host: '127.0.0.1', port: Number(process.env.PORT) });
