// Lint rules, including the import boundaries of the README's Layout: what may import what.
import js from '@eslint/js';
import prettier from 'eslint-config-prettier';
import jsdoc from 'eslint-plugin-jsdoc';
import tsdoc from 'eslint-plugin-tsdoc';
import globals from 'globals';
import tseslint from 'typescript-eslint';

/** Persistence: only src/data (repositories) and src/db (connections, migrations, listener) touch the database. */
const PERSISTENCE_IMPORTS = [
  {
    group: ['**/generated/prisma', '**/generated/prisma/**', '@prisma/*', 'prisma'],
    message: 'Database access lives in src/data: call a repository.',
  },
  {
    group: ['pg', 'pg-*', '@electric-sql/pglite', '@electric-sql/pglite/*'],
    message: 'Database access lives in src/data: call a repository.',
  },
  { group: ['**/db/database'], importNames: ['SqlExecutor'], message: 'Raw SQL runs in src/data repositories only.' },
  { group: ['**/data/handle'], message: 'A DataHandle is for repositories (src/data) only.' },
];

/** Calls that are database access, whatever the import: a Prisma client or the SQL executor reached through an object. */
const PERSISTENCE_CALLS = [
  { selector: "MemberExpression[property.name='prisma']", message: 'Database access lives in src/data: call a repository.' },
  {
    selector: 'MemberExpression[property.name=/^\\$(queryRaw|queryRawUnsafe|executeRaw|executeRawUnsafe|transaction)$/]',
    message: 'Database access lives in src/data.',
  },
  {
    selector: "MemberExpression[object.property.name='sql'][property.name=/^(query|exec)$/]",
    message: 'Raw SQL runs in src/data repositories only.',
  },
  { selector: "MemberExpression[property.name='pgPool']", message: 'Database access lives in src/data.' },
];

/** The API and what is above it: the layers below GraphQL never import them. */
const API_IMPORTS = [
  {
    group: ['**/graphql', '**/graphql/**', 'type-graphql', 'graphql-shield', '@apollo/*', 'graphql-ws', 'graphql-scalars'],
    message: 'Nothing below the GraphQL layer imports it.',
  },
  { group: ['graphql'], message: 'Nothing below the GraphQL layer imports graphql-js.' },
  {
    group: ['**/http', '**/http/**', 'fastify', '@fastify/*', '@as-integrations/*'],
    message: 'Nothing below the request edge imports it.',
  },
  {
    group: ['**/app', '**/services', '**/main', '**/cli/**'],
    message: 'The composition root (app, services, main) and the CLIs are imported by nothing.',
  },
];

/** What the GraphQL layer may not import: the edge and the composition root above it. */
const ABOVE_GRAPHQL = [
  { group: ['**/http', '**/http/**', 'fastify', '@fastify/*'], message: 'The GraphQL layer does not know the HTTP edge.' },
  {
    group: ['**/app', '**/services', '**/main', '**/cli/**'],
    message: 'The GraphQL layer receives its services (ApiServices); it does not import the composition root.',
  },
];

// graphql-shield 7.6.5's chain() and race() call util.isUndefined, which Node 23 removed: they throw on Node 24.
const SHIELD_ON_NODE_24 = [
  {
    group: ['graphql-shield'],
    importNames: ['chain', 'race'],
    message: 'chain() and race() throw on Node 23+ (util.isUndefined); write the order inside one rule (see shield.ts).',
  },
];

const PUBLIC_DOCS = {
  publicOnly: { ancestorsOnly: true, esm: true },
  require: {
    FunctionDeclaration: true,
    ClassDeclaration: true,
    MethodDefinition: false,
    ArrowFunctionExpression: true,
    FunctionExpression: true,
  },
  contexts: ['TSInterfaceDeclaration', 'TSTypeAliasDeclaration', 'TSEnumDeclaration', 'ExportNamedDeclaration > VariableDeclaration'],
  checkConstructors: false,
  // --fix would insert empty comments: a missing doc is written, never stubbed.
  enableFixer: false,
};

export default tseslint.config(
  { ignores: ['src/generated/**', 'test/generated/**', 'dist/**', 'coverage/**', 'scratch/**', 'node_modules/**', 'bench/**', '.ci/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { process: 'readonly', console: 'readonly', Buffer: 'readonly', URL: 'readonly', setTimeout: 'readonly' } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', ignoreRestSiblings: true }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      'no-restricted-syntax': 'off',
    },
  },
  {
    files: ['src/**/*.ts'],
    plugins: { jsdoc, tsdoc },
    rules: {
      'jsdoc/require-jsdoc': ['error', PUBLIC_DOCS],
      'jsdoc/no-blank-blocks': ['error', { enableFixer: false }],
      'tsdoc/syntax': 'error',
    },
  },
  // Persistence stays in src/data (and connections in src/db).
  {
    files: ['src/**/*.ts'],
    ignores: ['src/data/**', 'src/db/**'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [...PERSISTENCE_IMPORTS, ...API_IMPORTS] }],
      'no-restricted-syntax': ['error', ...PERSISTENCE_CALLS],
    },
  },
  {
    files: ['src/data/**/*.ts', 'src/db/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: API_IMPORTS }] },
  },
  {
    files: ['src/graphql/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [...PERSISTENCE_IMPORTS, ...ABOVE_GRAPHQL, ...SHIELD_ON_NODE_24] }],
    },
  },
  // The edge, the composition root and the CLIs sit on top: they may import every layer but the database's internals.
  {
    files: ['src/http/**/*.ts', 'src/app.ts', 'src/services.ts', 'src/main.ts', 'src/cli/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: PERSISTENCE_IMPORTS }] },
  },
  {
    files: ['test/**/*.ts', 'scripts/**/*.ts', '*.ts'],
    // Tests walk untyped JSON results (the JSON scalar) and assert on them.
    rules: { '@typescript-eslint/no-non-null-assertion': 'off', '@typescript-eslint/no-explicit-any': 'off' },
  },
  // Node scripts: CommonJS where the file says so (.js), ES modules (.mjs); Node's globals either way.
  {
    files: ['**/*.js', '**/*.cjs'],
    languageOptions: { sourceType: 'commonjs', globals: globals.node },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  { files: ['**/*.mjs'], languageOptions: { globals: globals.node } },
  prettier,
);
